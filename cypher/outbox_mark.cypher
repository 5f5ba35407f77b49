// After records from a local outbox are written, in the same transaction: the number of the
// last of them (see outbox_claim.cypher).
MATCH (o:Outbox {id: $outbox})
SET o.drained = $drained
