CREATE (e:AuditEntry)
SET e = $entry
WITH e
UNWIND $entry.returned AS id
CREATE (:AuditReturned {assertion_id: id, seq: e.seq})
