"""The embedded store's rows as Assertions and back: log rows (SQLite, values as JSON text) and
snapshot rows (store/snapshot.py, values as they are) read into assertions that share equal
strings and times, and assertions written as snapshot rows. Used by store/embedded.py only.

Each is spelled out with C-level look-ups only: it runs once per stored assertion on open."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence

from ..model import Assertion, build_assertion, parse_time
from .sqlite import TimeTexts


class _Times(dict[Optional[str], Optional[datetime]]):
    """Time text -> datetime, each distinct text parsed once (a look-up is a C-level hit)."""

    def __missing__(self, text: str) -> datetime:
        found = self[text] = parse_time(text)
        return found


class _Values(dict[Optional[str], object]):
    """Value JSON -> value, each distinct text decoded once: kinds, enumerations and dates repeat."""

    def __init__(self, strings: dict[str, str]) -> None:
        super().__init__({None: None})
        self.strings = strings

    def __missing__(self, text: str) -> object:
        found = json.loads(text)
        if isinstance(found, str):
            found = self.strings.setdefault(found, found)
        self[text] = found
        return found


class _Decoder:
    """Log rows -> Assertions, sharing equal strings and times: an entity id, an agency or a
    record time repeats across many assertions, and the projection holds millions."""

    def __init__(self) -> None:
        self.times = _Times({None: None})
        self.strings: dict[Optional[str], Optional[str]] = {}
        self.values = _Values(self.strings)  # type: ignore[arg-type]

    def __call__(self, row: Sequence[Any]) -> Assertion:
        (id_, subject, predicate, obj, value, role, valid_from, valid_to, recorded_at, recorded_by, agency, source_ref,
         method, status, reliability, confidence, scope, handling, supersedes, retraction, notify_owner) = row
        s, t = self.strings.setdefault, self.times
        return build_assertion(
            id_, s(subject, subject), s(predicate, predicate), s(obj, obj), self.values[value], s(role, role),  # type: ignore[arg-type]
            t[valid_from], t[valid_to], t[recorded_at], s(recorded_by, recorded_by), s(agency, agency),  # type: ignore[arg-type]
            s(source_ref, source_ref), s(method, method), s(status, status), s(reliability, reliability),  # type: ignore[arg-type]
            s(confidence, confidence), s(scope, scope), s(handling, handling),  # type: ignore[arg-type]
            supersedes, retraction == 1, notify_owner == 1,
        )


def snapshot_reader() -> Callable[[Iterable[Sequence[Any]]], Iterator[Assertion]]:
    """Snapshot rows -> Assertions, one chunk at a time; entity ids and source refs repeat
    across chunks, so they are shared again across all of them (memory)."""
    strings: dict[Optional[str], Optional[str]] = {}
    s, times, build = strings.setdefault, _Times({None: None}), build_assertion

    def read(chunk: Iterable[Sequence[Any]]) -> Iterator[Assertion]:
        return (
            build(id_, s(subject, subject), predicate, s(obj, obj), value, role, times[valid_from], times[valid_to],
                  times[recorded_at], recorded_by, agency, s(source_ref, source_ref), method, status, reliability,
                  confidence, scope, handling, supersedes, retraction, notify_owner)
            for (id_, subject, predicate, obj, value, role, valid_from, valid_to, recorded_at, recorded_by, agency, source_ref,
                 method, status, reliability, confidence, scope, handling, supersedes, retraction, notify_owner) in chunk)

    return read


def snapshot_rows(assertions: Iterable[Assertion]) -> Iterator[tuple[Any, ...]]:
    """Assertions -> snapshot rows, equal strings written as one (marshal refers back to an
    object it has written): assertions made by an import hold a copy per record, which would be
    read back as copies too (~180 bytes per assertion more resident at large-la). Only strings:
    1 and True are equal keys."""
    texts = TimeTexts({None: None})
    strings: dict[Any, Any] = {}
    s = strings.setdefault
    return (
        (a.id, s(a.subject, a.subject), s(a.predicate, a.predicate), s(a.object, a.object), s(a.value, a.value) if type(a.value) is str else a.value, s(a.role, a.role),
         texts[a.valid_from], texts[a.valid_to], texts[a.recorded_at], s(a.recorded_by, a.recorded_by), s(a.agency, a.agency),
         s(a.source_ref, a.source_ref), s(a.method, a.method), s(a.status, a.status), s(a.source_reliability, a.source_reliability),
         s(a.information_confidence, a.information_confidence), s(a.scope, a.scope), s(a.handling, a.handling),
         a.supersedes, a.retraction, a.notify_owner)
        for a in assertions
    )
