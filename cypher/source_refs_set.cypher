// Gives each assertion of $rows ({id, source_ref}) its source_ref property (see source_refs_unset).
UNWIND $rows AS row
MATCH (a:Assertion {id: row.id})
SET a.source_ref = row.source_ref
