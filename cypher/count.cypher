MATCH (a:Assertion)
RETURN count(a) AS n
