// Decisions covering one assertion, in the order recorded.
CALL () {
  MATCH (:Assertion {id: $id})<-[:COVERS]-(d:Decision)
  RETURN d
  UNION
  MATCH (p:PendingCover {assertion_id: $id})
  MATCH (d:Decision {id: p.decision_id})
  RETURN d
}
RETURN d.body AS body
ORDER BY d.seq
