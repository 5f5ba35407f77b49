"""Who is asking: a principal, what its roles allow, and how identities are shown to it.

Roles decide which operations a principal may call; authorisation tokens decide which
assertions it may see (scope.py). Both come from a verified token, never from a request.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .errors import Forbidden
from .model import View

ROLES: dict[str, str] = {
    "practitioner": "Works with children and families for one agency: looks people up, reads chronologies, records information.",
    "mash": "Sits in the Multi-Agency Safeguarding Hub: everything a practitioner does, plus the risk-pattern queries.",
    "analyst": "Looks for patterns across many children; sees pseudonyms unless holding the identity authorisation.",
    "auditor": "Traces facts to their sources and reviews who saw what; reads provenance, access logs and decisions.",
    "admin": "Runs the service: health, imports, audit verification.",
}

# Holding this authorisation lets an analyst see names and identifiers.
IDENTITY = "identity"

READ = frozenset({"practitioner", "mash", "analyst", "auditor", "admin"})
OPERATIONS: dict[str, frozenset[str]] = {
    "me": READ,
    "entity": frozenset({"practitioner", "mash", "analyst", "auditor"}),
    "searchPeople": frozenset({"practitioner", "mash", "analyst", "auditor"}),
    "searchEntities": frozenset({"practitioner", "mash", "analyst", "auditor"}),
    "vocabulary": READ,
    "chronology": frozenset({"practitioner", "mash", "analyst", "auditor"}),
    "provenance": frozenset({"practitioner", "mash", "analyst", "auditor"}),
    "patterns": frozenset({"mash", "analyst"}),
    "record": frozenset({"practitioner", "mash"}),
    "decide": frozenset({"practitioner", "mash"}),
    "acknowledge": frozenset({"practitioner", "mash"}),
    "shares": frozenset({"practitioner", "mash", "auditor"}),
    "accesses": frozenset({"practitioner", "mash", "auditor", "admin"}),
    "audit": frozenset({"auditor"}),
    "export": frozenset({"practitioner", "mash", "auditor"}),
}
# Operations that return identities or patterns need a stated purpose, which is recorded.
NEEDS_PURPOSE = frozenset({"entity", "searchPeople", "searchEntities", "chronology", "patterns"})
# Operations whose input names entities by their real ids.
NAMES_PEOPLE = frozenset({"record", "decide"})
PSEUDONYMOUS_ID = "psn-"


@dataclass(frozen=True)
class Principal:
    subject: str
    agency: str
    roles: frozenset[str]
    auths: frozenset[str]
    purpose: Optional[str] = None

    def view(self, as_of: Optional[datetime] = None, valid_at: Optional[datetime] = None) -> View:
        return View(auths=self.auths, agency=self.agency, as_of=as_of, valid_at=valid_at, subject=self.subject)

    @property
    def pseudonymous(self) -> bool:
        """Analysts see pseudonyms unless they hold the identity authorisation (whatever other
        roles they hold); other roles work with named people."""
        return "analyst" in self.roles and IDENTITY not in self.auths

    def require(self, operation: str) -> None:
        allowed = OPERATIONS[operation]
        if not self.roles & allowed:
            raise Forbidden(f"{operation} needs one of the roles {', '.join(sorted(allowed))}")
        if operation in NAMES_PEOPLE and self.pseudonymous:
            # A record or a decision names people by the agencies' own ids, which a
            # pseudonymous reader is never shown.
            raise Forbidden(f"{operation} names people by their ids: it needs the identity authorisation")
        if operation in NEEDS_PURPOSE and not (self.purpose and self.purpose.strip()):
            raise Forbidden(f"{operation} returns identities or patterns: state a purpose in your token")


class Pseudonyms:
    """Stable pseudonyms: the same entity gets the same pseudonym in every result and every
    query, and nothing can be computed back from one without the key."""

    def __init__(self, key: bytes):
        self.key = key
        # Ids must come back to the entity they stand for (a pseudonymous id is an argument
        # too), so they are encrypted, not hashed: deterministic AES-SIV, which also refuses
        # an id that was not made with the key (a guess at a real id never resolves).
        derived = HKDF(algorithm=hashes.SHA256(), length=64, salt=None, info=b"graphsvc entity ids").derive(key)
        self._ids = AESSIV(derived)

    def entity_id(self, entity_id: str) -> str:
        """The stable pseudonymous id of an entity, for readers shown pseudonyms."""
        sealed = self._ids.encrypt(entity_id.encode(), None)
        return PSEUDONYMOUS_ID + base64.b32encode(sealed).decode().rstrip("=").lower()

    def id_for(self, principal: Principal, entity_id: str) -> str:
        """The id this principal is shown for an entity: pseudonymous, or the real one."""
        return self.entity_id(entity_id) if principal.pseudonymous else entity_id

    def resolve(self, public_id: str) -> Optional[str]:
        """The entity a pseudonymous id stands for; None for anything this key did not make."""
        if not public_id.startswith(PSEUDONYMOUS_ID):
            return None
        text = public_id[len(PSEUDONYMOUS_ID):].upper()
        try:
            sealed = base64.b32decode(text + "=" * (-len(text) % 8))
            return self._ids.decrypt(sealed, None).decode()
        except (binascii.Error, ValueError, InvalidTag, UnicodeDecodeError):
            return None

    def of(self, entity_id: str, kind: str = "person") -> str:
        digest = hmac.new(self.key, entity_id.encode(), hashlib.sha256).digest()
        return f"{kind.capitalize()} {base64.b32encode(digest[:5]).decode()}"

    def token(self, value: str) -> str:
        digest = hmac.new(self.key, b"value\x1f" + value.encode(), hashlib.sha256).digest()
        return "PSN:" + base64.b32encode(digest[:10]).decode()
