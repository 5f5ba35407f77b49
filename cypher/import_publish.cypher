// Show a staged import's assertions, all at once: mark it published and bump the version that
// readers' cached scope lists are checked against, so every reader re-reads the published ids.
// Not one being discarded (import_discard): its lock is taken before the flags are read.
MATCH (i:Import {id: $id})
SET i.lock = true
WITH i
WHERE NOT i.published AND NOT coalesce(i.discarded, false)
SET i.published = true, i.published_at = $now
WITH i
MERGE (c:Counter {name: 'scope'})
ON CREATE SET c.epoch = randomUUID(), c.value = 0
SET c.value = c.value + 1
RETURN count(i) AS published
