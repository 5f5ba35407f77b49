MATCH (k:Acknowledgement {decision_id: $decision_id})
RETURN k.body AS body
ORDER BY k.seq
