"""Every SQL statement the embedded store runs, in one place, always parameterised."""

import operator

from ..model import FIELD_NAMES

SCHEMA = """
CREATE TABLE IF NOT EXISTS assertions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    subject TEXT NOT NULL,
    predicate TEXT NOT NULL,
    object TEXT,
    value TEXT,               -- JSON, so a boolean stays a boolean
    role TEXT,
    valid_from TEXT,
    valid_to TEXT,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    agency TEXT NOT NULL,
    source_ref TEXT NOT NULL,
    method TEXT NOT NULL,
    status TEXT NOT NULL,
    source_reliability TEXT,
    information_confidence TEXT,
    scope TEXT NOT NULL,
    handling TEXT NOT NULL,
    supersedes TEXT,
    retraction INTEGER NOT NULL,
    notify_owner INTEGER NOT NULL
);
-- No other index: the store reads the log whole on open and answers from its projection, so
-- an index by subject, object or source would be written on every import and never read.
-- Files made before this had three; they go.
DROP INDEX IF EXISTS assertions_subject;
DROP INDEX IF EXISTS assertions_object;
DROP INDEX IF EXISTS assertions_source;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- Accountability records: JSON bodies, append-only like the assertions.
CREATE TABLE IF NOT EXISTS decisions (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS acknowledgements (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, decision_id TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS acknowledgements_decision ON acknowledgements (decision_id);
CREATE TABLE IF NOT EXISTS accesses (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, owner_agency TEXT NOT NULL, at TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS accesses_owner ON accesses (owner_agency, at);

-- The audit log: each entry's hash covers the previous one (graphsvc/audit.py).
CREATE TABLE IF NOT EXISTS audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL, subject TEXT, agency TEXT, roles TEXT NOT NULL, purpose TEXT,
    operation TEXT NOT NULL, variables_digest TEXT, returned TEXT NOT NULL, outcome TEXT NOT NULL,
    prev TEXT NOT NULL, hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_returned (seq INTEGER NOT NULL, assertion_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS audit_returned_assertion ON audit_returned (assertion_id);
"""

APPEND_ONLY = ("assertions", "decisions", "acknowledgements", "accesses", "audit_log", "audit_returned")
# The database itself refuses to change or remove a row of these tables.
TRIGGERS = "".join(
    f"""
CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;
CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"""
    for table in APPEND_ONLY
)

# The log's columns are the Assertion's fields, in its order (so model.Chunk.fields are rows'
# worth of values as they stand).
COLUMNS = FIELD_NAMES

# An assertion's field values, in the columns' order.
FIELDS = operator.attrgetter(*COLUMNS)
INSERT_ASSERTION = f"INSERT INTO assertions ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})"
SELECT_LOG = f"SELECT {', '.join(COLUMNS)} FROM assertions WHERE seq > ? ORDER BY seq"  # 0: all of it
COUNT = "SELECT count(*) FROM assertions"
COUNT_UP_TO = "SELECT count(*) FROM assertions WHERE seq <= ?"
ID_AT = "SELECT id FROM assertions WHERE seq = ?"
SEQ_OF = "SELECT seq FROM assertions WHERE id = ?"
# The ids recorded under each (agency, source_ref) of a JSON list of pairs, in the order written.
# No index (see SCHEMA): one read of the whole log, made only for an import whose records name
# a target by its source, once per chunk of such records (ingest.Batch.prefetch).
SELECT_BY_SOURCE = """SELECT id FROM assertions
WHERE (agency, source_ref) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?))
ORDER BY seq"""
PING = "SELECT 1"
GET_META = "SELECT value FROM meta WHERE key = ?"
PUT_META = "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"

INSERT_DECISION = "INSERT INTO decisions (id, body) VALUES (?, ?)"
SELECT_DECISIONS = "SELECT body FROM decisions ORDER BY seq"
INSERT_ACK = "INSERT INTO acknowledgements (id, decision_id, body) VALUES (?, ?, ?)"
SELECT_ACKS = "SELECT body FROM acknowledgements ORDER BY seq"
SELECT_ACKS_FOR = "SELECT body FROM acknowledgements WHERE decision_id = ? ORDER BY seq"
INSERT_ACCESS = "INSERT INTO accesses (id, owner_agency, at, body) VALUES (?, ?, ?, ?)"
SELECT_ACCESSES = "SELECT body FROM accesses WHERE owner_agency = ? AND at >= ? AND at <= ? ORDER BY at, seq"

AUDIT_COLUMNS = ("seq", "at", "subject", "agency", "roles", "purpose", "operation", "variables_digest", "returned", "outcome", "prev", "hash")
INSERT_AUDIT = f"INSERT INTO audit_log ({', '.join(AUDIT_COLUMNS)}) VALUES ({', '.join('?' for _ in AUDIT_COLUMNS)})"
INSERT_AUDIT_RETURNED = "INSERT INTO audit_returned (seq, assertion_id) VALUES (?, ?)"
AUDIT_HEAD = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"
SELECT_AUDIT = f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit_log ORDER BY rowid"
SELECT_AUDIT_FOR = f"SELECT {', '.join('l.' + c for c in AUDIT_COLUMNS)} FROM audit_returned r JOIN audit_log l ON l.seq = r.seq WHERE r.assertion_id = ? ORDER BY l.seq"
