"""Looking entities up by what is recorded of them: a name, an agency identifier, a date of birth.

searchPeople and searchEntities are one search: the kinds asked for, the criteria, and what
the caller may search by, then the store's search under the caller's view. The store matches
only current values the view is shown, so a hidden value neither matches nor counts.
"""

from __future__ import annotations

from typing import Mapping, Optional

from .disclosure import IDENTIFYING, NAMED_PRIVATELY
from .errors import BadInput, Forbidden
from .model import View
from .principal import Principal
from .store.base import GraphStore
from .vocabulary import ENTITY_KINDS, PEOPLE

# Every kind of entity can be looked up: what `text` matches is the vocabulary's `name`, which
# any kind records (a person's name, a vehicle's registration, a phone's number, a venue's or
# an address's name).
KINDS = tuple(ENTITY_KINDS)
# The criteria by the GraphQL arguments that carry them, for messages.
ARGUMENTS: Mapping[str, str] = {"text": "text", "date_of_birth": "dateOfBirth", "identifier": "identifier"}
PEOPLE_ARGUMENTS: Mapping[str, str] = {**ARGUMENTS, "text": "name"}
# The attribute each criterion matches.
MATCHES = {"text": "name", "date_of_birth": "date_of_birth", "identifier": "identifier"}


def people(store: GraphStore, principal: Principal, view: View, name: Optional[str] = None, date_of_birth: Optional[str] = None,
           identifier: Optional[str] = None) -> list[str]:
    """searchPeople: entities.search over the person kinds, with a name as its text."""
    return search(store, principal, view, PEOPLE, {"text": name, "date_of_birth": date_of_birth, "identifier": identifier}, PEOPLE_ARGUMENTS)


def entities(store: GraphStore, principal: Principal, view: View, kind: Optional[str] = None, text: Optional[str] = None,
             identifier: Optional[str] = None) -> list[str]:
    """searchEntities: one kind, or (kind None) every kind the caller may search by these criteria."""
    if kind is not None and kind not in ENTITY_KINDS:
        raise BadInput(f"kind: {kind!r} is not a kind of entity (use one of {', '.join(KINDS)})")
    return search(store, principal, view, None if kind is None else frozenset({kind}), {"text": text, "identifier": identifier}, ARGUMENTS)


def search(store: GraphStore, principal: Principal, view: View, kinds: Optional[frozenset[str]], criteria: Mapping[str, Optional[str]],
           arguments: Mapping[str, str]) -> list[str]:
    """Ids of the entities of these kinds (None: of every kind the caller may search by these
    criteria) the view sees that match every criterion given (text: part of any visible name,
    any case; the others: a visible value, exactly), sorted by id."""
    given = {name: value for name, value in criteria.items() if value is not None}
    if not given:
        raise BadInput(f"give at least one of {', '.join(arguments[name] for name in criteria)}")
    if "text" in given:
        given["text"] = given["text"].strip()
        if len(given["text"]) < 2:
            raise BadInput(f"{arguments['text']}: give at least two characters")
    by = " or ".join(arguments[name] for name in given)
    if kinds is None:
        kinds = frozenset(k for k in KINDS if may_search_by(principal, k, given))
        if not kinds:
            raise Forbidden(f"searching by {by} needs the identity authorisation")
    refused = sorted(k for k in kinds if not may_search_by(principal, k, given))
    if refused:
        raise Forbidden(f"searching {', '.join(refused)} by {by} needs the identity authorisation")
    return store.search(view, kinds, name=given.get("text"), date_of_birth=given.get("date_of_birth"), identifier=given.get("identifier"))


def may_search_by(principal: Principal, kind: str, criteria: Mapping[str, str]) -> bool:
    """Whether the caller may look this kind up by these criteria: only by values it is shown as
    recorded (disclosure.py). A pseudonymous reader is shown identifiers and dates of birth as
    tokens and years, and the names of people, phones, vehicles and addresses as pseudonyms:
    searching by them would find what it may not read."""
    if not principal.pseudonymous:
        return True
    for name in criteria:
        attribute = MATCHES[name]
        if attribute in IDENTIFYING and (attribute != "name" or kind in NAMED_PRIVATELY):
            return False
    return True
