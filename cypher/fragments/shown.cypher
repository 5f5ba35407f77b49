// Visible, and recorded by as_of (model.current's `shown`). A reader asking about now
// ($as_of_now) skips the time test: Cypher stops at the first true operand of OR, so the
// property is not read (measured at large-la, the kinds and families of 3,859 entities: 74 ->
// 69 ms, with current.cypher's $valid_always). Assertions of a staged import that has not
// been published yet ($published: the published imports' ids) are shown to nobody.
{{ visible(@) }}
AND ($as_of_now OR @.recorded_at <= $as_of)
AND (@.import_id IS NULL OR @.import_id IN $published)
