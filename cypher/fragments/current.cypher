// model.current: not a retraction; shown; not superseded by an assertion the reader is shown
// (a hidden correction changes nothing); valid at valid_at (valid_to exclusive). A reader not
// asking about a time ($valid_always) skips the test and its property reads (see shown.cypher;
// $valid_at_from and $valid_at_to are then bounds every assertion would pass anyway). A
// missing bound is coalesced to a string before ('') or after ('~') every time rather than
// tested with OR: the planner answered "IS NULL OR <" with a union of two index seeks, reading
// every candidate twice (an OR with a parameter alone has no index to seek).
NOT @.retraction
AND {{ shown(@) }}
AND NOT EXISTS {
  MATCH (@_s:Assertion)-[:SUPERSEDES]->(@)
  WHERE {{ shown(@_s) }}
}
AND ($valid_always OR (coalesce(@.valid_from, '') <= $valid_at_from AND $valid_at_to < coalesce(@.valid_to, '~')))
