// Lock the audit log for this transaction (the SET holds the head node's write lock until
// commit, so writers chain one after another), then read the last entry.
MERGE (h:AuditHead {id: 'audit'})
SET h.lock = true
WITH h
CALL () {
  MATCH (e:AuditEntry)
  WHERE e.seq > 0  // a range: the unique index on seq answers, backwards, without a scan
  RETURN e.seq AS seq, e.hash AS hash
  ORDER BY e.seq DESC
  LIMIT 1
}
RETURN seq, hash
