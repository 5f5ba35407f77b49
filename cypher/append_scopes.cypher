// Store the scope expressions not seen before and bump the scope version if any were new.
// The counter is locked first (SET), so concurrent writers add scopes one after another.
MERGE (c:Counter {name: 'scope'})
ON CREATE SET c.epoch = randomUUID(), c.value = 0
SET c.lock = true
WITH c
UNWIND $scopes AS expr
OPTIONAL MATCH (known:Scope {expr: expr})
WITH c, expr, known
WHERE known IS NULL
CREATE (:Scope {expr: expr})
WITH c, count(*) AS added
SET c.value = c.value + added
