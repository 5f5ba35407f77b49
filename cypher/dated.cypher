// The time index: current visible assertions with these predicates whose moment lies in
// [$start, $end] (fixed-width UTC strings; unbounded ends are sentinels), oldest first.
{{ scope_version() }}
CALL () {
  MATCH (a:Assertion)
  WHERE a.predicate IN $predicates AND a.moment >= $start AND a.moment <= $end
    AND {{ current(a) }}
  WITH a ORDER BY a.moment, a.seq
  RETURN collect(a {.*}) AS rows
}
RETURN scope_version, rows
