// kind_of for many entities in one read: each entity's first current visible `kind`, in the
// order written (entities without one come back with a null kind).
{{ scope_version() }}
CALL () {
  UNWIND $ids AS id
  CALL (id) {
    OPTIONAL MATCH (a:Assertion {subject: id})
    WHERE a.predicate = 'kind' AND {{ current(a) }}
    WITH a ORDER BY a.seq LIMIT 1
    RETURN a.text AS kind
  }
  RETURN collect([id, kind]) AS rows
}
RETURN scope_version, rows
