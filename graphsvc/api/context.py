"""Per-request context: who is asking, what they may see, and what they were shown.

Plain data for the resolvers: presenting answers (api/presentation.py) fills `shown`, and the
HTTP layer accounts for the request from it (accounting.account).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Optional

from .. import time_limit
from ..accounting import Shown
from ..disclosure import Disclosure
from ..model import View
from ..principal import Principal, Pseudonyms
from ..store.base import GraphStore


WRITES = frozenset({"record", "decide", "acknowledge"})  # operations that write (principal.OPERATIONS)
UNRESOLVED = "\x00unresolved:"  # no entity id starts so (records.py: ids are printable)


def utc(value: Optional[datetime]) -> Optional[datetime]:
    """GraphQL DateTime input without a zone means UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


@dataclass
class Context:
    principal: Principal
    store: GraphStore
    pseudonyms: Pseudonyms
    shown: Shown = field(default_factory=Shown)  # what the answer showed, for the audit log
    operations: list[str] = field(default_factory=list)  # the operations asked for, for the audit log
    # Entity ids given as arguments, by the id they resolved to: an error quoting the resolved
    # id quotes what the caller gave instead (error_message).
    given: dict[str, str] = field(default_factory=dict)

    def view(self, as_of: Optional[datetime] = None, valid_at: Optional[datetime] = None) -> View:
        return self.principal.view(utc(as_of), utc(valid_at))

    def disclosure(self, view: View) -> Disclosure:
        return Disclosure(self.principal, self.pseudonyms, self.store, view)

    def entity_id(self, given: str) -> str:
        """The entity an id argument names. A pseudonymous reader names entities only by the
        pseudonymous ids it was shown; anything else (a real id among them) names nothing,
        so it is answered as an unknown id is."""
        if not self.principal.pseudonymous:
            return given
        resolved = self.pseudonyms.resolve(given) or UNRESOLVED + given
        self.given[resolved] = given
        return resolved

    def error_message(self, message: str) -> str:
        """An error's message as this caller may read it: resolved ids quoted as given."""
        for resolved, given in self.given.items():
            message = message.replace(repr(resolved), repr(given))
        return message

    def require(self, operation: str) -> None:
        self.operations.append(operation)
        self.principal.require(operation)
        if operation in WRITES:
            time_limit.writing()
        else:
            time_limit.check()
