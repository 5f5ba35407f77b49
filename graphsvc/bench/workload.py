"""What the benchmark asks, of which stores, as whom: the GraphQL documents it sends, the
per-child queries' rotations, the HTTP workloads and client counts, the bench viewer, and the
seeded choice of what the queries are asked about (Params)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

STORES = ("embedded", "neo4j")
CONCURRENCY = (1, 8, 32)
PATTERN_OPS = ("sharedContexts", "missingHistory", "repeatMissing", "coMissing", "adultsLinkedToChildren", "chronology", "pointLookup")
# The per-child queries and the Params list of children each rotates over.
PER_CHILD = {"missingHistory": "missing_children", "coMissing": "missing_children", "chronology": "missing_children", "pointLookup": "people"}
HTTP_WORKLOADS = ("pointLookup", "chronology", "missingHistory")

# The GraphQL documents the benchmark sends.
Q = {
    "sharedContexts": """query($min: Int!, $from: DateTime, $to: DateTime) { sharedContexts(minChildren: $min, from: $from, to: $to, first: 20) {
        totalCount items { context { id kind label } childCount unrelatedChildren agencyCount firstSeen lastSeen children { id } } } }""",
    "missingHistory": """query($id: ID!) { missingHistory(childId: $id) { child { id label } last30Days last90Days last365Days
        medianDurationHours longestDurationHours placesFoundMoreThanOnce { id } peopleFoundWithMoreThanOnce { id }
        episodes { id lastSeen durationHours riskGrade foundAt { id } foundWith { id } rhiWithin72Hours assertionIds } } }""",
    "repeatMissing": """query($min: Int!, $from: DateTime, $to: DateTime) { repeatMissing(minEpisodes: $min, from: $from, to: $to, first: 50) {
        totalCount items { child { id label } episodes earlierHalf laterHalf trend first last } } }""",
    "coMissing": """query($id: ID!) { coMissing(childId: $id) { child { id label } reasons { reason episode otherEpisode via { id } assertionIds } } }""",
    "adultsLinkedToChildren": """query($min: Int!, $from: DateTime, $to: DateTime) { adultsLinkedToChildren(minChildren: $min, from: $from, to: $to, first: 50) {
        totalCount items { adult { id label } children { id } unrelatedChildren } } }""",
    "chronology": """query($id: ID!) { chronology(personId: $id, first: 50) { totalCount
        items { eventId kind occurredOn endedOn agency sourceRef status role summary outcome assertionIds } } }""",
    "pointLookup": """query($id: ID!) { person(id: $id) { id kind label attributes { predicate value agency recordedAt } } }""",
}
FLOOR_QUERY = "{ hello }"

# The viewer every query is asked as.
BENCH_PRINCIPAL = dict(subject="bench-mash", agency="mash", roles=("mash",), auths=("mash",), purpose="benchmark: MASH screening")


def principal():
    from ..principal import Principal

    p = BENCH_PRINCIPAL
    return Principal(subject=p["subject"], agency=p["agency"], roles=frozenset(p["roles"]), auths=frozenset(p["auths"]), purpose=p["purpose"])


def token_for(db: Path) -> str:
    from ..api.auth import issue_local_token

    p = BENCH_PRINCIPAL
    return issue_local_token(db, sub=p["subject"], agency=p["agency"], roles=p["roles"], auths=p["auths"], purpose=p["purpose"], ttl_seconds=12 * 3600)


@dataclass
class Params:
    """What the queries are asked about: fixed, seeded choices so runs compare."""

    now: datetime
    start: datetime
    end: datetime
    min_children: int
    min_episodes: int
    min_adult_children: int
    # Children with missing episodes (missingHistory, coMissing, chronology: the children whose
    # chronology a MASH team reads; a child picked at random has one or two entries).
    missing_children: list[str]
    people: list[str]  # children for point look-ups
    notes: list[str] = field(default_factory=list)

    def rotation(self, op: str) -> list[str]:
        """The children a per-child query (PER_CHILD) rotates over."""
        return getattr(self, PER_CHILD[op])

    def child(self, op: str, i: int) -> str:
        """The child the i-th call of a per-child query asks about."""
        rotation = self.rotation(op)
        return rotation[i % len(rotation)]

    def window(self) -> dict[str, str]:
        from ..model import format_time

        return {"from": format_time(self.start), "to": format_time(self.end)}

    def describe(self) -> dict[str, Any]:
        from ..model import format_time

        return {
            "window": {"from": format_time(self.start), "to": format_time(self.end), "days": (self.end - self.start).days},
            "sharedContexts": {"minChildren": self.min_children, "excludeFamily": True, "window": True},
            "repeatMissing": {"minEpisodes": self.min_episodes, "window": True},
            "adultsLinkedToChildren": {"minChildren": self.min_adult_children, "window": True},
            "missingHistory/coMissing/chronology": {"children": len(self.missing_children), "rotated": True, "window": "all time"},
            "pointLookup": {"people": len(self.people), "rotated": True},
            "viewer": {k: list(v) if isinstance(v, tuple) else v for k, v in BENCH_PRINCIPAL.items()},
            "notes": self.notes,
        }


def choose_params(store, scale: str, seed: int, window_days: int) -> Params:
    from .. import demo
    from ..patterns import Patterns

    view = principal().view()
    now = demo.DEFAULT_NOW
    rng = random.Random(seed)
    cfg = demo.SCALES[scale]
    # Children who go missing: the planted ones plus a seeded sample of the rest (found through
    # the repeat-missing query over all time, so only children this viewer may see).
    repeaters = [r.child for r in Patterns(store, view).repeat_missing(2, None, None)]
    planted = [demo.REPEAT_CHILD, *demo.PAIR]
    others = [c for c in repeaters if c not in planted]
    rng.shuffle(others)
    missing = planted + others[:47]
    people: list[str] = []
    candidates = list(range(1, cfg.children + 9))
    rng.shuffle(candidates)
    for n in candidates:
        cid = f"child-{n:06d}"
        if store.kind_of(cid, view) == "child":
            people.append(cid)
        if len(people) >= 50:
            break
    return Params(now=now, start=now - timedelta(days=window_days), end=now, min_children=3, min_episodes=3, min_adult_children=2,
                  missing_children=missing, people=people)
