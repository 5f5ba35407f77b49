// Every distinct scope expression and every published staged import, with the version they make
// up (read first: the lists are then at least as new as the version).
OPTIONAL MATCH (c:Counter {name: 'scope'})
WITH c.epoch + ':' + toString(c.value) AS version
CALL () {
  MATCH (s:Scope)
  RETURN collect(s.expr) AS exprs
}
CALL () {
  MATCH (i:Import)
  WHERE i.published
  RETURN collect(i.id) AS published
}
RETURN version, exprs, published
