// How many assertions there are, a staged import's only once it is published: all of them
// (from Neo4j's count store) less those of unpublished imports (few imports, index look-ups).
CALL () {
  MATCH (a:Assertion)
  RETURN count(a) AS stored
}
CALL () {
  OPTIONAL MATCH (i:Import)
  WHERE NOT i.published
  OPTIONAL MATCH (a:Assertion {import_id: i.id})
  RETURN count(a) AS hidden
}
RETURN stored - hidden AS n
