// Given candidate assertions `a`, the ids of their subjects whose current kind is in $kinds
// and that match every criterion given ($by_name: $needle, a case-folded name substring;
// $by_dob, $by_identifier: $dob, $identifier, JSON-encoded exact values), each through a
// current visible assertion.
WITH DISTINCT a.subject AS e
CALL (e) {
  MATCH (k:Assertion {subject: e})
  WHERE k.predicate = 'kind' AND {{ current(k) }}
  RETURN k.text AS kind
  ORDER BY k.seq
  LIMIT 1
}
WITH e, kind
WHERE kind IN $kinds
  AND (NOT $by_name OR EXISTS {
    MATCH (n:Assertion {subject: e})
    USING INDEX n:Assertion(subject, predicate)
    WHERE n.predicate = 'name' AND n.folded CONTAINS $needle AND {{ current(n) }}
  })
  AND (NOT $by_dob OR EXISTS {
    MATCH (d:Assertion {subject: e})
    USING INDEX d:Assertion(subject, predicate)
    WHERE d.predicate = 'date_of_birth' AND d.vkey = $dob AND {{ current(d) }}
  })
  AND (NOT $by_identifier OR EXISTS {
    MATCH (i:Assertion {subject: e})
    USING INDEX i:Assertion(subject, predicate)
    WHERE i.predicate = 'identifier' AND i.vkey = $identifier AND {{ current(i) }}
  })
RETURN collect(e) AS rows
