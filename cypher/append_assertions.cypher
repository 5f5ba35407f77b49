// One batch of new assertions, numbered after the last written. The counter node is locked
// (SET) until the transaction ends, so concurrent writers number their batches one after another.
MERGE (c:Counter {name: 'assertion'})
SET c.value = coalesce(c.value, 0) + size($rows)
WITH c.value - size($rows) AS base
UNWIND range(0, size($rows) - 1) AS i
WITH base + i + 1 AS seq, $rows[i] AS row
CREATE (a:Assertion)
SET a = row, a.seq = seq
