"""The embedded store's time index: per predicate, its dated assertions in (moment, seq) order,
always. A bulk load gathers its entries apart and merges them in once (merge), a small append
places each one (place). So no read sorts, and no large list is made after the projection was
settled out of the garbage collector's reach (a list of a million entries made later costs
every full collection ~90 ms, which showed as a doubled p95 on the pattern queries).
Used by store/embedded.py only."""

from __future__ import annotations

import bisect
from array import array
from datetime import datetime
from typing import Optional

from ..model import Assertion


class _Timeline:
    """One predicate's time index as parallel arrays, not a tuple per assertion: it holds
    millions of entries, and a (moment, seq, assertion) tuple costs ~100 bytes each."""

    __slots__ = ("moments", "seqs", "assertions")

    def __init__(self, moments: list[datetime], seqs: "array[int]", assertions: list[Assertion]) -> None:
        self.moments, self.seqs, self.assertions = moments, seqs, assertions

    @classmethod
    def empty(cls) -> "_Timeline":
        return cls([], array("q"), [])

    def span(self, start: Optional[datetime], end: Optional[datetime]) -> slice:
        """Where the entries with moments in [start, end] are."""
        lo = 0 if start is None else bisect.bisect_left(self.moments, start)
        hi = len(self.moments) if end is None else bisect.bisect_right(self.moments, end)
        return slice(lo, hi)

    def place(self, when: datetime, seq: int, a: Assertion) -> None:
        """Insert one entry in its place, in the lists as they are (a small append)."""
        at = bisect.bisect_right(self.moments, when)  # after equal moments: its seq is the largest
        self.moments.insert(at, when)
        self.seqs.insert(at, seq)
        self.assertions.insert(at, a)


def merge(timelines: dict[str, _Timeline], gathered: dict[str, _Timeline]) -> None:
    """Merge a bulk load's dated entries (gathered in seq order) into the timelines: new lists,
    swapped in whole, so a reader holds either the old timeline or the new one."""
    for predicate, new in gathered.items():
        old = timelines.get(predicate)
        moments = old.moments + new.moments if old else new.moments
        seqs = old.seqs + new.seqs if old else new.seqs
        assertions = old.assertions + new.assertions if old else new.assertions
        order = sorted(range(len(moments)), key=moments.__getitem__)  # stable: equal moments stay in seq order
        timelines[predicate] = _Timeline([moments[i] for i in order], array("q", (seqs[i] for i in order)), [assertions[i] for i in order])
