// GraphStore.families: the current visible family_member_of links among the people asked
// about ($among), from those of them in $ids (all of them, or a part when the store splits the
// read), as [subject, object] pairs; the store answers both ends of each. Each link is
// found once, from its subject, and only if its object is asked about too: a link to anyone
// else (a parent, a sibling who is not a candidate) is dropped before its visibility is checked.
// From the subject's end by hint: the role says how the subject relates to the object, so a
// parent's link has the parent as subject, and the children the patterns ask about are the
// objects of far more links (their parents') than they are subjects of (the planner, left to
// itself, started from the objects: 6,830 index rows against 1,900 at large-la, 31 ms against 21).
{{ scope_version() }}
CALL () {
  MATCH (a:Assertion) USING INDEX a:Assertion(subject, predicate)
  WHERE a.subject IN $ids AND a.predicate = 'family_member_of' AND a.object IN $among AND {{ current(a) }}
  RETURN collect([a.subject, a.object]) AS rows
}
RETURN scope_version, rows
