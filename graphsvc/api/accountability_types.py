"""GraphQL types for sharing decisions, acknowledgements, access notifications and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

import strawberry

from .. import model
from ..paging import MAX_LIST, capped

ID = strawberry.ID


@strawberry.type(description="A recorded decision to share, or not to share, assertions with a recipient.")
class SharingDecision:
    id: ID
    share: bool
    assertion_ids: list[ID] = strawberry.field(description=f"The first {MAX_LIST} assertions it covers; `assertionCount` says how many.")
    assertion_count: int
    from_agency: str
    decided_by: str
    to_agency: str
    to_team: Optional[str]
    to_professional: Optional[str]
    purpose: str
    lawful_basis: str
    consent: str
    consent_reason: Optional[str]
    person_informed: bool
    not_informed_reason: Optional[str]
    handling: str
    reasons: str
    decided_at: datetime
    person_id: Optional[ID]

    @classmethod
    def of(cls, d: model.SharingDecision) -> "SharingDecision":
        return cls(
            id=ID(d.id), share=d.share, assertion_ids=[ID(i) for i in capped(d.assertion_ids)], assertion_count=len(d.assertion_ids), from_agency=d.from_agency,
            decided_by=d.decided_by, to_agency=d.to_agency, to_team=d.to_team, to_professional=d.to_professional,
            purpose=d.purpose, lawful_basis=d.lawful_basis, consent=d.consent, consent_reason=d.consent_reason,
            person_informed=d.person_informed, not_informed_reason=d.not_informed_reason, handling=d.handling,
            reasons=d.reasons, decided_at=d.decided_at, person_id=ID(d.person_id) if d.person_id else None,
        )


@strawberry.input(description="A decision to share or not to share. The deciding agency and professional come from your token.")
class SharingDecisionInput:
    share: bool
    assertion_ids: list[ID]
    to_agency: str
    purpose: str
    lawful_basis: str = strawberry.field(description="One of the vocabulary's lawful_bases, e.g. dpa2018_sch1_para18_safeguarding.")
    consent: str = strawberry.field(description="given, refused, not_sought or overridden.")
    person_informed: bool
    reasons: str
    to_team: Optional[str] = None
    to_professional: Optional[str] = None
    consent_reason: Optional[str] = None
    not_informed_reason: Optional[str] = strawberry.field(default=None, description="Required when the person was not informed, e.g. it could increase the risk.")
    handling: str = strawberry.field(default="originator_consent", description="Limits on onward sharing by the recipient.")
    person_id: Optional[ID] = None


@strawberry.type(description="A recipient's answer to a share.")
class Acknowledgement:
    id: ID
    decision_id: ID
    agency: str
    by: str
    received: bool
    understood: bool
    action: str
    text: str
    at: datetime

    @classmethod
    def of(cls, a: model.Acknowledgement) -> "Acknowledgement":
        return cls(id=ID(a.id), decision_id=ID(a.decision_id), agency=a.agency, by=a.by, received=a.received,
                   understood=a.understood, action=a.action, text=a.text, at=a.at)


@strawberry.type
class Share:
    decision: SharingDecision
    acknowledged: bool
    acknowledgements: list[Acknowledgement] = strawberry.field(description=f"The first {MAX_LIST}; `acknowledgementCount` says how many.")
    acknowledgement_count: int


@strawberry.type(description="Another agency's user was shown one of your flagged assertions.")
class AccessNotification:
    id: ID
    assertion_id: ID
    viewer: str
    viewer_agency: str
    purpose: Optional[str]
    at: datetime

    @classmethod
    def of(cls, n: model.AccessNotification) -> "AccessNotification":
        return cls(id=ID(n.id), assertion_id=ID(n.assertion_id), viewer=n.viewer, viewer_agency=n.viewer_agency, purpose=n.purpose, at=n.at)


@strawberry.type(description="One audit log entry: who asked what, for what purpose, and what they were shown.")
class AccessLogEntry:
    seq: int
    at: datetime
    subject: Optional[str]
    agency: Optional[str]
    roles: list[str] = strawberry.field(description=f"The first {MAX_LIST} (a token's roles are the vocabulary's five).")
    purpose: Optional[str]
    operation: str
    outcome: str

    @classmethod
    def of(cls, e: dict) -> "AccessLogEntry":
        return cls(seq=e["seq"], at=model.parse_time(e["at"]), subject=e["subject"], agency=e["agency"], roles=capped(list(e["roles"])),
                   purpose=e["purpose"], operation=e["operation"], outcome=e["outcome"])


@strawberry.type(description="W3C PROV (PROV-JSON) of assertions you may pass on.")
class ProvDocument:
    prov_json: str
    included: int
    withheld: int = strawberry.field(description="Assertions you may see whose handling condition forbids your agency passing them on.")
