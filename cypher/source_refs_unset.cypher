// A page of assertions after seq $after, with the provenance detail of those whose source_ref
// is kept only there (written before the assertion_source index): Sessions._ensure_schema
// gives them the property before it makes the index.
MATCH (a:Assertion)
WHERE a.seq > $after
WITH a ORDER BY a.seq
LIMIT $limit
RETURN a.seq AS seq, a.id AS id, CASE WHEN a.source_ref IS NULL THEN a.detail END AS detail
