"""Every SQL statement the embedded store runs, in one place, always parameterised."""

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
CREATE INDEX IF NOT EXISTS assertions_subject ON assertions (subject, predicate);
CREATE INDEX IF NOT EXISTS assertions_object ON assertions (object, predicate);
CREATE INDEX IF NOT EXISTS assertions_source ON assertions (agency, source_ref);
-- The log is append-only: the database itself refuses to change or remove an assertion.
CREATE TRIGGER IF NOT EXISTS assertions_no_update BEFORE UPDATE ON assertions
BEGIN SELECT RAISE(ABORT, 'assertions are append-only'); END;
CREATE TRIGGER IF NOT EXISTS assertions_no_delete BEFORE DELETE ON assertions
BEGIN SELECT RAISE(ABORT, 'assertions are append-only'); END;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

COLUMNS = (
    "id", "subject", "predicate", "object", "value", "role", "valid_from", "valid_to",
    "recorded_at", "recorded_by", "agency", "source_ref", "method", "status",
    "source_reliability", "information_confidence", "scope", "handling", "supersedes",
    "retraction", "notify_owner",
)

INSERT_ASSERTION = f"INSERT INTO assertions ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})"
SELECT_LOG = f"SELECT {', '.join(COLUMNS)} FROM assertions ORDER BY seq"
COUNT = "SELECT count(*) FROM assertions"
PING = "SELECT 1"
GET_META = "SELECT value FROM meta WHERE key = ?"
PUT_META = "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
