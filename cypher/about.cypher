// Current visible assertions with the entity as subject, in the order written.
{{ scope_version() }}
CALL () {
  MATCH (a:Assertion {subject: $id})
  WHERE a.predicate IS NOT NULL AND ($any_predicate OR a.predicate IN $predicates) AND {{ current(a) }}
  WITH a ORDER BY a.seq
  RETURN collect(a {.*}) AS rows
}
RETURN scope_version, rows
