"""What `graphsvc resolve` does: read the people, train the model or load the saved one, score
the pairs, and hand back the candidate records with counts and timings."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from ..model import TRUSTED, View
from ..store.base import GraphStore
from ..vocabulary import NOT_SAME_PERSON
from . import candidates as cands
from .model import Model, load, train
from .people import read_people


def model_path(db: str | Path) -> Path:
    """Where the trained model of the store at `db` is kept: beside it, as its keys are."""
    return Path(f"{db}.linkage-model.json")


@dataclass
class Resolution:
    model: Model
    trained: bool  # trained now, rather than loaded
    people: int
    candidates: list[cands.Candidate]
    records: list[dict[str, Any]]
    seconds: dict[str, float] = field(default_factory=dict)  # read, train, predict

    def counts(self) -> dict[str, int]:
        out = {cands.SAME: 0, cands.POSSIBLY: 0}
        for record in self.records:
            out[record["predicate"]] += 1
        return out


def resolve(store: GraphStore, saved: Optional[Path] = None, view: Optional[View] = TRUSTED, retrain: bool = False,
            review: float = cands.REVIEW_THRESHOLD, accept: float = cands.ACCEPT_THRESHOLD, agency: str = cands.AGENCY) -> Resolution:
    """Candidates among every person record the view sees. With `saved`, the model there is
    used if it exists (and `retrain` is false), else one is trained and saved there."""
    if not 0 < review <= accept <= 1:
        raise ValueError(f"LINKAGE_THRESHOLDS: need 0 < review <= accept <= 1, got review {review}, accept {accept}")
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    rows = read_people(store, view)
    seconds["read"] = time.perf_counter() - start
    trained = retrain or saved is None or not saved.exists()
    start = time.perf_counter()
    model = train([row.features() for row in rows]) if trained else load(saved)
    if trained and saved is not None:
        model.save(saved)
    seconds["train" if trained else "load"] = time.perf_counter() - start
    start = time.perf_counter()
    rejected = rejected_pairs(store, [row.id for row in rows], view)
    found = [c for c in cands.predict(model, rows, review) if (c.left, c.right) not in rejected]
    records = cands.to_records(found, model, review, accept, agency)
    seconds["predict"] = time.perf_counter() - start
    return Resolution(model, trained, len(rows), found, records, seconds)


def rejected_pairs(store: GraphStore, people: list[str], view: Optional[View]) -> set[tuple[str, str]]:
    """The pairs a visible not_same_person link already keeps apart: no candidate for them."""
    out = set()
    for found in store.about_each(people, view, NOT_SAME_PERSON).values():
        out.update(cands.pair_key(a.subject, a.object) for a in found if a.object)
    return out


def write_jsonl(records: list[dict[str, Any]], path: str | Path) -> None:
    import json

    with open(path, "w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, sort_keys=True) + "\n")


def apply(store: GraphStore, records: list[dict[str, Any]], audit_entry: dict) -> int:
    """Import the candidate records as `graphsvc import` would, audited in the same write; a
    rerun finds the links already stored (their ids come from the pair); returns how many new."""
    from ..bulk import import_records

    return import_records(store, records, audit_entry=audit_entry).written


def summary(done: Resolution, out: Optional[str], applied: Optional[int]) -> str:
    """Counts and timings only: never a record's contents."""
    counts = done.counts()
    how = "trained" if done.trained else "loaded"
    lines = [f"resolve: {done.people} people; model {done.model.version} ({how}); "
             f"{counts[cands.SAME]} same_person_as, {counts[cands.POSSIBLY]} possibly_same_person",
             "seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in done.seconds.items())]
    if out:
        lines.append(f"candidate records: {len(done.records)} written to {out}")
    if applied is not None:
        lines.append(f"applied: {applied} new assertions")
    return "\n".join(lines)
