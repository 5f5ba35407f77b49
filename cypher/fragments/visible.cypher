// Whether the reader may see assertion @: trusted readers see everything; others see the
// scopes the store found visible for their auths ($scopes, computed per query in Python with
// scope.visible), widened by decisions to share with them (SharingDecision.grants: to the
// reader's agency, to everyone there or to the reader by name, decided by as_of).
// Parameters always have the same types (no nulls): a new type combination is a new plan.
$trusted
OR @.scope IN $scopes
OR ($has_agency AND EXISTS {
  MATCH (@_d:Decision)-[:SHARES]->(@)
  WHERE @_d.to_agency = $agency
    AND (@_d.to_professional IS NULL OR ($has_subject AND @_d.to_professional = $subject))
    AND @_d.decided_at <= $as_of
})
