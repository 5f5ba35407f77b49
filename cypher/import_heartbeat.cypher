// A staged import is alive: written with each of its batches (imports_abandoned). `alive` is
// false once the import is being discarded (import_discard) or is gone: the batch is then not
// committed. The SET comes first: it waits for a discard in progress to commit, so the flag
// read after it is the discard's.
OPTIONAL MATCH (i:Import {id: $id})
SET i.heartbeat = $now
RETURN i IS NOT NULL AND NOT coalesce(i.discarded, false) AS alive
