"""An offline initial load of an empty Neo4j database: the first millions of assertions.

A staged import (Neo4jStore.append_all) writes through Cypher transactions and is bound by
Neo4j's CPU per node written (indexes updated node by node, the uniqueness check, the commit):
~20,000 assertions/s on a fast 2-core host, 8,000 on a slow one. Neo4j's own import tool
(`neo4j-admin database import full`) writes the store files directly from CSV, and the
indexes are then built once, in bulk, when graphsvc next opens the database. So:

1. `write` validates a JSON Lines file exactly as `graphsvc import` does (bulk.import_file:
   the same records refused with the same errors, and then no file is written) and writes
   the nodes and links a staged import would have made, as the import tool's CSV files, with
   `import.args` naming them.
2. The operator stops Neo4j, runs the import tool on those files, and starts it again (the
   README's production path; `run` runs a command that does all three).
3. `reopen` opens the store again, which creates the indexes and constraints and waits until they
   are online: the uniqueness of assertion ids is checked there, over the whole load.

Only into an empty database (the tool overwrites it): later data goes in with `graphsvc import`.
"""

from __future__ import annotations

import multiprocessing
import operator
import subprocess
import time
import uuid
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Optional, Sequence

from ... import audit
from ...model import FIELD_NAMES, Assertion, Chunk, View, build_assertion
from .rows import row_of

ARGS = "import.args"  # the import tool's arguments, read with `@import.args` in the load's folder
ASSERTIONS, SCOPES, COUNTERS, SUPERSEDES = "assertions.csv", "scopes.csv", "counters.csv", "supersedes.csv"
AUDIT, AUDIT_HEAD = "audit.csv", "audit_head.csv"  # the load's audit entry: loaded with it, or not at all

# The properties of an Assertion node (rows.row_of, plus its number), each with the import
# tool's type for it; `id` is also the node's id for the SUPERSEDES links. Strings unless said.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "id:ID(Assertion)"), ("seq", "seq:long"), ("subject", "subject"), ("predicate", "predicate"),
    ("object", "object"), ("value", "value"), ("role", "role"), ("valid_from", "valid_from"),
    ("valid_to", "valid_to"), ("recorded_at", "recorded_at"), ("agency", "agency"), ("source_ref", "source_ref"), ("scope", "scope"),
    ("supersedes", "supersedes"), ("retraction", "retraction:boolean"), ("notify_owner", "notify_owner:boolean"),
    ("moment", "moment"), ("vkey", "vkey"), ("text", "text"), ("folded", "folded"), ("detail", "detail"),
)
_NAMES = tuple(name for name, _ in COLUMNS)
_FIELDS = operator.attrgetter(*FIELD_NAMES)  # an assertion's field values, as a Chunk's `fields` hold them
_KNOWN = frozenset(_NAMES)


class LoadError(Exception):
    """The load could not be written or run; the message says why."""


@dataclass(frozen=True)
class Written:
    folder: Path
    assertions: int
    scopes: int
    links: int  # SUPERSEDES


def _other(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    raise LoadError(f"a property of type {type(value).__name__} has no CSV form here")


def _line(values: Iterable[Any]) -> str:
    """One CSV line as the import tool reads it: nothing for a missing property (none is set),
    a quoted string otherwise (so an empty string stays one) with its quotes doubled. Written
    out inline: this runs for every field of millions of rows."""
    return ",".join(["" if value is None else '"' + value.replace('"', '""') + '"' if value.__class__ is str else _other(value)
                     for value in values]) + "\n"


_WORKERS = 1  # processes making CSV lines beside the validating one (2 cores: one each)
_AHEAD = 3  # chunks handed to them and not yet written (bounded memory)


@dataclass(frozen=True)
class _Lines:
    nodes: str
    links: str
    scopes: frozenset[str]
    link_count: int
    multiline: bool  # a value with a line break: the tool must be told to look for them


def _lines(fields: list[tuple[Any, ...]], seq: int) -> _Lines:
    """A chunk's CSV lines, its assertions numbered after `seq` (in a worker process: the
    assertions travel as their fields, which pickle at a third of an Assertion's cost)."""
    nodes, links, scopes = [], [], set()
    for values in fields:
        a = build_assertion(*values)
        seq += 1
        row = row_of(a)
        row["seq"] = seq
        if not _KNOWN.issuperset(row):
            raise LoadError(f"assertion {a.id}: properties the load does not carry: {sorted(set(row) - _KNOWN)}")
        nodes.append(_line(map(row.get, _NAMES)))
        scopes.add(a.scope)
        if a.supersedes:
            links.append(_line((a.id, a.supersedes)))
    text = "".join(nodes)
    return _Lines(text, "".join(links), frozenset(scopes), len(links), "\r" in text or text.count("\n") != len(nodes))


class LoadFiles:
    """The sink bulk.import_file validates into: an empty database for its look-ups (nothing is
    stored yet, so every entity and assertion a record names must come earlier in the file,
    as for an import into an empty store), and the validated chunks written as CSV."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.scopes: set[str] = set()
        self.links = 0
        self.multiline = False

    def kinds_of(self, entity_ids: Iterable[str], view: Optional[View] = None) -> dict[str, str]:
        return {}

    def assertions(self, assertion_ids: Iterable[str], view: Optional[View] = None) -> dict[str, Assertion]:
        return {}

    def by_source(self, sources: Iterable[tuple[str, str]], view: Optional[View] = None) -> dict[tuple[str, str], list[Assertion]]:
        return {}

    def append_all(self, chunks: Iterable[Sequence[Assertion]]) -> int:
        """Write the chunks as they are validated. Their CSV lines are made by _WORKERS other
        processes (this one validates: on one core each, the two halves of the work overlap),
        at most _AHEAD chunks ahead of the files, in order."""
        seq = 0
        pending: deque[Future[_Lines]] = deque()
        with ProcessPoolExecutor(_WORKERS, mp_context=multiprocessing.get_context("spawn")) as pool, \
                open(self.folder / ASSERTIONS, "w", encoding="utf-8", newline="") as nodes, \
                open(self.folder / SUPERSEDES, "w", encoding="utf-8", newline="") as links:
            nodes.write(",".join(header for _, header in COLUMNS) + "\n")
            links.write(":START_ID(Assertion),:END_ID(Assertion)\n")
            try:
                for chunk in chunks:
                    fields = chunk.fields if isinstance(chunk, Chunk) else [_FIELDS(a) for a in chunk]
                    pending.append(pool.submit(_lines, fields, seq))
                    seq += len(fields)
                    while len(pending) > _AHEAD:
                        self._take(pending.popleft().result(), nodes, links)
                while pending:
                    self._take(pending.popleft().result(), nodes, links)
            finally:
                for future in pending:
                    future.cancel()
        return seq

    def _take(self, made: _Lines, nodes: IO[str], links: IO[str]) -> None:
        nodes.write(made.nodes)
        links.write(made.links)
        self.scopes |= made.scopes
        self.links += made.link_count
        self.multiline = self.multiline or made.multiline

    def finish(self, assertions: int, audit_entry: Optional[dict] = None) -> Written:
        """The scopes and counters (as append_scopes and reserve_seqs leave them), the audit
        entry naming the load (the first of the log: the tool writes it with the assertions,
        so no crash leaves one without the other), and the import tool's arguments."""
        with open(self.folder / SCOPES, "w", encoding="utf-8", newline="") as out:
            out.write("expr:ID(Scope)\n" + "".join(_line([expr]) for expr in sorted(self.scopes)))
        with open(self.folder / COUNTERS, "w", encoding="utf-8", newline="") as out:
            out.write("name:ID(Counter),value:long,epoch\n")
            out.write(_line(["assertion", assertions, None]))
            out.write(_line(["scope", len(self.scopes), uuid.uuid4().hex]))
        args = [f"--nodes=Assertion={ASSERTIONS}", f"--nodes=Scope={SCOPES}", f"--nodes=Counter={COUNTERS}",
                f"--relationships=SUPERSEDES={SUPERSEDES}", f"--multiline-fields={'true' if self.multiline else 'false'}"]
        if audit_entry is not None:
            (sealed,) = audit.seal_after([audit.naming(audit_entry, count=assertions, span=f"seq 1..{assertions}")], None)
            with open(self.folder / AUDIT, "w", encoding="utf-8", newline="") as out:  # as audit_seal.cypher stores it
                out.write(":ID(AuditEntry),seq:long,at,subject,agency,roles:string[],purpose,operation,variables_digest,returned:string[],outcome,prev,hash\n")
                out.write(_line([f"audit-{sealed['seq']}", sealed["seq"], sealed["at"], sealed["subject"], sealed["agency"], ";".join(sealed["roles"]) or None,
                                 sealed["purpose"], sealed["operation"], sealed["variables_digest"], None, sealed["outcome"], sealed["prev"], sealed["hash"]]))
            with open(self.folder / AUDIT_HEAD, "w", encoding="utf-8", newline="") as out:
                out.write("id:ID(AuditHead),seq:long,hash\n" + _line(["audit", sealed["seq"], sealed["hash"]]))
            args[3:3] = [f"--nodes=AuditEntry={AUDIT}", f"--nodes=AuditHead={AUDIT_HEAD}"]
        (self.folder / ARGS).write_text("\n".join(args) + "\n", encoding="utf-8")
        return Written(self.folder, assertions, len(self.scopes), self.links)


def run(command: Sequence[str], folder: str | Path) -> None:
    """Run the operator's load command with the folder as its last argument: it stops Neo4j,
    runs the import tool in the folder (`neo4j-admin database import full
    --overwrite-destination @import.args neo4j`) and starts Neo4j again."""
    folder = Path(folder).resolve()
    if not (folder / ARGS).is_file():
        raise LoadError(f"{folder} holds no {ARGS}: write the load first")
    try:
        done = subprocess.run([*command, str(folder)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as exc:
        raise LoadError(f"could not run the load command {command[0]!r}: {exc}") from None
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        raise LoadError(f"the load command exited with {done.returncode}" + (f": {said[-1]}" if said else ""))


def reopen(open_store: Callable[[], Any], wait: float) -> Any:
    """The store again once Neo4j answers (the load command may return before it does), with
    its indexes and constraints made and online: Neo4jStore makes the missing ones and waits
    for them, and the uniqueness of assertion ids is checked then, over the whole load."""
    deadline = time.monotonic() + wait
    while True:
        store = open_store()
        if store.ping():
            try:
                store.count()  # the first call applies the schema
                return store
            except Exception:
                store.close()
                raise
        store.close()
        if time.monotonic() > deadline:
            raise LoadError(f"Neo4j did not answer within {wait:g} s of the load command's end")
        time.sleep(1.0)
