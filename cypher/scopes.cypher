// Every distinct scope expression, with the version they make up (read first: the list is then
// at least as new as the version).
OPTIONAL MATCH (c:Counter {name: 'scope'})
WITH c.epoch + ':' + toString(c.value) AS version
CALL () {
  MATCH (s:Scope)
  RETURN collect(s.expr) AS exprs
}
RETURN version, exprs
