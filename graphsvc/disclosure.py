"""How much of a person's identity a caller is shown (necessary and proportionate).

Analysts without the identity authorisation get stable pseudonyms: a person's name becomes
a pseudonym, identifiers become keyed tokens and a date of birth becomes a year. Everything
else, provenance included, is unchanged, so patterns and traces still work.
"""

from __future__ import annotations

from typing import Optional

from .model import Assertion, View
from .principal import Principal, Pseudonyms
from .store.base import GraphStore
from .vocabulary import PEOPLE

IDENTIFYING = frozenset({"name", "identifier", "date_of_birth"})


class Disclosure:
    def __init__(self, principal: Principal, pseudonyms: Pseudonyms, store: GraphStore, view: View):
        self.principal = principal
        self.pseudonyms = pseudonyms
        self.store = store
        self.view = view
        self._kinds: dict[str, Optional[str]] = {}

    def kind(self, entity_id: str) -> Optional[str]:
        if entity_id not in self._kinds:
            self._kinds[entity_id] = self.store.kind_of(entity_id, self.view)
        return self._kinds[entity_id]

    def assertion(self, a: Assertion) -> Assertion:
        if not self.principal.pseudonymous or a.predicate not in IDENTIFYING or a.retraction:
            return a
        kind = self.kind(a.subject)
        if kind not in PEOPLE:
            return a
        if a.predicate == "name":
            return a.with_(value=self.pseudonyms.of(a.subject, kind or "person"))
        if a.predicate == "date_of_birth":
            return a.with_(value=str(a.value)[:4])
        return a.with_(value=self.pseudonyms.token(str(a.value)))

    def label(self, entity_id: str) -> Optional[str]:
        """What to call an entity: its first visible name (or pseudonym), else None."""
        kind = self.kind(entity_id)
        if kind is None:
            return None
        if self.principal.pseudonymous and kind in PEOPLE:
            return self.pseudonyms.of(entity_id, kind)
        names = sorted(self.store.about(entity_id, self.view, ["name"]), key=lambda a: (a.recorded_at, a.id))
        return str(names[0].value) if names else None
