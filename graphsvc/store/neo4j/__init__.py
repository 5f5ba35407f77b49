"""The Neo4j store: the same port as the embedded store, answered by Cypher in one database.

Every query lives in ``cypher/`` (one file per query, shipped in the package as graphsvc.cypher,
loaded by name at import time: queries.py) and is always parameterised; reads decide who may
see what inside each query (sessions.py).

Model::

    (:Assertion {id, seq, subject, predicate, object, value (JSON text), ..., times as
                 model.format_time strings, detail (JSON text: the provenance no query
                 filters on), moment, vkey, text, folded})
    (:Assertion)-[:SUPERSEDES]->(:Assertion)
    (:Scope {expr})                               one per distinct scope expression
    (:Decision {id, seq, share, to_agency, to_professional, decided_at, body})
    (:Decision)-[:COVERS]->(:Assertion), and -[:SHARES]-> when it is a decision to share
    (:Acknowledgement {id, seq, decision_id, body}), (:Access {id, seq, owner_agency, at, body})
    (:AuditEntry {seq, at, ..., prev, hash}), (:AuditReturned {assertion_id, seq}),
    (:AuditHead {id, seq, hash})                  the lock writers take, and the last entry's seq and hash
    (:Counter {name, value})                      the seq of each append-only kind of node
    (:Outbox {id, drained})                       each local outbox's last record written (outbox.py)

Subject and object are indexed properties rather than relationships to entity nodes: every
read starts from an index (subject, object, supersedes, (predicate, moment), (predicate,
vkey), the text index on folded names), never from a label scan.

As `graphsvc serve` opens it (store.open_store), a request does not wait on Neo4j for what it
only writes, nor for an entity it read before: audit entries and owner notifications go to a
local durable outbox written here in the background (outbox.py), and entity reads about now are
kept per reader until the database changes (read_cache.py), as are the kinds and family links
of the thousands of entities a pattern reads.

One concern a module: store.py (Neo4jStore, the port's methods), queries.py (the Cypher files),
sessions.py (running queries: sessions, retries, a reader's scopes), rows.py (Python values as
node properties and parameters, and back), staged.py (the staged import), parallel.py (reads
split side by side), accountability.py (decisions, notices, the audit log's seal and the
outbox's drain), outbox.py, read_cache.py and initial_load.py.
"""

from .queries import CONSTRAINTS, QUERIES, cypher_folder
from .rows import time_key
from .store import Neo4jStore

__all__ = ["Neo4jStore", "cypher_folder", "time_key", "QUERIES", "CONSTRAINTS"]
