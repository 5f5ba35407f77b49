// Numbers for one batch of a staged import, taken in a transaction of their own so that the
// import's batches can be written side by side (append_assertions holds the counter until its
// transaction ends). A failed import leaves its numbers unused: the log is read in seq order,
// gaps and all.
MERGE (c:Counter {name: 'assertion'})
SET c.value = coalesce(c.value, 0) + $n
RETURN c.value - $n AS base
