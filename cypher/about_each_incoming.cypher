// `about ... incoming` with one predicate for many entities in one read: [entity, link] pairs,
// each entity's in the order written.
{{ scope_version() }}
CALL () {
  UNWIND $ids AS id
  MATCH (a:Assertion {object: id})
  WHERE a.predicate = $predicate AND {{ current(a) }}
  WITH id, a ORDER BY a.seq
  RETURN collect([id, a {.*}]) AS rows
}
RETURN scope_version, rows
