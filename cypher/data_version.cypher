// The database's version as the read cache (store/read_cache.py) watches it: the counters every
// write that can change what a reader sees moves (assertions written or staged, sharing
// decisions, scopes, which a published import also bumps), by name.
MATCH (c:Counter)
WHERE c.name IN ['assertion', 'decision', 'scope']
WITH c ORDER BY c.name
RETURN collect([c.name, c.value, c.epoch]) AS version
