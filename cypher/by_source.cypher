// GraphStore.by_source: the assertions recorded under each {agency, source_ref} of $sources
// that the reader is shown, superseded or not, in the order written. Seeks the source_ref index.
{{ scope_version() }}
CALL () {
  UNWIND $sources AS source
  MATCH (a:Assertion {source_ref: source.source_ref})
  WHERE a.agency = source.agency AND {{ shown(a) }}
  WITH a ORDER BY a.seq
  RETURN collect(a {.*}) AS rows
}
RETURN scope_version, rows
