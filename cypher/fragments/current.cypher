// model.current: not a retraction; shown; not superseded by an assertion the reader is shown
// (a hidden correction changes nothing); valid at valid_at (valid_to exclusive). Without a
// valid_at, $valid_at_from is "~" and $valid_at_to is "": every assertion passes.
NOT @.retraction
AND {{ shown(@) }}
AND NOT EXISTS {
  MATCH (@_s:Assertion)-[:SUPERSEDES]->(@)
  WHERE {{ shown(@_s) }}
}
AND (@.valid_from IS NULL OR @.valid_from <= $valid_at_from)
AND (@.valid_to IS NULL OR $valid_at_to < @.valid_to)
