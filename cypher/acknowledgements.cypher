MATCH (k:Acknowledgement)
RETURN k.body AS body
ORDER BY k.seq
