// Remove up to $limit assertions of an unpublished staged import (never of a published one);
// run until it removes none, then import_close.
MATCH (i:Import {id: $id})
WHERE NOT i.published
MATCH (a:Assertion {import_id: $id})
WITH a LIMIT $limit
DETACH DELETE a
RETURN count(*) AS removed
