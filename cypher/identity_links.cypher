// The identity links ($predicates: same_person_as, not_same_person) with one of these entities
// as subject or object, current and visible, each once (identity.py resolves persons by them).
// From the (subject, predicate) and (object, predicate) indexes; the store orders them.
{{ scope_version() }}
CALL () {
  CALL () {
    UNWIND $ids AS id
    UNWIND $predicates AS predicate
    MATCH (a:Assertion {subject: id, predicate: predicate})
    RETURN a
    UNION
    UNWIND $ids AS id
    UNWIND $predicates AS predicate
    MATCH (a:Assertion {object: id, predicate: predicate})
    RETURN a
  }
  WITH a WHERE {{ current(a) }}
  RETURN collect(a {.*}) AS rows
}
RETURN scope_version, rows
