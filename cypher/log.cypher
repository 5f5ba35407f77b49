// One page of every assertion, in the order written (the index on seq gives the order);
// a staged import's only once it is published.
MATCH (a:Assertion)
WHERE a.seq > $after AND (a.import_id IS NULL OR a.import_id IN $published)
WITH a ORDER BY a.seq LIMIT $limit
RETURN a {.*} AS a
