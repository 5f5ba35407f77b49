// model.current: not a retraction; shown; not superseded by an assertion the reader is shown
// (a hidden correction changes nothing); valid at valid_at (valid_to exclusive). Without a
// valid_at, $valid_at_from is after every time and $valid_at_to before every time: every
// assertion passes. A missing bound is coalesced to a string before ('') or after ('~') every
// time rather than tested with OR: the planner answered "IS NULL OR <" with a union of two
// index seeks, reading every candidate twice.
NOT @.retraction
AND {{ shown(@) }}
AND NOT EXISTS {
  MATCH (@_s:Assertion)-[:SUPERSEDES]->(@)
  WHERE {{ shown(@_s) }}
}
AND coalesce(@.valid_from, '') <= $valid_at_from
AND $valid_at_to < coalesce(@.valid_to, '~')
