// search, starting from an exact attribute value ($predicate is date_of_birth or identifier).
{{ scope_version() }}
CALL () {
  MATCH (a:Assertion)
  WHERE a.predicate = $predicate AND a.vkey = $key AND {{ current(a) }}
  {{ search_tail() }}
}
RETURN scope_version, rows
