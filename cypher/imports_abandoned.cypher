// Unpublished staged imports whose writer has not been heard from since $before (killed, or
// its connection lost before it could remove what it wrote).
MATCH (i:Import)
WHERE NOT i.published AND i.heartbeat < $before
RETURN i.id AS id
