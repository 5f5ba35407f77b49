// Open a staged import (Neo4jStore.append of more than stage_above assertions): its assertions
// are written in many transactions, each carrying `import_id: $id`, and shown to nobody
// (fragments/shown.cypher) until import_publish marks it published.
CREATE (:Import {id: $id, started_at: $now, heartbeat: $now, published: false, discarded: false})
