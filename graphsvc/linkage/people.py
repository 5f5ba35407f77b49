"""Every person record a view may see, as one row each for matching.

A row holds the fields the model compares (names split, date of birth, gender, postcode,
identifiers by scheme) and, beside them, the ids and scopes of the assertions it was built
from: a candidate made from two rows may be seen only by a reader who could see all of those
(candidates.scope_of).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Optional

from ..model import TRUSTED, Assertion, View
from ..store.base import GraphStore
from ..vocabulary import KIND, PEOPLE
from . import names

SCHEMES = ("NHS", "UPN", "PNC")  # the identifiers compared exactly (identifier values SCHEME:VALUE)
# A UK postcode at the end of an address's name ("1 High St, AB1 2CD"): the only place this
# store keeps one. Outward code, optional space, inward code.
_POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][0-9A-Z]?)\s*([0-9][A-Z]{2})\b")
_COMPARED = ("name", "date_of_birth", "gender", "identifier", "lives_at")


@dataclass
class PersonRow:
    id: str
    kind: str
    agency: str  # the agency of its kind assertion: whose record this is
    first_name: Optional[str] = None
    surname: Optional[str] = None
    date_of_birth: Optional[str] = None
    gender: Optional[str] = None
    postcode: Optional[str] = None
    identifiers: dict[str, str] = field(default_factory=dict)  # scheme -> value (the first recorded)
    evidence: dict[str, str] = field(default_factory=dict)  # assertion id -> scope, every one used

    def features(self) -> dict[str, object]:
        """The row as the model's input table has it (model.FEATURES), derived keys included."""
        dob = self.date_of_birth
        return {
            "unique_id": self.id,
            "first_name": self.first_name,
            "first_name_canonical": names.canonical(self.first_name),
            "surname": self.surname,
            "surname_soundex": names.soundex(self.surname),
            "dob": dob,
            "birth_year": dob[:4] if dob else None,
            "gender": self.gender.lower() if self.gender else None,
            "postcode": self.postcode,
            "postcode_district": self.postcode.split(" ")[0] if self.postcode else None,
            **{scheme.lower(): self.identifiers.get(scheme) for scheme in SCHEMES},
        }


def postcode(address_name: object) -> Optional[str]:
    """The last postcode in an address's name, normalised to "AB1 2CD"; None without one."""
    found = _POSTCODE.findall(str(address_name).upper()) if address_name else []
    return f"{found[-1][0]} {found[-1][1]}" if found else None


def person_ids(store: GraphStore) -> list[str]:
    """Every entity ever recorded as a person, in the order written. The port has no listing of
    entities by kind (search needs a criterion), so this is one pass over the log; which of
    them a view sees is decided by the reads that follow."""
    seen: dict[str, None] = {}
    for a in store.log():
        if a.predicate == KIND and a.value in PEOPLE:
            seen.setdefault(a.subject)
    return list(seen)


def read_people(store: GraphStore, view: Optional[View] = TRUSTED, ids: Optional[Iterable[str]] = None) -> list[PersonRow]:
    """A row for each person record the view sees (all of them, or those of `ids`), by id."""
    wanted = list(ids) if ids is not None else person_ids(store)
    kinds = store.kinds_of(wanted, view)
    people = sorted(i for i in wanted if kinds.get(i) in PEOPLE)
    about = store.about_each(people, view, None)
    addresses = sorted({a.object for found in about.values() for a in found if a.predicate == "lives_at" and a.object})
    address_names = store.about_each(addresses, view, "name") if addresses else {}
    return [_row(pid, kinds[pid], about[pid], address_names) for pid in people]


def _row(pid: str, kind: str, assertions: list[Assertion], address_names: dict[str, list[Assertion]]) -> PersonRow:
    kind_assertion = next(a for a in assertions if a.predicate == KIND)
    row = PersonRow(pid, kind, kind_assertion.agency)
    used = [kind_assertion]
    for a in assertions:  # in the order written: the first value of each field is the one kept
        if a.predicate not in _COMPARED:
            continue
        if a.predicate == "name" and row.first_name is None:
            row.first_name, row.surname = names.split(str(a.value))
        elif a.predicate == "date_of_birth" and row.date_of_birth is None:
            row.date_of_birth = str(a.value)[:10]
        elif a.predicate == "gender" and row.gender is None:
            row.gender = str(a.value)
        elif a.predicate == "identifier":
            scheme, _, value = str(a.value).partition(":")
            if scheme.upper() not in SCHEMES or not value or scheme.upper() in row.identifiers:
                continue
            row.identifiers[scheme.upper()] = value.strip().replace(" ", "")
        elif a.predicate == "lives_at" and row.postcode is None:
            named = [n for n in address_names.get(a.object, ()) if postcode(n.value)]
            if not named:
                continue
            row.postcode = postcode(named[0].value)
            used.append(named[0])
        else:
            continue
        used.append(a)
    row.evidence = {a.id: a.scope for a in used}
    return row
