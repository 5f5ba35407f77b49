// One page of every assertion, in the order written (the unique index on seq gives the order).
MATCH (a:Assertion)
WHERE a.seq > $after
WITH a ORDER BY a.seq LIMIT $limit
RETURN a {.*} AS a
