// The entity's kind: the first current visible `kind` assertion, in the order written.
{{ scope_version() }}
CALL () {
  MATCH (a:Assertion {subject: $id})
  WHERE a.predicate = 'kind' AND {{ current(a) }}
  WITH a ORDER BY a.seq LIMIT 1
  RETURN collect(a.text) AS rows
}
RETURN scope_version, rows
