// GraphStore.context_links in one read, grouped here rather than in Python: the links in the
// window ($start, $end: time keys) placing a child at a context whose kind is in $kinds, by a
// context link ($predicates) or as the subject of an episode found_at the context; only
// contexts with links from at least $min distinct children. Rows: [context, kind, links], a
// link being [child, how, time key, agency, assertion ids].
{{ scope_version() }}
CALL () {
  CALL () {
    MATCH (a:Assertion)
    WHERE a.predicate IN $predicates AND a.moment >= $start AND a.moment <= $end
      AND a.object IS NOT NULL AND {{ current(a) }}
    RETURN a.object AS context, a.subject AS child, a.predicate AS how, a.moment AS at, a.agency AS agency, [a.id] AS ids
    UNION ALL
    MATCH (f:Assertion)
    WHERE f.predicate = 'found_at' AND f.moment >= $start AND f.moment <= $end
      AND f.object IS NOT NULL AND {{ current(f) }}
    MATCH (i:Assertion {object: f.subject})
    WHERE i.predicate = 'involved_in' AND i.role = 'subject' AND {{ current(i) }}
    RETURN f.object AS context, i.subject AS child, 'found_at' AS how, f.moment AS at, f.agency AS agency, [f.id, i.id] AS ids
  }
  // Fewer distinct children than $min before the kinds are checked: fewer after, so dropped
  // before any kind is looked up.
  WITH context, child, collect([child, how, at, agency, ids]) AS child_links
  WITH context, collect([child, child_links]) AS children
  WHERE size(children) >= $min
  WITH context, {{ kind(context) }} AS kind, children
  WHERE kind IN $kinds
  UNWIND children AS entry
  WITH context, kind, entry[0] AS child, entry[1] AS child_links
  WHERE {{ kind(child) }} = 'child'
  WITH context, kind, collect(child_links) AS links
  WHERE size(links) >= $min
  RETURN collect([context, kind, links]) AS rows
}
RETURN scope_version, rows
