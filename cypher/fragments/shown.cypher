// Visible, and recorded by as_of (model.current's `shown`); $as_of is "~" (after every
// time) when the reader asks about now.
{{ visible(@) }}
AND @.recorded_at <= $as_of
