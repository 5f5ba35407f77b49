"""Repeated sightings: many assertions of one link, answered as one link with a count.

A child seen at the same venue 29,000 times is one link (child, seen_at, venue) with 29,000
sightings, each its own assertion with its own provenance. Reads and patterns answer one
item per distinct link, keeping its sightings' assertion ids and their count, so that what an
answer costs grows with the distinct links rather than with the sightings. Only what the
caller's view shows is ever given here (the stores filter first): a hidden sighting is in no
count.
"""

from __future__ import annotations

from typing import Callable, Hashable, Iterable, Optional, TypeVar

from .model import SIGHTING_IDS, Assertion, Sightings, moment
from .paging import MAX_LIST

assert SIGHTING_IDS == MAX_LIST

T = TypeVar("T")


def grouped(items: Iterable[T], key: Callable[[T], Hashable]) -> list[list[T]]:
    """The items in groups of equal key, each group in the order given, the groups in the
    order of their first item."""
    groups: dict[Hashable, list[T]] = {}
    for item in items:
        k = key(item)
        found = groups.get(k)
        if found is None:
            groups[k] = [item]
        else:
            found.append(item)
    return list(groups.values())


def collapsed(assertions: Iterable[Assertion]) -> tuple[tuple[Assertion, ...], dict[str, Sightings]]:
    """An entity's assertions (in the order written) with each link recorded more than once
    kept once, by its first; and the Sightings of those links, by that first's id (Entity).
    Attributes are kept as they are."""
    kept: list[Assertion] = []
    groups: dict[tuple[str, str, Optional[str], Optional[str]], list[Assertion]] = {}
    for a in assertions:
        if a.object is None:
            kept.append(a)
            continue
        key = (a.subject, a.predicate, a.object, a.role)
        group = groups.get(key)
        if group is None:
            groups[key] = [a]
            kept.append(a)
        else:
            group.append(a)
    repeated = {}
    for group in groups.values():
        if len(group) > 1:
            moments = [moment(a) for a in group]
            repeated[group[0].id] = Sightings(len(group), tuple(a.id for a in group[:SIGHTING_IDS]), min(moments), max(moments))
    return tuple(kept), repeated
