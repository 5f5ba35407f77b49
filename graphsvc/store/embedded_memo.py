"""The embedded store's remembered answers, per reader, until the next write: a pattern query
asks the kinds and family links of thousands of entities, and the next query asks most of them
again. Used by store/embedded.py only (the Neo4j store keeps its own: neo4j/read_cache.py)."""

from __future__ import annotations

from typing import Any, Optional

from ..model import View

MEMO_READERS = 8  # readers whose answers are remembered at once (see memo_for)
MEMO_ENTRIES = 500_000  # entities remembered per reader and kind of read, at most
_UNKNOWN = object()  # not remembered (None is a remembered answer: no such entity, no kind)


class _Memo:
    """One reader's remembered answers, as strings and tuples of strings only: the garbage
    collector stops tracking those, so a memo of hundreds of thousands of entries costs full
    collections nothing. (Tuples of assertions stayed tracked: after one wide query each full
    collection walked them, ~110 ms every few pattern queries at large-la.)"""

    __slots__ = ("kinds", "links", "families", "entities")

    def __init__(self) -> None:
        self.kinds: dict[str, Optional[str]] = {}
        self.links: dict[tuple[str, bool], dict[str, tuple[str, ...]]] = {}  # assertion ids
        self.families: dict[str, tuple[str, ...]] = {}
        # entity(): (kind, outgoing ids, incoming ids, the sightings as (first id, count, ids,
        # first seen, last seen)): a person seen at one place 29,000 times is read once.
        self.entities: dict[str, Optional[tuple[str, tuple[str, ...], tuple[str, ...], tuple[tuple[Any, ...], ...]]]] = {}


def memo_for(memos: dict[tuple[Any, ...], _Memo], view: Optional[View]) -> Optional[_Memo]:
    """The remembered answers for this reader in `memos` (the store's, which a write replaces
    whole, so an answer computed from the store before a write can only land in a memo nobody
    reads any more). Only for "now" readers (no as_of, no valid_at), who are nearly all of them;
    a reader is its auths, agency and identity (shares can name one professional)."""
    if view is not None and (view.as_of is not None or view.valid_at is not None):
        return None
    # The class is part of the key: the trusted reader holds no auths yet sees everything.
    key = (None,) if view is None else (type(view), view.auths, view.agency, view.subject)
    memo = memos.get(key)
    if memo is None:
        if len(memos) >= MEMO_READERS:
            memos.pop(next(iter(memos)))  # the oldest reader's
        memo = memos[key] = _Memo()
    return memo
