// Visible, and recorded by as_of (model.current's `shown`); $as_of is "~" (after every
// time) when the reader asks about now. Assertions of a staged import that has not been
// published yet ($published: the published imports' ids) are shown to nobody.
{{ visible(@) }}
AND @.recorded_at <= $as_of
AND (@.import_id IS NULL OR @.import_id IN $published)
