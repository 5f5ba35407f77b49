// Store sealed audit entries and the log's new head in one query, if the head is where this
// writer last left it ($expected_seq, $expected_hash) or the caller has just read it under the
// lock ($force). The SET takes the head's write lock, held until commit, so writers chain one
// after another and the head is read after the lock. Returns `fresh`: false (nothing written)
// when another writer moved the head; no row when there is no head yet (a new log).
MATCH (h:AuditHead {id: 'audit'})
SET h.lock = true
WITH h, $force OR coalesce(h.seq = $expected_seq AND h.hash = $expected_hash, false) AS fresh
FOREACH (_ IN CASE WHEN fresh THEN [1] ELSE [] END |
  SET h.seq = $seq, h.hash = $hash
  FOREACH (entry IN $entries |
    CREATE (e:AuditEntry)
    SET e = entry
    FOREACH (id IN entry.returned | CREATE (:AuditReturned {assertion_id: id, seq: entry.seq}))))
RETURN fresh
