// The kind of entity @ as kind_of reads it: the text of its first current visible `kind`
// assertion in the order written, or null.
COLLECT {
  MATCH (@_k:Assertion {subject: @})
  WHERE @_k.predicate = 'kind' AND {{ current(@_k) }}
  RETURN @_k.text ORDER BY @_k.seq LIMIT 1
}[0]
