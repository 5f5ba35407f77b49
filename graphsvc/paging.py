"""Cursor pagination over lists already filtered for the caller.

The cursor is a position in the caller's own filtered list, so it is the same with or
without assertions the caller cannot see.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Generic, Optional, Sequence, TypeVar

from .errors import BadInput

T = TypeVar("T")
MAX_PAGE = 100
DEFAULT_PAGE = 20


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    end_cursor: Optional[str]
    has_next: bool


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


def page(items: Sequence[T], first: Optional[int] = None, after: Optional[str] = None) -> Page[T]:
    size = DEFAULT_PAGE if first is None else first
    if not 1 <= size <= MAX_PAGE:
        raise BadInput(f"first must be between 1 and {MAX_PAGE}")
    start = _decode(after) if after else 0
    chunk = list(items[start:start + size])
    end = start + len(chunk)
    return Page(chunk, len(items), _encode(end) if chunk else (after or None), end < len(items))
