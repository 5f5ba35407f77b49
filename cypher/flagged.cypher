// Those of these assertions flagged notify_owner (a trusted read; sorted by the caller).
MATCH (a:Assertion)
WHERE a.id IN $ids AND a.notify_owner
RETURN a {.*} AS a
