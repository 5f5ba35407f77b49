// Before records from a local outbox (store/outbox.py: audit entries, owner notifications) are
// written: lock that outbox's mark until commit (drainers of one outbox write one after
// another) and read the number of the last record already written from it (0: none), so a
// record drained by a transaction that committed just before its process died is not written twice.
MERGE (o:Outbox {id: $outbox})
SET o.lock = true
RETURN coalesce(o.drained, 0) AS drained
