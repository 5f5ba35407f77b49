// `about` with every predicate for many entities in one read (the facts of many events at
// once): [entity, assertion] pairs, each entity's in the order written. A file of its own:
// about_each's `a.predicate = $predicate` is what lets that read seek both keys of the index.
{{ scope_version() }}
CALL () {
  UNWIND $ids AS id
  MATCH (a:Assertion {subject: id})
  WHERE a.predicate IS NOT NULL AND {{ current(a) }}
  WITH id, a ORDER BY a.seq
  RETURN collect([id, a {.*}]) AS rows
}
RETURN scope_version, rows
