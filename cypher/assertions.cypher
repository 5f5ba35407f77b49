// assertion() for many ids in one read (import checks what is stored already in bulk).
{{ scope_version() }}
CALL () {
  UNWIND $ids AS id
  MATCH (a:Assertion {id: id})
  WHERE {{ shown(a) }}
  RETURN collect(a {.*}) AS rows
}
RETURN scope_version, rows
