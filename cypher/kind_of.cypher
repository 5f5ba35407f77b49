// The entity's kind: the first current visible `kind` assertion, in the order written.
{{ scope_version() }}
CALL () {
  WITH $id AS id
  WITH {{ kind(id) }} AS kind
  RETURN CASE WHEN kind IS NULL THEN [] ELSE [kind] END AS rows
}
RETURN scope_version, rows
