// A sharing decision, linked to the assertions it covers; a decision to share also SHARES
// them (read by fragments/visible.cypher). Ids not yet stored wait in PendingCover nodes.
MERGE (c:Counter {name: 'decision'})
SET c.value = coalesce(c.value, 0) + 1
CREATE (d:Decision {id: $id, seq: c.value, share: $share, to_agency: $to_agency, decided_at: $decided_at, body: $body})
SET d.to_professional = $to_professional
WITH d
UNWIND $assertion_ids AS aid
OPTIONAL MATCH (a:Assertion {id: aid})
CALL (d, a, aid) {
  WITH d, a, aid WHERE a IS NULL
  MERGE (:PendingCover {assertion_id: aid, decision_id: d.id})
}
CALL (d, a) {
  WITH d, a WHERE a IS NOT NULL
  MERGE (d)-[:COVERS]->(a)
  WITH d, a WHERE d.share
  MERGE (d)-[:SHARES]->(a)
}
