// GraphStore.context_links, the part grouped in the database: the current visible links in
// the window ($start, $end: time keys) placing an entity at a context, by a context link
// ($predicates) or as the subject of an episode found_at the context, for the contexts of one
// part ($tails, $inside: neo4j._id_parts; every link of a context is in its part); only
// contexts with links from at least $min distinct entities. Rows: [context, [links of one
// entity, ...]], a link being [entity, how, time key, agency, assertion ids, sightings, last
// time key, agencies]. A context link's repeated sightings (one id each) are one link, so the
// rows grow with distinct links: first by (time key, id), as patterns._IN_TIME orders them,
// with the count, last time key, distinct agencies and first 100 ids (SIGHTING_IDS).
// The store reads the parts side by side, then reads the kinds of the contexts and entities
// (kinds_of, split too) and keeps the children at contexts of the kinds asked for: checked in
// here, the kinds were one index seek after another on one core (55 of the query's 120 ms at
// large-la).
{{ scope_version() }}
CALL () {
  CALL () {
    MATCH (a:Assertion)
    WHERE a.predicate IN $predicates AND a.moment >= $start AND a.moment <= $end
      AND a.object IS NOT NULL AND (right(a.object, 1) IN $tails) = $inside AND {{ current(a) }}
    WITH a.object AS context, a.subject AS child, a.predicate AS how, a.moment AS at, a.agency AS agency, a.id AS id
    ORDER BY at, id
    WITH context, child, how, collect([at, agency, id]) AS seen, collect(DISTINCT agency) AS agencies
    RETURN context, child, how, seen[0][0] AS at, seen[0][1] AS agency, [s IN seen[..100] | s[2]] AS ids, size(seen) AS sightings,
      seen[-1][0] AS last, agencies
    UNION ALL
    MATCH (f:Assertion)
    WHERE f.predicate = 'found_at' AND f.moment >= $start AND f.moment <= $end
      AND f.object IS NOT NULL AND (right(f.object, 1) IN $tails) = $inside AND {{ current(f) }}
    MATCH (i:Assertion {object: f.subject})
    WHERE i.predicate = 'involved_in' AND i.role = 'subject' AND {{ current(i) }}
    RETURN f.object AS context, i.subject AS child, 'found_at' AS how, f.moment AS at, f.agency AS agency, [f.id, i.id] AS ids, 1 AS sightings,
      f.moment AS last, [f.agency] AS agencies
  }
  WITH context, child, collect([child, how, at, agency, ids, sightings, last, agencies]) AS child_links
  WITH context, collect(child_links) AS links
  WHERE size(links) >= $min
  RETURN collect([context, links]) AS rows
}
RETURN scope_version, rows
