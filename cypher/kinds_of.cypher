// kind_of for many entities in one read: each entity's first current visible `kind`, in the
// order written (entities without one come back with a null kind).
{{ scope_version() }}
CALL () {
  UNWIND $ids AS id
  RETURN collect([id, {{ kind(id) }}]) AS rows
}
RETURN scope_version, rows
