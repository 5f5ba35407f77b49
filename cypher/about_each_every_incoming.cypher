// `about ... incoming` with every predicate for many entities in one read: [entity, link]
// pairs, each entity's in the order written (see about_each_every).
{{ scope_version() }}
CALL () {
  UNWIND $ids AS id
  MATCH (a:Assertion {object: id})
  WHERE a.predicate IS NOT NULL AND {{ current(a) }}
  WITH id, a ORDER BY a.seq
  RETURN collect([id, a {.*}]) AS rows
}
RETURN scope_version, rows
