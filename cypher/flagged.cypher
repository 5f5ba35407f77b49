// Those of these assertions flagged notify_owner (a trusted read; sorted by the caller).
MATCH (a:Assertion)
WHERE a.id IN $ids AND a.notify_owner AND (a.import_id IS NULL OR a.import_id IN $published)
RETURN a {.*} AS a
