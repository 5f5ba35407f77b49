// The family links of each entity in $ids from its own end, as [id, [object, ...]]: the
// objects of its current visible family_member_of links (the subject's end only, as in
// families.cypher; the store answers both ends). Not narrowed to those asked about, unlike
// families.cypher: what it reads is kept per entity by the read cache and answers later
// questions about any group of people.
{{ scope_version() }}
CALL () {
  UNWIND $ids AS id
  RETURN collect([id, COLLECT {
    MATCH (a:Assertion) USING INDEX a:Assertion(subject, predicate)
    WHERE a.subject = id AND a.predicate = 'family_member_of' AND {{ current(a) }}
    RETURN a.object
  }]) AS rows
}
RETURN scope_version, rows
