// One page of the audit log in seq order (the unique index on seq gives the order).
MATCH (e:AuditEntry)
WHERE e.seq > $after
WITH e ORDER BY e.seq LIMIT $limit
RETURN e {.*} AS e
