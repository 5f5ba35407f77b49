MERGE (c:Counter {name: 'access'})
SET c.value = coalesce(c.value, 0) + size($rows)
WITH c.value - size($rows) AS base
UNWIND range(0, size($rows) - 1) AS i
WITH base + i + 1 AS seq, $rows[i] AS row
CREATE (:Access {id: row.id, seq: seq, owner_agency: row.owner_agency, at: row.at, body: row.body})
