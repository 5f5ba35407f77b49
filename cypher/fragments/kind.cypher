// The kind of entity @ as kind_of reads it: the text of its first current visible `kind`
// assertion in the order written, or null. In that order, and checked until one passes: an
// entity's kind is recorded by each agency that knows it (a child's by three or four), and the
// first is nearly always current.
COLLECT {
  MATCH (@_k:Assertion {subject: @})
  WHERE @_k.predicate = 'kind'
  WITH @_k ORDER BY @_k.seq
  WHERE {{ current(@_k) }}
  RETURN @_k.text LIMIT 1
}[0]
