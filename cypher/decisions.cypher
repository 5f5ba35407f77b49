MATCH (d:Decision)
RETURN d.body AS body
ORDER BY d.seq
