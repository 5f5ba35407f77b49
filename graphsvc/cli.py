"""The `graphsvc` command: serve, import, demo, token, schema."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, Sequence

from . import heap
from .settings import SettingError, Settings


def _db(args: argparse.Namespace) -> str:
    return args.db or args.settings["GRAPHSVC_DB"]


def _store(args: argparse.Namespace):
    """The store the command works on: --store, else GRAPHSVC_STORE, else the embedded file."""
    from .store import open_store

    return open_store(_db(args), kind=getattr(args, "store", None), settings=args.settings)


def cmd_import(args: argparse.Namespace) -> int:
    import sqlite3

    from .bulk import import_file
    from .ingest import IngestError
    from .store.base import StoreUnavailable
    with _store(args) as store:
        try:
            # The entry naming the import commits with it (GraphStore.append): a kill -9 at any
            # point leaves both or neither.
            result = import_file(store, args.file, progress=None if not args.no_progress else False,
                                 audit_entry=cli_entry(f"import: {Path(args.file).name}"), ids=args.ids)
        except IngestError as exc:
            audit_write(store, f"import: {Path(args.file).name}", f"rejected: {len(exc.errors)} errors")
            lines = len({e.line for e in exc.errors})
            print(f"import rejected: {args.file}: {lines} line{'s' if lines != 1 else ''} rejected, {exc}", file=sys.stderr)
            return 1
        except OSError as exc:
            print(f"import failed: {exc}", file=sys.stderr)
            return 1
        except (sqlite3.Error, StoreUnavailable) as exc:
            # The records were good; the store could not take them (a log locked by another
            # writer, a full disk, Neo4j gone). Its reason, not a traceback.
            print(f"import failed: {args.file}: the store could not write it ({exc}); nothing was imported", file=sys.stderr)
            return 1
        if not result.audited:  # an export file, restored with its own log
            audit_write(store, f"import: {Path(args.file).name}", f"ok: {result.records} records, {result.written} new assertions")
    print(import_summary(args.file, result, args.ids))
    return 0


# The order record types are reported in: new records, then those of an export file.
REPORTED = ("entity", "event", "assertion", "correction", "retraction",
            "stored_assertion", "stored_decision", "stored_acknowledgement", "stored_access", "audit_entry")


def import_summary(file: str, result, ids: str | None) -> str:
    """What an import wrote: counts only, never a record's contents."""
    kinds = sorted(result.kinds.items(), key=lambda kv: (REPORTED.index(kv[0]) if kv[0] in REPORTED else len(REPORTED), kv[0]))
    lines = [f"imported {file}: {result.records} records, {result.written} new assertions"]
    if kinds:
        lines.append("records by type: " + ", ".join(f"{kind} {n}" for kind, n in kinds))
    if result.present:
        lines.append(f"already stored (skipped): {result.present} assertions")
    if ids:
        lines.append(f"assertion ids: {result.written + result.present} written to {ids}")
    return "\n".join(lines)


def cmd_initial_load(args: argparse.Namespace) -> int:
    import shlex

    from .ingest import IngestError
    from .store import open_store
    from . import initial_load
    from .store.base import StoreUnavailable

    command = shlex.split(args.run)
    if not command:
        print("initial load: --run needs a command", file=sys.stderr)
        return 2
    try:
        with open_store(_db(args), kind="neo4j", settings=args.settings) as store:
            if store.holds_anything():  # the import tool replaces the whole database
                print("initial load refused: the Neo4j database is not empty; add to it with `graphsvc import`", file=sys.stderr)
                return 1
        # The load's audit entry is one of the nodes it loads: both or neither (initial_load.LoadFiles.finish).
        written = initial_load.write(args.file, args.dir, progress=None if not args.no_progress else False,
                                     audit_entry=cli_entry(f"initial load: {Path(args.file).name}"))
        initial_load.run(command, args.dir)
        with initial_load.reopen(lambda: open_store(_db(args), kind="neo4j", settings=args.settings), args.wait) as store:
            count = store.count()
    except IngestError as exc:
        print(f"initial load rejected: {args.file}: {exc}; the database was not touched", file=sys.stderr)
        return 1
    except (OSError, StoreUnavailable, initial_load.LoadError, ValueError) as exc:
        print(f"initial load failed: {exc}", file=sys.stderr)
        return 1
    if count != written.assertions:
        print(f"initial load failed: {written.assertions} assertions written to {args.dir}, but the database holds {count}", file=sys.stderr)
        return 1
    print(f"loaded {args.file}: {written.assertions} assertions")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    import json

    from . import audit
    with _store(args) as store:
        if args.action == "checkpoint":
            mark = audit.checkpoint(store.audit_entries())
            text = json.dumps(mark) + "\n"
            if args.out:
                Path(args.out).write_text(text)
                print(f"checkpoint at entry {mark['seq']} written to {args.out}", file=sys.stderr)
            else:
                sys.stdout.write(text)
            return 0
        mark = json.loads(Path(args.checkpoint).read_text()) if args.checkpoint else None
        checked, problem = audit.verify(store.audit_entries(), mark)
    if problem is not None:
        print(f"audit log BROKEN after checking {checked} entries: {problem}", file=sys.stderr)
        return 1
    print(f"audit log intact: {checked} entries" + (f", consistent with the checkpoint at entry {mark['seq']}" if mark else ""))
    return 0


def cli_entry(operation: str) -> dict:
    """Who a command-line write is by, for its audit entry."""
    import getpass

    from .model import format_time, utcnow

    return {"at": format_time(utcnow()), "subject": f"cli:{getpass.getuser()}", "agency": None, "roles": ["admin"],
            "purpose": None, "operation": operation, "variables_digest": None}


def audit_write(store, operation: str, outcome: str) -> None:
    """Writes from the command line are audited like API requests."""
    store.audit_append({**cli_entry(operation), "returned": [], "outcome": outcome})


def cmd_export(args: argparse.Namespace) -> int:
    from . import export
    with _store(args) as store:
        records = export.export_for_agency(store, args.for_agency) if args.for_agency else export.export_all(store)
        if args.out in (None, "-"):
            count = export.write_jsonl(records, sys.stdout)
        else:
            with open(args.out, "w", encoding="utf-8") as out:
                count = export.write_jsonl(records, out)
        audit_write(store, "export" + (f" for {args.for_agency}" if args.for_agency else ": whole store"), f"ok: {count} records")
    print(f"exported {count} records", file=sys.stderr)
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    from .ingest import IngestError
    from .linkage import run

    with _store(args) as store:
        try:
            done = run.resolve(store, run.model_path(_db(args)), retrain=args.retrain,
                               review=args.settings["GRAPHSVC_LINKAGE_REVIEW"] if args.review is None else args.review,
                               accept=args.settings["GRAPHSVC_LINKAGE_ACCEPT"] if args.accept is None else args.accept,
                               agency=args.settings["GRAPHSVC_LINKAGE_AGENCY"] if args.agency is None else args.agency)
        except ValueError as exc:  # thresholds, an unusable saved model, too few people
            audit_write(store, "resolve", f"rejected: {exc}")
            print(f"resolve failed: {exc}", file=sys.stderr)
            return 1
        if args.out:
            run.write_jsonl(done.records, args.out)
        counts = done.counts()
        try:
            applied = run.apply(store, done.records, cli_entry("resolve --apply")) if args.apply else None
        except IngestError as exc:  # a candidate the store refuses (an --agency that is no id): none written
            audit_write(store, "resolve --apply", f"rejected: {len(exc.errors)} errors")
            print(f"resolve --apply failed: {exc}; nothing was imported", file=sys.stderr)
            return 1
        audit_write(store, "resolve", f"ok: {done.people} people, " + ", ".join(f"{n} {p}" for p, n in counts.items())
                    + (f", {applied} new assertions" if applied is not None else ""))
    print(run.summary(done, args.out, applied))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from . import demo

    if args.out in (None, "-"):
        count = demo.write(sys.stdout, scale=args.scale, seed=args.seed)
    else:
        count = demo.write(args.out, scale=args.scale, seed=args.seed)
    print(f"wrote {count} records", file=sys.stderr)
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from .contracts import write_contracts

    for path in write_contracts(Path(args.dir)):
        print(f"wrote {path}")
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    from .settings import table

    print(table())
    return 0


def build_service(db: str, kind: str | None = None, settings: Settings | None = None):
    """The service as `graphsvc serve` runs it, from the settings read at start-up."""
    from .api.app import Service, pseudonym_key
    from .api.auth import Verifier
    from .principal import Pseudonyms
    from .store import open_store

    settings = settings or Settings.from_env()
    return Service(store=open_store(db, kind=kind, settings=settings), verifier=Verifier.from_settings(settings, db),
                   pseudonyms=Pseudonyms(pseudonym_key(db, settings["GRAPHSVC_PSEUDONYM_KEY"])),
                   request_seconds=settings["GRAPHSVC_REQUEST_SECONDS"])


def load_demo_if_empty(service, scale: str = "small") -> int:
    from . import demo
    from .bulk import import_records

    if service.store.count():
        return 0
    return import_records(service.store, list(demo.generate(scale))).written


def cmd_serve(args: argparse.Namespace) -> int:
    import logging

    from .api import server

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.request_seconds is not None and args.request_seconds <= 0:
        print("--request-seconds must be more than 0", file=sys.stderr)
        return 2
    settings = args.settings if args.request_seconds is None else args.settings.with_(GRAPHSVC_REQUEST_SECONDS=args.request_seconds)
    service = build_service(_db(args), getattr(args, "store", None), settings)
    if args.demo:
        written = load_demo_if_empty(service)
        print(f"demo data: {written} assertions loaded" if written else "demo data: store not empty, nothing loaded", file=sys.stderr)
    server.serve(service, args.host, args.port)
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    from .api.auth import issue_local_token
    from .principal import ROLES

    roles = args.role
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        print(f"unknown role(s) {', '.join(unknown)}: use {', '.join(ROLES)}", file=sys.stderr)
        return 2
    print(issue_local_token(_db(args), sub=args.sub, agency=args.agency, roles=roles, auths=args.auth, purpose=args.purpose, ttl_seconds=args.ttl))
    return 0


def store_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help="store file (default: the GRAPHSVC_DB setting, graphsvc.db); the local keys live beside it")
    p.add_argument("--store", choices=("embedded", "neo4j"), help="the backend (default $GRAPHSVC_STORE or embedded); neo4j reads NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="graphsvc", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, handler: Callable[[argparse.Namespace], int], help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(handler=handler)
        return p

    p = command("serve", cmd_serve, "Serve the GraphQL API (/graphql, GraphiQL in a browser) and /health.")
    store_arguments(p)
    p.add_argument("--demo", action="store_true", help="load the small demo data into an empty store first")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--request-seconds", type=float, default=None,
                   help="the time limit of one request, after which it is stopped with REQUEST_TIMEOUT (default: the GRAPHSVC_REQUEST_SECONDS setting, 10)")

    command("settings", cmd_settings, "Print every setting (environment variable): its default and meaning.")

    p = command("token", cmd_token, "Print a local bearer token signed with the key beside the store.")
    p.add_argument("--sub", required=True, help="the caller's id")
    p.add_argument("--agency", required=True)
    p.add_argument("--role", action="append", required=True, help="practitioner, mash, analyst, auditor, admin (repeatable)")
    p.add_argument("--auth", action="append", default=[], help="an authorisation token (repeatable)")
    p.add_argument("--purpose", help="why you are asking; required for identities and patterns")
    p.add_argument("--ttl", type=int, default=8 * 3600, help="seconds the token is valid")
    p.add_argument("--db", help="the store file whose local signing key signs the token (default: the GRAPHSVC_DB setting, graphsvc.db)")

    p = command("import", cmd_import, "Import a JSON Lines file atomically: all records or none.")
    p.add_argument("file")
    store_arguments(p)
    p.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    p.add_argument("--ids", metavar="FILE", help="write each assertion's agency, source_ref and id to FILE as JSON Lines (only if the import succeeds)")

    p = command("initial-load", cmd_initial_load, "Load a JSON Lines file into an empty Neo4j database with Neo4j's offline import tool: "
                "validated as `import` validates, written as CSV, loaded by --run (which stops Neo4j, imports and starts it again), then indexed.")
    p.add_argument("file")
    p.add_argument("--dir", required=True, help="folder for the CSV files and import.args (made if missing; needs room for about 1.5x the file)")
    p.add_argument("--run", required=True, help="the load command, run with the folder as its last argument (docker compose: scripts/neo4j-initial-load)")
    p.add_argument("--db", help="the key files' and outbox's path, as for serve (default: the GRAPHSVC_DB setting, graphsvc.db)")
    p.add_argument("--wait", type=float, default=300.0, help="seconds to wait for Neo4j to answer again after the load command (default 300)")
    p.add_argument("--no-progress", action="store_true", help="never show a progress bar")

    p = command("demo", cmd_demo, "Write synthetic, seeded demo data as JSON Lines.")
    p.add_argument("--scale", choices=("small", "large-la"), default="small")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--out", help="file to write (default: standard output)")

    p = command("resolve", cmd_resolve, "Find records of the same person with Splink: train the model (or load the one saved beside the store), "
                "score the pairs, and write same_person_as / possibly_same_person records for `import`.")
    store_arguments(p)
    p.add_argument("--out", help="write the candidate records to FILE as JSON Lines (default: print counts only)")
    p.add_argument("--apply", action="store_true", help="import the candidate records into the store as well")
    p.add_argument("--retrain", action="store_true", help="train the model again even if one is saved beside the store")
    p.add_argument("--review", type=float, help="the match probability from which a pair is a candidate for review (default: the GRAPHSVC_LINKAGE_REVIEW setting, 0.5)")
    p.add_argument("--accept", type=float, help="the match probability from which a pair is linked as the same person (default: GRAPHSVC_LINKAGE_ACCEPT, 0.99)")
    p.add_argument("--agency", help="the agency the links are recorded under (default: GRAPHSVC_LINKAGE_AGENCY, mash)")

    p = command("export", cmd_export, "Write the whole store (assertions, decisions, audit log) as JSON Lines that `import` reads back; or, with --for-agency, what that agency may pass on.")
    store_arguments(p)
    p.add_argument("--out", help="file to write (default: standard output)")
    p.add_argument("--for-agency", help="export only assertions this agency's handling conditions let it pass on")

    p = command("audit", cmd_audit, "Verify the hash-chained audit log, or save a checkpoint of its end.")
    p.add_argument("action", choices=("verify", "checkpoint"))
    store_arguments(p)
    p.add_argument("--checkpoint", help="verify: a checkpoint file from `audit checkpoint`, to detect truncation")
    p.add_argument("--out", help="checkpoint: the file to write (default: standard output)")

    # bench parses its own arguments (graphsvc/bench/cli.py); listed here for --help.
    sub.add_parser("bench", help="Measure ingest, pattern latency, HTTP load and memory against baselines; write a report.", add_help=False)

    p = command("schema", cmd_schema, "Write the checked-in contracts (vocabulary, record schema, GraphQL SDL).")
    p.add_argument("--dir", default="schema")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    heap.for_service()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["bench"]:
        from . import bench

        return bench.main(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        args.settings = Settings.from_env()  # once, at start-up; every command is given them
    except SettingError as exc:
        print(f"graphsvc: {exc}", file=sys.stderr)
        return 2
    try:
        return int(args.handler(args) or 0)
    except SettingError as exc:  # a setting found unusable when used (a key file that cannot be read)
        print(f"graphsvc: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
