"""Cursor pagination over lists already filtered for the caller.

The cursor is a position in the caller's own filtered list, so it is the same with or
without assertions the caller cannot see.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Callable, Generic, Optional, Sequence, TypeVar

from . import time_limit
from .errors import BadInput

T = TypeVar("T")
MAX_PAGE = 100
DEFAULT_PAGE = 20
# The most items any list field that is not a page gives in one answer (an entity's links or
# attributes, an item's assertion ids, a pattern's children, a top-level list before `first`).
# The same as MAX_PAGE: the most any page gives, and more than any screen shows at once (a
# person's links are a few dozen; a place with 100 children on one screen is already a list to
# page). Every capped list has a count or `first`/`after` beside it, so the cut is never silent.
MAX_LIST = MAX_PAGE


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    end_cursor: Optional[str]
    has_next: bool
    start_cursor: Optional[str]  # the first item's cursor; None for an empty page
    has_previous: bool  # items come before this page (it began after a cursor)


def _encode(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def _decode(cursor: str) -> int:
    try:
        kind, _, number = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        offset = int(number)
        if kind != "o" or offset < 0:
            raise ValueError
        return offset
    except (ValueError, UnicodeDecodeError):
        raise BadInput("after: not a cursor this service gave out") from None


def _size(first: Optional[int], default: int) -> int:
    size = default if first is None else first
    if not 1 <= size <= MAX_PAGE:
        raise BadInput(f"first must be between 1 and {MAX_PAGE}")
    return size


def page(items: Sequence[T], first: Optional[int] = None, after: Optional[str] = None) -> Page[T]:
    time_limit.check()
    size = _size(first, DEFAULT_PAGE)
    start = _decode(after) if after else 0
    chunk = list(items[start:start + size])
    end = start + len(chunk)
    # An item's cursor is the position just after it: paging on after it gives what follows.
    return Page(chunk, len(items), _encode(end) if chunk else (after or None), end < len(items),
                _encode(start + 1) if chunk else None, 0 < start and len(items) > 0)


def capped(items: Sequence[T], limit: int = MAX_LIST) -> list[T]:
    """The first `limit` items: for a list field with its count beside it."""
    return list(items[:limit])


def after_key(items: Sequence[T], key: Callable[[T], str], first: Optional[int] = MAX_LIST, after: Optional[str] = None) -> list[T]:
    """At most `first` (default MAX_LIST) of the items, starting after the one whose key is
    `after`: for a plain list field that takes `first` and `after`, where the caller continues
    from the last item it was given (getting `first` items back says there may be more)."""
    size = _size(first, MAX_LIST)
    start = 0
    if after is not None:
        keys = [key(x) for x in items]
        if after not in keys:
            raise BadInput("after: not an item of this list")
        start = keys.index(after) + 1
    return list(items[start:start + size])
