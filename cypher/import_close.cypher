// Forget an unpublished staged import once its assertions are removed.
MATCH (i:Import {id: $id})
SET i.lock = true
WITH i
WHERE NOT i.published AND NOT EXISTS { MATCH (:Assertion {import_id: $id}) }
DELETE i
