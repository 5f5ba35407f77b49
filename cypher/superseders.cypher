// Visible assertions recorded by as_of that supersede this one, in the order written.
{{ scope_version() }}
CALL () {
  MATCH (s:Assertion {supersedes: $id})
  WHERE {{ shown(s) }}
  WITH s ORDER BY s.seq
  RETURN collect(s {.*}) AS rows
}
RETURN scope_version, rows
