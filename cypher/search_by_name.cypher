// search, starting from names containing $needle (both case-folded; a text index).
{{ scope_version() }}
CALL () {
  MATCH (a:Assertion)
  WHERE a.folded CONTAINS $needle AND a.predicate = 'name' AND {{ current(a) }}
  {{ search_tail() }}
}
RETURN scope_version, rows
