// After a batch's nodes exist: SUPERSEDES relationships both ways (its targets may be in the
// same batch, and a superseder may have been written first), and decisions recorded before
// the assertion existed.
UNWIND $ids AS id
MATCH (a:Assertion {id: id})
CALL (a) {
  MATCH (t:Assertion {id: a.supersedes})
  MERGE (a)-[:SUPERSEDES]->(t)
}
CALL (a) {
  MATCH (s:Assertion {supersedes: a.id})
  MERGE (s)-[:SUPERSEDES]->(a)
}
CALL (a) {
  MATCH (p:PendingCover {assertion_id: a.id})
  MATCH (d:Decision {id: p.decision_id})
  MERGE (d)-[:COVERS]->(a)
  WITH d, a WHERE d.share
  MERGE (d)-[:SHARES]->(a)
}
