"""The allowed range of every numeric argument the API takes, in one table.

A number outside its range (NaN and the infinities included) is bad input, refused with its
name and its range before anything is asked of the store. The resolvers call `within` with
their numeric arguments by their GraphQL names; `first` is checked where pages are cut
(paging.py), against the same range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

from .errors import BadInput
from .paging import MAX_PAGE
from .patterns import MAX_HOPS


@dataclass(frozen=True)
class Range:
    low: float
    high: float
    unit: str = ""

    def __str__(self) -> str:
        return f"between {self.low} and {self.high}" + (f" {self.unit}" if self.unit else "")


RANGES: dict[str, Range] = {
    # Shares unacknowledged for longer than ten years are all the shares there are.
    "olderThanHours": Range(0, 24 * 365 * 10, "hours"),
    # A pattern needs two children at least; a thousand is more than any area's cohort of
    # children sharing one place or adult, and keeps the number an ordinary one.
    "minChildren": Range(2, 1000),
    "minEpisodes": Range(2, 1000),
    "hops": Range(1, MAX_HOPS),
    "first": Range(1, MAX_PAGE),
}


def within(**values: Optional[float]) -> None:
    """Refuse any given number outside its argument's range (None means not given)."""
    for name, value in values.items():
        if value is None:
            continue
        allowed = RANGES[name]
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not (number and math.isfinite(value) and allowed.low <= value <= allowed.high):
            raise BadInput(f"{name} must be {allowed}")
