// One assertion, superseded or not, if the reader is shown it.
{{ scope_version() }}
CALL () {
  MATCH (a:Assertion {id: $id})
  WHERE {{ shown(a) }}
  RETURN collect(a {.*}) AS rows
}
RETURN scope_version, rows
