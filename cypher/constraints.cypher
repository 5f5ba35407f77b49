// Schema for the Neo4j store, applied on startup (statements missing from the database only).
// One statement per `;`. Every name is unique: the store compares them with SHOW INDEXES.

// -- assertions: append-only, numbered in the order written
CREATE CONSTRAINT assertion_id IF NOT EXISTS FOR (a:Assertion) REQUIRE a.id IS UNIQUE;
// the order written (the log, reads in seq order). An index, not a uniqueness constraint: every
// seq comes from the assertion Counter, which a writer holds locked while it takes its numbers
// (append_assertions, reserve_seqs), so two are never the same; the constraint's check on every
// node written cost a staged import 8% (measured: 21,400 against 19,700 assertions/s). A
// database made before keeps its constraint of the same name.
CREATE INDEX assertion_seq IF NOT EXISTS FOR (a:Assertion) ON (a.seq);
CREATE INDEX assertion_supersedes IF NOT EXISTS FOR (a:Assertion) ON (a.supersedes);
// an entity's assertions (every one has a predicate: reads by subject or object alone say
// `predicate IS NOT NULL` and seek the first key), or one predicate of them (its kind, its
// family links, an event's participants) without reading the hundreds about a child; no
// single-property subject and object indexes: two fewer index entries for every assertion
// written
CREATE INDEX assertion_subject_predicate IF NOT EXISTS FOR (a:Assertion) ON (a.subject, a.predicate);
CREATE INDEX assertion_object_predicate IF NOT EXISTS FOR (a:Assertion) ON (a.object, a.predicate);
// the time index pattern queries start from (GraphStore.dated)
CREATE INDEX assertion_moment IF NOT EXISTS FOR (a:Assertion) ON (a.predicate, a.moment);
// exact-match attributes (date_of_birth, identifier) and names (case-folded, substring search)
CREATE INDEX assertion_value IF NOT EXISTS FOR (a:Assertion) ON (a.predicate, a.vkey);
CREATE TEXT INDEX assertion_folded IF NOT EXISTS FOR (a:Assertion) ON (a.folded);
// an agency's record by its own reference for it (GraphStore.by_source: an import naming a
// target by source_ref); the agency is checked on the few nodes found. A database made before
// has its nodes given the property first (Sessions._ensure_schema).
CREATE INDEX assertion_source IF NOT EXISTS FOR (a:Assertion) ON (a.source_ref);
// staged imports: their assertions are found by import id when an unpublished one is removed
CREATE INDEX assertion_import IF NOT EXISTS FOR (a:Assertion) ON (a.import_id);
CREATE CONSTRAINT import_id IF NOT EXISTS FOR (i:Import) REQUIRE i.id IS UNIQUE;
CREATE CONSTRAINT scope_expr IF NOT EXISTS FOR (s:Scope) REQUIRE s.expr IS UNIQUE;
CREATE CONSTRAINT counter_name IF NOT EXISTS FOR (c:Counter) REQUIRE c.name IS UNIQUE;

// -- accountability records
CREATE CONSTRAINT decision_id IF NOT EXISTS FOR (d:Decision) REQUIRE d.id IS UNIQUE;
CREATE CONSTRAINT decision_seq IF NOT EXISTS FOR (d:Decision) REQUIRE d.seq IS UNIQUE;
CREATE INDEX pending_cover_assertion IF NOT EXISTS FOR (p:PendingCover) ON (p.assertion_id);
CREATE CONSTRAINT acknowledgement_id IF NOT EXISTS FOR (k:Acknowledgement) REQUIRE k.id IS UNIQUE;
CREATE CONSTRAINT acknowledgement_seq IF NOT EXISTS FOR (k:Acknowledgement) REQUIRE k.seq IS UNIQUE;
CREATE INDEX acknowledgement_decision IF NOT EXISTS FOR (k:Acknowledgement) ON (k.decision_id);
CREATE CONSTRAINT access_id IF NOT EXISTS FOR (n:Access) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT access_seq IF NOT EXISTS FOR (n:Access) REQUIRE n.seq IS UNIQUE;
CREATE INDEX access_owner IF NOT EXISTS FOR (n:Access) ON (n.owner_agency, n.at);

// -- the audit log
CREATE CONSTRAINT audit_seq IF NOT EXISTS FOR (e:AuditEntry) REQUIRE e.seq IS UNIQUE;
CREATE CONSTRAINT audit_head IF NOT EXISTS FOR (h:AuditHead) REQUIRE h.id IS UNIQUE;
CREATE INDEX audit_returned_assertion IF NOT EXISTS FOR (r:AuditReturned) ON (r.assertion_id);
// the mark of each local outbox (store/outbox.py): the last of its records written here
CREATE CONSTRAINT outbox_id IF NOT EXISTS FOR (o:Outbox) REQUIRE o.id IS UNIQUE;
