// Entries whose response included this assertion, oldest first.
MATCH (r:AuditReturned {assertion_id: $id})
MATCH (e:AuditEntry {seq: r.seq})
RETURN e {.*} AS e
ORDER BY e.seq
