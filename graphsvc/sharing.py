"""Sharing decisions, the feedback loop, and owner notification on access.

"Record decisions and reasons, share or not share"; "get feedback"; "never assume someone
else will act". A decision to share is the only thing that widens an assertion's visibility,
and only an agency allowed by the assertion's handling condition may make it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Iterable, Mapping, Optional

from . import vocabulary as v
from .chronology import check_window
from .errors import BadInput, NotFound
from .model import AccessNotification, Acknowledgement, Assertion, SharingDecision, may_share, utcnow
from .principal import Principal
from .store.base import GraphStore
from .writing import write_entry


@dataclass(frozen=True)
class DecisionInput:
    share: bool
    assertion_ids: list[str]
    to_agency: str
    purpose: str
    lawful_basis: str
    consent: str
    person_informed: bool
    reasons: str
    to_team: Optional[str] = None
    to_professional: Optional[str] = None
    consent_reason: Optional[str] = None
    not_informed_reason: Optional[str] = None
    handling: str = v.DEFAULT_HANDLING
    person_id: Optional[str] = None


def _check(field: str, value: str, allowed: dict[str, str]) -> None:
    if value not in allowed:
        raise BadInput(f"{field}: {value!r} is not one of {', '.join(allowed)}")


def record_decision(store: GraphStore, principal: Principal, d: DecisionInput) -> SharingDecision:
    problems = []
    for field, value in (("purpose", d.purpose), ("reasons", d.reasons), ("toAgency", d.to_agency)):
        if not value or not value.strip():
            problems.append(f"{field} must not be empty")
    if not d.assertion_ids:
        problems.append("assertionIds: name at least one assertion")
    if d.consent in ("not_sought", "overridden", "refused") and not (d.consent_reason or "").strip():
        problems.append(f"consentReason is required when consent is {d.consent}")
    if not d.person_informed and not (d.not_informed_reason or "").strip():
        problems.append("notInformedReason is required when the person was not informed")
    if problems:
        raise BadInput("; ".join(problems))
    _check("lawfulBasis", d.lawful_basis, v.LAWFUL_BASES)
    _check("consent", d.consent, v.CONSENT)
    _check("handling", d.handling, v.HANDLING)
    view = principal.view()
    for assertion_id in dict.fromkeys(d.assertion_ids):
        a = store.assertion(assertion_id, view)
        if a is None:
            raise NotFound.assertion(assertion_id)
        if d.share and not may_share(principal.agency, a):
            raise BadInput(f"assertion {assertion_id} is {a.agency}'s record with handling {a.handling!r}: only {a.agency} may share it")
    if d.person_id is not None and store.kind_of(d.person_id, view) not in v.PEOPLE:
        raise NotFound.entity(d.person_id)
    decision = SharingDecision(
        id=f"d-{uuid.uuid4().hex[:24]}", share=d.share, assertion_ids=tuple(dict.fromkeys(d.assertion_ids)),
        from_agency=principal.agency, decided_by=principal.subject, to_agency=d.to_agency.strip(), to_team=d.to_team,
        to_professional=d.to_professional, purpose=d.purpose.strip(), lawful_basis=d.lawful_basis, consent=d.consent,
        consent_reason=d.consent_reason, person_informed=d.person_informed, not_informed_reason=d.not_informed_reason,
        handling=d.handling, reasons=d.reasons.strip(), decided_at=utcnow(), person_id=d.person_id,
    )
    store.append_decision(decision, write_entry(principal, "recordSharingDecision"))
    return decision


def can_see_decision(principal: Principal, d: SharingDecision) -> bool:
    """Both ends of a decision see it; auditors see every decision, shares and refusals."""
    if "auditor" in principal.roles:
        return True
    return principal.agency in (d.from_agency, d.to_agency)


def visible_decisions(store: GraphStore, principal: Principal, as_of: Optional[datetime] = None, assertion_id: Optional[str] = None) -> list[SharingDecision]:
    return [d for d in store.decisions(assertion_id) if can_see_decision(principal, d) and (as_of is None or d.decided_at <= as_of)]


def find_decisions(store: GraphStore, principal: Principal, as_of: Optional[datetime], agency: Optional[str], person: Optional[str],
                   lawful_basis: Optional[str], share: Optional[bool]) -> list[SharingDecision]:
    """The decisions the caller may see, as they stood at as_of, that pass every filter given (decision_filter)."""
    return [d for d in visible_decisions(store, principal, as_of) if decision_filter(d, agency, person, lawful_basis, share)]


def acknowledge(store: GraphStore, principal: Principal, decision_id: str, received: bool, understood: bool, action: str, text: str) -> Acknowledgement:
    _check("action", action, v.ACTIONS)
    decision = next((d for d in store.decisions() if d.id == decision_id), None)
    if decision is None or not decision.share or decision.to_agency != principal.agency or (decision.to_professional not in (None, principal.subject)):
        raise NotFound(f"no share {decision_id!r} made to you")
    if action in ("planned", "none") and not text.strip():
        raise BadInput(f"text: say what is planned, or why nothing will be done (action {action})")
    ack = Acknowledgement(id=f"k-{uuid.uuid4().hex[:24]}", decision_id=decision_id, agency=principal.agency, by=principal.subject,
                          received=received, understood=understood, action=action, text=text.strip(), at=utcnow())
    store.append_acknowledgement(ack, write_entry(principal, "acknowledge"))
    return ack


def my_shares(store: GraphStore, principal: Principal) -> list[tuple[SharingDecision, list[Acknowledgement]]]:
    acks = _acks_by_decision(store)
    return [(d, acks.get(d.id, [])) for d in store.decisions() if d.from_agency == principal.agency]


def awaiting_acknowledgement(store: GraphStore, principal: Principal, older_than: timedelta, now: Optional[datetime] = None) -> list[SharingDecision]:
    """Shares nobody has acknowledged, decided more than `older_than` ago. MASH and auditors
    see every agency's; others see shares from or to their own agency."""
    if older_than < timedelta(0):
        raise BadInput("olderThanHours must not be negative")
    cutoff = (now or utcnow()) - older_than
    acks = _acks_by_decision(store)
    everyone = bool(principal.roles & {"mash", "auditor"})
    return [
        d for d in store.decisions()
        if d.share and d.decided_at <= cutoff and d.id not in acks and (everyone or principal.agency in (d.from_agency, d.to_agency))
    ]


def _acks_by_decision(store: GraphStore) -> dict[str, list[Acknowledgement]]:
    out: dict[str, list[Acknowledgement]] = {}
    for ack in store.acknowledgements():
        out.setdefault(ack.decision_id, []).append(ack)
    return out


def accesses_to(store: GraphStore, principal: Principal, start: Optional[datetime], end: Optional[datetime]) -> list[AccessNotification]:
    """When users of other agencies were shown the caller's agency's flagged assertions, in the window."""
    check_window(start, end)
    return store.accesses(principal.agency, start, end)


def notify_owners(store: GraphStore, principal: Principal, returned: Iterable[str], held: Mapping[str, Assertion] = MappingProxyType({})) -> list[AccessNotification]:
    """When another agency's user is shown a flagged assertion, tell its owner (as CP-IS does).

    `held`: returned assertions the caller already has whole (the flag is part of an assertion,
    which never changes), so the store is asked only about the others."""
    now = utcnow()
    returned = sorted(set(returned))
    flagged = [held[i] for i in returned if i in held and held[i].notify_owner]
    flagged += store.flagged(i for i in returned if i not in held)
    notes = [
        AccessNotification(id=f"n-{uuid.uuid4().hex[:24]}", assertion_id=a.id, owner_agency=a.agency, viewer=principal.subject,
                           viewer_agency=principal.agency, purpose=principal.purpose, at=now)
        for a in sorted(flagged, key=lambda a: a.id)
        if a.agency != principal.agency
    ]
    store.append_access(notes)
    return notes


def decision_filter(d: SharingDecision, agency: Optional[str], person: Optional[str], lawful_basis: Optional[str], share: Optional[bool]) -> bool:
    return (
        (agency is None or agency in (d.from_agency, d.to_agency))
        and (person is None or d.person_id == person)
        and (lawful_basis is None or d.lawful_basis == lawful_basis)
        and (share is None or d.share == share)
    )
