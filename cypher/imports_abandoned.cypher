// Unpublished staged imports whose writer has not been heard from since $before (killed, or
// its connection lost before it could remove what it wrote), and discarded ones whose removal
// was cut short (assertions left).
MATCH (i:Import)
WHERE NOT i.published AND i.heartbeat < $before
  AND (NOT coalesce(i.discarded, false) OR EXISTS { MATCH (:Assertion {import_id: i.id}) })
RETURN i.id AS id
