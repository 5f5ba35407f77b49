"""How much of a person's identity a caller is shown (necessary and proportionate).

Analysts without the identity authorisation get stable pseudonyms: every entity id becomes a
pseudonymous id (agencies build ids from case numbers and identifiers), the name of a person,
a phone, a vehicle or an address becomes a pseudonym, identifiers become keyed tokens and a
date of birth becomes a year. Everything else, provenance included, is unchanged, so
patterns and traces still work; a pseudonymous id given back as an argument resolves inside
the service (Context.entity_id).
"""

from __future__ import annotations

from typing import Iterable, Optional

from .model import Assertion, Entity, View
from .principal import Principal, Pseudonyms
from .store.base import GraphStore
from .vocabulary import OBJECTS, PEOPLE, VALUED_LINKS

IDENTIFYING = frozenset({"name", "identifier", "date_of_birth", "police_reference"})
# Kinds whose names identify someone: a person's, and a phone number, a registration mark or
# a home address, which lead straight to one.
NAMED_PRIVATELY = PEOPLE | OBJECTS | frozenset({"address"})
WITHHELD = "withheld: free text is not shown with pseudonyms"


class Disclosure:
    def __init__(self, principal: Principal, pseudonyms: Pseudonyms, store: GraphStore, view: View):
        self.principal = principal
        self.pseudonyms = pseudonyms
        self.store = store
        self.view = view
        self._kinds: dict[str, Optional[str]] = {}
        self._names: dict[str, list[Assertion]] = {}
        self._mentioned: dict[str, None] = {}  # ids an answer holds whose kind is not yet read
        self._unnamed: dict[str, None] = {}  # ids of a known kind whose names are not yet read

    def mention(self, entity_id: str) -> None:
        """An answer holds this entity: its kind and label, if asked for, are read with those of
        every other entity mentioned so far (prepare), not one at a time."""
        if entity_id not in self._kinds:
            self._mentioned[entity_id] = None

    def kind(self, entity_id: str) -> Optional[str]:
        if entity_id not in self._kinds:
            if entity_id in self._mentioned:
                mentioned, self._mentioned = self._mentioned, {}
                self.prepare(mentioned)
            else:
                self._kinds[entity_id] = self.store.kind_of(entity_id, self.view)
        return self._kinds[entity_id]

    def learn(self, entity: Entity) -> None:
        """Take an entity's kind and names from a read of it (store.entity, under this view),
        so labelling it asks the store nothing more."""
        self._kinds[entity.id] = entity.kind
        self._names[entity.id] = [a for a in entity.assertions if a.predicate == "name"]

    def prepare(self, entity_ids: Iterable[str]) -> None:
        """The kinds of many entities in one read; their names, if a label is asked for, in one
        more (one read each would be a round trip each on Neo4j)."""
        todo = [i for i in dict.fromkeys(entity_ids) if i not in self._kinds]
        if not todo:
            return
        kinds = self.store.kinds_of(todo, self.view)
        self._kinds.update((i, kinds.get(i)) for i in todo)
        hidden = NAMED_PRIVATELY if self.principal.pseudonymous else frozenset()  # labelled by pseudonym, never by name
        self._unnamed.update((i, None) for i in todo if i in kinds and kinds[i] not in hidden and i not in self._names)

    def _names_of(self, entity_id: str) -> list[Assertion]:
        if entity_id not in self._names:
            if entity_id in self._unnamed:
                unnamed, self._unnamed = self._unnamed, {}
                self._names.update(self.store.about_each(unnamed, self.view, "name"))
            else:
                self._names[entity_id] = self.store.about(entity_id, self.view, ["name"])
        return self._names[entity_id]

    def public_id(self, entity_id: str) -> str:
        """The id this caller is shown for an entity."""
        return self.pseudonyms.id_for(self.principal, entity_id)

    def assertion(self, a: Assertion) -> Assertion:
        if not self.principal.pseudonymous:
            return a
        shown = a.with_(subject=self.public_id(a.subject), object=self.public_id(a.object) if a.object is not None else None)
        evidence = a.value.get("evidence") if a.predicate in VALUED_LINKS and isinstance(a.value, dict) else None
        if isinstance(evidence, dict) and "reason" in evidence:  # a practitioner's own words may name someone
            return shown.with_(value={**a.value, "evidence": {**evidence, "reason": WITHHELD}})
        if a.predicate not in IDENTIFYING or a.retraction:
            return shown
        if a.predicate == "name":
            kind = self.kind(a.subject)
            return shown.with_(value=self.pseudonyms.of(a.subject, kind or "entity")) if kind in NAMED_PRIVATELY else shown
        if a.predicate == "date_of_birth":
            return shown.with_(value=str(a.value)[:4])
        return shown.with_(value=self.pseudonyms.token(str(a.value)))

    def label(self, entity_id: str) -> Optional[str]:
        """What to call an entity: its first visible name (or pseudonym), else None."""
        kind = self.kind(entity_id)
        if kind is None:
            return None
        if self.principal.pseudonymous and kind in NAMED_PRIVATELY:
            return self.pseudonyms.of(entity_id, kind)
        names = sorted(self._names_of(entity_id), key=lambda a: (a.recorded_at, a.id))
        return str(names[0].value) if names else None
