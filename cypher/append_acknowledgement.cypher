MERGE (c:Counter {name: 'acknowledgement'})
SET c.value = coalesce(c.value, 0) + 1
CREATE (:Acknowledgement {id: $id, seq: c.value, decision_id: $decision_id, body: $body})
