"""Accounting for what the service shows: each request's one audit entry and the notices to
the owners of flagged assertions it showed, and the access log read back for auditors.

The HTTP layer calls `account` once per request with plain values; what an answer showed is
collected in a `Shown` while it is presented (api/presentation.py).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Optional, Sequence

from .errors import NotFound
from .model import Assertion, View, format_time, utcnow
from .principal import Principal
from .sharing import notify_owners
from .store.base import GraphStore


@dataclass
class Shown:
    """What one answer showed: the assertion ids, for the audit log."""

    ids: set[str] = field(default_factory=set)
    # The shown assertions held whole: their owners are told of a view without asking the store
    # which of them are flagged (sharing.notify_owners).
    held: dict[str, Assertion] = field(default_factory=dict)

    def hold(self, assertions: Iterable[Assertion]) -> None:
        for a in assertions:
            self.ids.add(a.id)
            self.held[a.id] = a

    def note(self, assertion_ids: Iterable[str]) -> None:
        self.ids.update(assertion_ids)


def variables_digest(variables: Optional[Mapping[str, Any]]) -> str:
    """The audit log keeps a digest of the variables, not the variables (they hold personal data)."""
    return hashlib.sha256(json.dumps(variables or {}, sort_keys=True, default=str).encode()).hexdigest()


def account(store: GraphStore, principal: Optional[Principal], operation: Optional[str], operations: Sequence[str],
            variables: Optional[Mapping[str, Any]], status: int, codes: Iterable[str], shown: Optional[Shown]) -> None:
    """The request's own audit entry: who asked (None: no valid token), the operation named and
    the service operations it used, its status and error codes, and what it showed (None: its
    answer held no data); then notices to the owners of the flagged assertions it showed.

    A write has an entry of its own already, committed in the write's transaction (outcome
    "committed", naming what was written): only so does no crash leave a write unaudited."""
    codes = sorted(set(codes))
    returned = sorted(shown.ids) if shown is not None else []
    store.audit_record({
        "at": format_time(utcnow()),
        "subject": principal.subject if principal else None,
        "agency": principal.agency if principal else None,
        "roles": sorted(principal.roles) if principal else [],
        "purpose": principal.purpose if principal else None,
        "operation": f"{operation or '-'}: {','.join(operations) if operations else '-'}",
        "variables_digest": variables_digest(variables),
        "returned": returned,
        "outcome": f"{status} " + (",".join(codes) if codes else "OK"),
    })
    if principal is not None and shown is not None and returned:
        notify_owners(store, principal, returned, shown.held)


def access_log(store: GraphStore, view: View, assertion_id: str) -> list[dict]:
    """Who has been shown an assertion the view sees, oldest first: as the log stood at the
    view's record time, if it has one."""
    if store.assertion(assertion_id, view) is None:
        raise NotFound.assertion(assertion_id)
    cutoff = format_time(view.as_of) if view.as_of else None
    return [e for e in store.audit_for(assertion_id) if cutoff is None or e["at"] <= cutoff]
