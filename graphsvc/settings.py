"""Every setting the service reads from its environment, declared once.

Each setting has its name, default, how its text is read and a line of help (Datasette's
SETTINGS is the model). `Settings.from_env` reads them all once, at start-up, and a bad value
is refused there, with one error type naming the setting and what it must be; the parts of
the service are then given the values they need, and read no environment of their own. The
README's configuration table lists the same names (a test checks it).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional


class SettingError(ValueError):
    """A setting's value that cannot be used: the message names the setting and the rule."""

    def __init__(self, name: str, rule: str):
        super().__init__(f"{name} {rule}")
        self.name = name


def _text(value: str) -> str:
    return value


def _choice(*allowed: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        chosen = value.strip().lower()
        if chosen not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return chosen

    return parse


def _seconds_or_off(value: str) -> Optional[float]:
    """A number of seconds; "off" or 0 is None (nothing kept)."""
    text = value.strip().lower()
    if text == "off":
        return None
    return _seconds(text, "must be a number of seconds or off") or None


def _seconds(value: str, not_a_number: str = "must be a number of seconds") -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError(not_a_number) from None
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError("must be a finite number of seconds, not negative")
    return seconds


def _positive_seconds(value: str) -> float:
    seconds = _seconds(value)
    if seconds <= 0:
        raise ValueError("must be more than 0 seconds")
    return seconds


def _whole_at_least_one(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ValueError("must be a whole number") from None
    if number < 1:
        raise ValueError("must be at least 1")
    return number


def _probability(value: str) -> float:
    try:
        p = float(value)
    except ValueError:
        raise ValueError("must be a probability, a number from 0 to 1") from None
    if not 0 <= p <= 1:
        raise ValueError("must be a probability, a number from 0 to 1")
    return p


def _hex_key(value: str) -> bytes:
    try:
        key = bytes.fromhex(value.strip())
    except ValueError:
        raise ValueError("must be hex") from None
    if len(key) < 16:
        raise ValueError("must be at least 16 bytes (32 hex digits)")
    return key


OFF = False  # a setting switched off, where unset means a default place


def _path_or_off(value: str) -> str | bool:
    return OFF if value.strip().lower() == "off" else value


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    parse: Callable[[str], Any]
    help: str
    secret: bool = False  # never printed or logged


SETTINGS: tuple[Setting, ...] = (
    Setting("GRAPHSVC_DB", "graphsvc.db", _text,
            "The embedded store's SQLite file; the local signing key, the pseudonym key and (on Neo4j) the outbox live beside it."),
    Setting("GRAPHSVC_STORE", "embedded", _choice("embedded", "neo4j"), "Which store: embedded (SQLite) or neo4j."),
    Setting("NEO4J_URI", None, _text, "The Neo4j server, e.g. bolt://localhost:7687 (with GRAPHSVC_STORE=neo4j)."),
    Setting("NEO4J_USER", None, _text, "The Neo4j user."),
    Setting("NEO4J_PASSWORD", None, _text, "The Neo4j user's password.", secret=True),
    Setting("NEO4J_DATABASE", "neo4j", _text, "The Neo4j database."),
    Setting("GRAPHSVC_OUTBOX", None, _path_or_off,
            "Neo4j: the file where audit entries and owner notices wait to be written to Neo4j (default: beside the store file; off: none, each request writes them before answering)."),
    Setting("GRAPHSVC_READ_CACHE_POLL", 0.1, _seconds_or_off,
            "Neo4j: how often, in seconds, to check whether the database changed and drop the reads kept since (off or 0: keep nothing)."),
    Setting("GRAPHSVC_SNAPSHOT_AFTER", 100_000, _whole_at_least_one,
            "Embedded: rows an open reads from SQLite beyond the snapshot before closing saves a new snapshot."),
    Setting("GRAPHSVC_PSEUDONYM_KEY", None, _hex_key,
            "Hex key (at least 16 bytes) behind pseudonyms and pseudonymous ids; give every replica the same one (default: a key file beside the store).",
            secret=True),
    Setting("GRAPHSVC_JWT_PUBLIC_KEY", None, _text, "A PEM file with the public key that signs tokens (instead of the local key)."),
    Setting("GRAPHSVC_JWKS_URL", None, _text, "A JWKS URL for the keys that sign tokens (instead of the local key)."),
    Setting("GRAPHSVC_JWT_ISSUER", None, _text, "The tokens' issuer (iss); required with an external key."),
    Setting("GRAPHSVC_JWT_AUDIENCE", None, _text, "The tokens' audience (aud); required with an external key."),
    Setting("GRAPHSVC_REQUEST_SECONDS", 10.0, _positive_seconds,
            "How long one request may run before it is stopped and answered REQUEST_TIMEOUT (graphsvc serve --request-seconds)."),
    Setting("GRAPHSVC_LINKAGE_REVIEW", 0.5, _probability,
            "graphsvc resolve: the match probability from which a pair of records waits for a person's review (possibly_same_person)."),
    Setting("GRAPHSVC_LINKAGE_ACCEPT", 0.99, _probability,
            "graphsvc resolve: the match probability from which a pair is linked as the same person (same_person_as, matched_probabilistic)."),
    Setting("GRAPHSVC_LINKAGE_AGENCY", "mash", _text, "graphsvc resolve: the agency the links it finds are recorded under."),
)
BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """The values of SETTINGS for one run of the service."""

    values: Mapping[str, Any]

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "Settings":
        """Read every setting once; an unset or empty one takes its default."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for s in SETTINGS:
            text = environ.get(s.name)
            if text is None or text == "":
                values[s.name] = s.default
                continue
            try:
                values[s.name] = s.parse(text)
            except ValueError as exc:
                raise SettingError(s.name, str(exc) if s.secret else f"{exc}, not {text!r}") from None
        return cls(values)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def with_(self, **changes: Any) -> "Settings":
        """These settings with some replaced (command-line options over the environment)."""
        unknown = set(changes) - set(BY_NAME)
        if unknown:
            raise KeyError(f"no such setting: {', '.join(sorted(unknown))}")
        return Settings({**self.values, **changes})


def table() -> str:
    """The settings as the README's Markdown table (`graphsvc settings` prints it)."""
    rows = ["| setting | default | meaning |", "| --- | --- | --- |"]
    for s in SETTINGS:
        default = "none" if s.default is None else f"`{s.default}`"
        rows.append(f"| `{s.name}` | {default} | {s.help} |")
    return "\n".join(rows)
