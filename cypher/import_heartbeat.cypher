// A staged import is alive: written with each of its batches (imports_abandoned). `alive` is
// true only while the import is neither being discarded (import_discard) nor gone: otherwise
// the batch is not committed. The SET comes first: it waits for a discard in progress to
// commit, and the flag read after it is the discard's (an import deleted while the SET waited
// reads as null, hence `= false`, set by import_open, rather than NOT coalesce(...)).
OPTIONAL MATCH (i:Import {id: $id})
SET i.heartbeat = $now
RETURN coalesce(i.discarded = false, false) AS alive
