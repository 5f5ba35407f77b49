// Opens every query read under a view: the version of the set of scope expressions (a random
// epoch per database, and a count bumped whenever a new scope is stored). The store caches the
// scopes and which of them a reader's auths satisfy; a query that reports another version
// than the one its $scopes were worked out for is re-run with fresh scopes.
OPTIONAL MATCH (scope_counter:Counter {name: 'scope'})
WITH scope_counter.epoch + ':' + toString(scope_counter.value) AS scope_version
