"""Reads split into parts run side by side, and the ways they are split: by ids, by time."""

from __future__ import annotations

import functools
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any, Callable, Optional

from ...model import View
from .rows import _padded, _time_keys, time_key

# A read over many entities (their kinds, family links, one predicate of each) is split into
# READ_PARTS queries run side by side above SPLIT_ABOVE ids: Neo4j Community runs a query on
# one core, and a pattern's reads of thousands of entities are index seeks each answers
# independently. Measured at large-la (kinds of 3,866 entities): 51 ms as one query, 36 ms as two.
READ_PARTS = 2
SPLIT_ABOVE = 512


def _time_windows(start: Optional[datetime], end: Optional[datetime], parts: int) -> list[tuple[str, str]]:
    """_time_keys of the window cut into `parts` adjacent windows of equal length (both ends
    given; else the window whole). Time keys are on a microsecond grid, so a window ending at
    a cut and the next starting a microsecond after it leave no key out and hold none twice."""
    if start is None or end is None or parts < 2 or end <= start:
        return [_time_keys(start, end)]
    cuts = [start + (end - start) * i / parts for i in range(1, parts)]
    lows = [start] + [cut + timedelta(microseconds=1) for cut in cuts]
    return [(time_key(low), time_key(high)) for low, high in zip(lows, cuts + [end])]


def _id_parts(parts: int) -> list[tuple[list[str], bool]]:
    """Ids cut into `parts` parts by their last character, as ($tails, $inside) for a query's
    `(right(id, 1) IN $tails) = $inside`: part k < parts - 1 holds the ids ending in an ASCII
    character whose code is k modulo parts, the last part every other id. Every id is in exactly
    one part, and ids ending in digits, hex or letters spread about evenly."""
    if parts < 2:
        return [([], False)]
    split = [[c for c in map(chr, range(32, 127)) if ord(c) % parts == k] for k in range(parts - 1)]
    return [(tails, True) for tails in split] + [([c for tails in split for c in tails], False)]


class ParallelReads:
    """Split reads, for Neo4jStore (which sets these attributes up; _view_read is Sessions')."""

    read_parts: int
    split_above: int
    _readers: Optional[ThreadPoolExecutor]

    def _side_by_side(self, reads: list[Callable[[], list[Any]]]) -> list[list[Any]]:
        """The results of these reads, run side by side: the first in this thread, the others
        by the store's readers (Neo4j Community runs each query on one core)."""
        if self._readers is None:
            return [read() for read in reads]
        others = [self._readers.submit(read) for read in reads[1:]]
        first = reads[0]()
        return [first] + [other.result() for other in others]

    def _each_read(self, query: str, view: Optional[View], ids: list[str], **params: Any) -> list[Any]:
        """_view_read of a query over many ids ($ids) whose rows for one id do not depend on the
        others: above split_above ids, split into read_parts reads side by side, their rows
        concatenated in the order of the parts."""
        if self.read_parts == 1 or len(ids) <= self.split_above:
            return self._view_read(query, view, ids=_padded(ids), **params)
        size = -(-len(ids) // self.read_parts)
        parts = [_padded(ids[i:i + size]) for i in range(0, len(ids), size)]
        found = self._side_by_side([functools.partial(self._view_read, query, view, ids=part, **params) for part in parts])
        return [row for rows in found for row in rows]
