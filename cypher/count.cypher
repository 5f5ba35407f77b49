// How many assertions there are, a staged import's only once it is published: all of them
// (from Neo4j's count store) less those of unpublished imports (few imports, index look-ups).
// Reads are read-committed, so the unpublished imports are locked first (SET): a batch of
// theirs commits only with its import's lock (import_heartbeat), so none lands between the
// two counts. Run in a write transaction.
CALL () {
  OPTIONAL MATCH (l:Import)
  WHERE NOT l.published
  SET l.lock = true
  RETURN count(l) AS locked
}
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
