// GraphStore.dated_of_kind: dated.cypher's assertions (one window of a read split by time),
// keeping those whose subject's kind (fragments/kind.cypher) is $kind: the missing episodes
// among every event of the window, without carrying the others to Python.
{{ scope_version() }}
CALL () {
  MATCH (a:Assertion)
  WHERE a.predicate IN $predicates AND a.moment >= $start AND a.moment <= $end
    AND {{ current(a) }}
  WITH a, a.subject AS subject
  WHERE {{ kind(subject) }} = $kind
  WITH a ORDER BY a.moment, a.seq
  RETURN collect(a {.*}) AS rows
}
RETURN scope_version, rows
