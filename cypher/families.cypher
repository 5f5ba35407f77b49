// GraphStore.families: for each person, those of the same people ($ids) a current visible
// family_member_of links them to, in either direction; ids only (the port's version reads
// every such link as an assertion). A link to anyone else (a parent, a sibling who is not a
// candidate) is dropped before its visibility is checked. People without one are left out.
{{ scope_version() }}
CALL () {
  UNWIND $ids AS id
  CALL (id) {
    MATCH (a:Assertion {subject: id})
    WHERE a.predicate = 'family_member_of' AND a.object IN $ids AND {{ current(a) }}
    RETURN a.object AS relative
    UNION
    MATCH (a:Assertion {object: id})
    WHERE a.predicate = 'family_member_of' AND a.subject IN $ids AND {{ current(a) }}
    RETURN a.subject AS relative
  }
  WITH id, collect(relative) AS relatives
  RETURN collect([id, relatives]) AS rows
}
RETURN scope_version, rows
