"""GraphQL types for sharing decisions, acknowledgements, access notifications and the audit log
(presentation.py builds them from domain objects)."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

import strawberry

from .. import vocabulary as v
from ..paging import MAX_LIST
from .terms import either

ID = strawberry.ID
CONSENT = f"Whether the person consented to the sharing: {either(v.CONSENT)}."
ONWARD = f"The condition on the recipient sharing it onwards: {either(v.HANDLING)}."
ACTION = f"What the recipient did: {either(v.ACTIONS)} (the text says what, or why not)."


@strawberry.type(description="A recorded decision to share, or not to share, assertions with a recipient.")
class SharingDecision:
    id: ID = strawberry.field(description="The decision's id: acknowledge a share by it.")
    share: bool = strawberry.field(description="True for a decision to share; false for a decision not to share, kept for auditors.")
    assertion_ids: list[ID] = strawberry.field(description=f"The first {MAX_LIST} assertions it covers; `assertionCount` says how many.")
    assertion_count: int = strawberry.field(description="How many assertions it covers.")
    from_agency: str = strawberry.field(description="The agency that decided.")
    decided_by: str = strawberry.field(description="The professional who decided (their id).")
    to_agency: str = strawberry.field(description="The agency the assertions are (or are not) shared with.")
    to_team: Optional[str] = strawberry.field(description="The team there, if the decision names one.")
    to_professional: Optional[str] = strawberry.field(description="The professional there, if the share is to one person only: then only they see what it shares.")
    purpose: str = strawberry.field(description="Why the information is shared (or would have been).")
    lawful_basis: str = strawberry.field(description="The lawful basis relied on: one of the vocabulary's lawful_bases, e.g. dpa2018_sch1_para18_safeguarding.")
    consent: str = strawberry.field(description=CONSENT)
    consent_reason: Optional[str] = strawberry.field(description="Why, when consent was refused, not sought or overridden.")
    person_informed: bool = strawberry.field(description="Whether the person the information is about was told of the decision.")
    not_informed_reason: Optional[str] = strawberry.field(description="Why the person was not told, e.g. it could increase the risk to the child.")
    handling: str = strawberry.field(description=ONWARD)
    reasons: str = strawberry.field(description="The reasons for the decision, in the decider's words.")
    decided_at: datetime = strawberry.field(description="When it was decided: a share lets the recipient see the assertions from then on.")
    person_id: Optional[ID] = strawberry.field(description="The person the information is about, if the decision names them.")


@strawberry.input(description="A decision to share or not to share. The deciding agency and professional come from your token.")
class SharingDecisionInput:
    share: bool = strawberry.field(description="True to share; false to record a decision not to share, which changes no one's access but is kept for auditors.")
    assertion_ids: list[ID] = strawberry.field(description="The assertions decided on (at least one). To share another agency's assertion, its handling must be permitted.")
    to_agency: str = strawberry.field(description="The agency to share with (or not).")
    purpose: str = strawberry.field(description="Why the information is shared (or would have been).")
    lawful_basis: str = strawberry.field(description="One of the vocabulary's lawful_bases, e.g. dpa2018_sch1_para18_safeguarding.")
    consent: str = strawberry.field(description=CONSENT)
    person_informed: bool = strawberry.field(description="Whether the person the information is about was told of the decision.")
    reasons: str = strawberry.field(description="The reasons for the decision, in your words.")
    to_team: Optional[str] = strawberry.field(default=None, description="The team at the recipient agency, if any.")
    to_professional: Optional[str] = strawberry.field(default=None, description="One professional at the recipient agency (their id): only they then see what is shared.")
    consent_reason: Optional[str] = strawberry.field(default=None, description="Required when consent was refused, not sought or overridden: why.")
    not_informed_reason: Optional[str] = strawberry.field(default=None, description="Required when the person was not informed, e.g. it could increase the risk.")
    handling: str = strawberry.field(default="originator_consent", description=ONWARD)
    person_id: Optional[ID] = strawberry.field(default=None, description="The person the information is about, so auditors can find the decision by them.")


@strawberry.type(description="A recipient's answer to a share.")
class Acknowledgement:
    id: ID = strawberry.field(description="The acknowledgement's id.")
    decision_id: ID = strawberry.field(description="The share it answers.")
    agency: str = strawberry.field(description="The recipient agency.")
    by: str = strawberry.field(description="The professional who acknowledged (their id).")
    received: bool = strawberry.field(description="Whether the information was received.")
    understood: bool = strawberry.field(description="Whether it was understood.")
    action: str = strawberry.field(description=ACTION)
    text: str = strawberry.field(description="What was done or is planned and when, or why nothing will be done.")
    at: datetime = strawberry.field(description="When it was acknowledged.")


@strawberry.type(description="A decision your agency made, with the recipients' acknowledgements.")
class Share:
    decision: SharingDecision = strawberry.field(description="The decision.")
    acknowledged: bool = strawberry.field(description="True once anyone has acknowledged it.")
    acknowledgements: list[Acknowledgement] = strawberry.field(description=f"The recipients' answers: the first {MAX_LIST}; `acknowledgementCount` says how many.")
    acknowledgement_count: int = strawberry.field(description="How many acknowledgements it has.")


@strawberry.type(description="Another agency's user was shown one of your flagged assertions.")
class AccessNotification:
    id: ID = strawberry.field(description="The notification's id.")
    assertion_id: ID = strawberry.field(description="The flagged assertion they were shown.")
    viewer: str = strawberry.field(description="The user who was shown it (their id).")
    viewer_agency: str = strawberry.field(description="Their agency.")
    purpose: Optional[str] = strawberry.field(description="The purpose their token stated; null if none.")
    at: datetime = strawberry.field(description="When they were shown it.")


@strawberry.type(description="One audit log entry: who asked what, for what purpose, and what they were shown.")
class AccessLogEntry:
    seq: int = strawberry.field(description="The entry's place in the audit log: continue after it with `after`.")
    at: datetime = strawberry.field(description="When the request was answered, or the write committed.")
    subject: Optional[str] = strawberry.field(description="Who asked (their id); null if the request had no valid token.")
    agency: Optional[str] = strawberry.field(description="Their agency; null if the request had no valid token.")
    roles: list[str] = strawberry.field(description=f"Their roles: the first {MAX_LIST} (a token's roles are the vocabulary's five).")
    purpose: Optional[str] = strawberry.field(description="The purpose their token stated; null if none.")
    operation: str = strawberry.field(description="What was asked: the request's operation name (`-` if none) and the service operations it used, e.g. `-: entity,chronology`; for a write, the change made.")
    outcome: str = strawberry.field(description="How it ended: the HTTP status and OK or the error codes; for a write, what was committed.")


@strawberry.type(description="W3C PROV (PROV-JSON) of assertions you may pass on.")
class ProvDocument:
    prov_json: str = strawberry.field(description="The W3C PROV document, as PROV-JSON text.")
    included: int = strawberry.field(description="How many assertions it holds: those you may see and pass on.")
    withheld: int = strawberry.field(description="Assertions you may see whose handling condition forbids your agency passing them on.")
