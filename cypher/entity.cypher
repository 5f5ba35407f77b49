// An entity in one read (GraphStore.entity): its current visible assertions with it as subject
// and as object, each in the order written. Its kind is the first `kind` among the first list
// (as kind_of), worked out by the caller.
{{ scope_version() }}
CALL () {
  MATCH (a:Assertion {subject: $id})
  WHERE a.predicate IS NOT NULL AND {{ current(a) }}
  WITH a ORDER BY a.seq
  RETURN collect(a {.*}) AS out
}
CALL () {
  MATCH (a:Assertion {object: $id})
  WHERE a.predicate IS NOT NULL AND {{ current(a) }}
  WITH a ORDER BY a.seq
  RETURN collect(a {.*}) AS incoming
}
RETURN scope_version, [out, incoming] AS rows
