// The links of a new assertion `a`: SUPERSEDES both ways (what it supersedes may have been
// written before it, and what supersedes it may have been written first), and the decisions
// recorded before it existed (PendingCover). MERGE: a link made already is left as it is.
CALL (a) {
  WITH a WHERE a.supersedes IS NOT NULL  // most supersede nothing: no (locking) index seek for them
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
