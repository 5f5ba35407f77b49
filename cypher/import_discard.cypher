// Remove up to $limit assertions of an unpublished staged import (never of a published one);
// run until it removes none. The import is marked discarded first, under its lock: a batch
// being written commits before the slice is read (and is removed with it), and no batch after
// it commits (import_heartbeat). The Import node is kept, marked, not deleted: a writer that
// found it and then waited on its lock while it was deleted still reads the deleted node's old
// flags (measured: `NOT coalesce(discarded, false)` said alive); a kept one reads as discarded.
MATCH (i:Import {id: $id})
SET i.lock = true
WITH i
WHERE NOT i.published
SET i.discarded = true
WITH i
MATCH (a:Assertion {import_id: $id})
WITH a LIMIT $limit
DETACH DELETE a
RETURN count(*) AS removed
