// Whether the database holds any node at all (an initial load replaces everything in it:
// assertions, decisions, the audit log). Neo4j answers a label-free count from its count store.
MATCH (n)
RETURN count(n) > 0 AS any
