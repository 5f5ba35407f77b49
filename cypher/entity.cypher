// An entity in one read (GraphStore.entity): its current visible assertions with it as subject
// and as object, each in the order written. Its kind is the first `kind` among the first list
// (as kind_of), worked out by the caller. A link recorded more than once (the same subject,
// predicate, object and role: repeated sightings) comes once, by the first of its assertions,
// with how many there are, the ids of the first $max_ids and the earliest and latest of their
// moments (valid from, else recorded: a link's model.moment), so that the answer grows with the
// distinct links, not the sightings. Rows: [assertion, count, ids, first seen, last seen].
{{ scope_version() }}
CALL () {
  MATCH (a:Assertion {subject: $id})
  WHERE a.predicate IS NOT NULL AND {{ current(a) }}
  WITH a ORDER BY a.seq
  WITH CASE WHEN a.object IS NULL THEN [a.id] ELSE [a.predicate, a.object, a.role] END AS link,
       collect(a) AS seen, min(coalesce(a.valid_from, a.recorded_at)) AS first_seen, max(coalesce(a.valid_from, a.recorded_at)) AS last_seen
  WITH seen[0] AS a, size(seen) AS count, [s IN seen[..$max_ids] | s.id] AS ids, first_seen, last_seen
  ORDER BY a.seq
  RETURN collect([a {.*}, count, ids, first_seen, last_seen]) AS out
}
CALL () {
  MATCH (a:Assertion {object: $id})
  WHERE a.predicate IS NOT NULL AND {{ current(a) }}
  WITH a ORDER BY a.seq
  WITH [a.subject, a.predicate, a.role] AS link,
       collect(a) AS seen, min(coalesce(a.valid_from, a.recorded_at)) AS first_seen, max(coalesce(a.valid_from, a.recorded_at)) AS last_seen
  WITH seen[0] AS a, size(seen) AS count, [s IN seen[..$max_ids] | s.id] AS ids, first_seen, last_seen
  ORDER BY a.seq
  RETURN collect([a {.*}, count, ids, first_seen, last_seen]) AS incoming
}
RETURN scope_version, [out, incoming] AS rows
