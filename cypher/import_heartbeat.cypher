// A staged import is alive: written with each of its batches (imports_abandoned).
MATCH (i:Import {id: $id})
SET i.heartbeat = $now
