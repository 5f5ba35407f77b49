"""The GraphQL schema: thin resolvers that check the role, ask the domain, and present."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Optional

import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionContext
from strawberry.extensions import MaxTokensLimiter, ParserCache
from strawberry.scalars import JSON
from strawberry.types import Info

from .. import chronology as chron
from .. import provenance as prov
from .. import prov_export, sharing, writing
from ..bounds import within
from ..chronology import check_window
from ..model import format_time
from ..disclosure import Disclosure
from ..patterns import Patterns
from ..errors import BadInput, NotFound
from ..paging import MAX_LIST, after_key, capped, page
from ..vocabulary import PEOPLE
from . import accountability_types as at
from . import pattern_types as pt
from . import types
from .context import Context, utc
from .limits import MAX_TOKENS, RequestLimits
from .scalars import DateTime

AsOf = Annotated[Optional[datetime], strawberry.argument(description="Answer with what had been recorded by this time (record time).")]
ValidAt = Annotated[Optional[datetime], strawberry.argument(description="Only what was true at this time (valid time).")]
From = Annotated[Optional[datetime], strawberry.argument(name="from", description="Start of the window (inclusive).")]
To = Annotated[Optional[datetime], strawberry.argument(description="End of the window (inclusive).")]
# A plain list's `first` and `after` (paging.after_key): getting `first` items back says there may be more.
First = Annotated[int, strawberry.argument(description=f"At most this many (default and at most {MAX_LIST}); as many back means there may be more: ask again with `after`.")]
AfterChild = Annotated[Optional[str], strawberry.argument(description="Continue after the item for this child id (the last one you were given).")]
AfterDecision = Annotated[Optional[str], strawberry.argument(description="Continue after the item with this decision id (the last one you were given).")]
AfterNotification = Annotated[Optional[str], strawberry.argument(description="Continue after the notification with this id (the last one you were given).")]
AfterSeq = Annotated[Optional[str], strawberry.argument(description="Continue after the entry with this seq (the last one you were given).")]


def ctx(info: Info) -> Context:
    return info.context


def _entity(info: Info, id: str, as_of: Optional[datetime], valid_at: Optional[datetime], kinds: frozenset[str] | None = None) -> types.Entity:
    c = ctx(info)
    c.require("entity")
    view = c.view(as_of, valid_at)
    e = c.store.entity(id, view)
    if e is None or (kinds is not None and e.kind not in kinds):
        raise NotFound.entity(id)
    return c.entity(e, view)


def _patterns(info: Info, as_of: Optional[datetime]) -> tuple[Context, Patterns, Disclosure]:
    c = ctx(info)
    c.require("patterns")
    view = c.view(as_of)
    return c, Patterns(c.store, view), c.disclosure(view)


@strawberry.type
class PatternQuery:
    @strawberry.field(description="Contexts (places, groups, phones, vehicles) linked to at least minChildren distinct children in the window, most children first, then most recent.")
    def shared_contexts(
        self, info: Info, min_children: int = 3, from_: From = None, to: To = None, context_kinds: Optional[list[str]] = None,
        exclude_family: Annotated[bool, strawberry.argument(description="Count children linked by family as one (unrelated children sharing a place is the signal).")] = True,
        as_of: AsOf = None, first: Optional[int] = None, after: Optional[str] = None,
    ) -> pt.SharedContextPage:
        c, patterns, d = _patterns(info, as_of)
        within(minChildren=min_children)
        found = page(patterns.shared_contexts(min_children, utc(from_), utc(to), context_kinds, exclude_family), first, after)
        return pt.SharedContextPage(total_count=found.total, items=[pt.SharedContext.of(c, d, x) for x in found.items], page_info=types.page_info(found))

    @strawberry.field(description="A child's missing episodes in the window, with return home interviews and a summary.")
    def missing_history(self, info: Info, child_id: strawberry.ID, from_: From = None, to: To = None, as_of: AsOf = None) -> pt.MissingHistory:
        c, patterns, d = _patterns(info, as_of)
        return pt.MissingHistory.of(c, d, patterns.missing_history(child_id, utc(from_), utc(to)))

    @strawberry.field(description="Children with at least minEpisodes missing episodes in the window, with the trend.")
    def repeat_missing(self, info: Info, min_episodes: int = 3, from_: From = None, to: To = None, as_of: AsOf = None,
                       first: Optional[int] = None, after: Optional[str] = None) -> pt.RepeatMissingPage:
        c, patterns, d = _patterns(info, as_of)
        within(minEpisodes=min_episodes)
        found = page(patterns.repeat_missing(min_episodes, utc(from_), utc(to)), first, after)
        return pt.RepeatMissingPage(total_count=found.total, items=[pt.RepeatMissingChild.of(c, d, x) for x in found.items], page_info=types.page_info(found))

    @strawberry.field(description="Children whose episodes overlap this child's, or who were found at the same place or with the same person.")
    def co_missing(self, info: Info, child_id: strawberry.ID, from_: From = None, to: To = None, as_of: AsOf = None,
                   first: First = MAX_LIST, after: AfterChild = None) -> list[pt.CoMissingChild]:
        c, patterns, d = _patterns(info, as_of)
        found = after_key(patterns.co_missing(child_id, utc(from_), utc(to)), lambda x: x.child, first, after)
        return [pt.CoMissingChild.of(c, d, x) for x in found]

    @strawberry.field(description="Adults linked to at least minChildren unrelated children: association, found with, shared phone or vehicle, same events.")
    def adults_linked_to_children(self, info: Info, min_children: int = 2, from_: From = None, to: To = None, as_of: AsOf = None,
                                  first: Optional[int] = None, after: Optional[str] = None) -> pt.LinkedAdultPage:
        c, patterns, d = _patterns(info, as_of)
        within(minChildren=min_children)
        found = page(patterns.adults_linked_to_children(min_children, utc(from_), utc(to)), first, after)
        return pt.LinkedAdultPage(total_count=found.total, items=[pt.LinkedAdult.of(c, d, x) for x in found.items], page_info=types.page_info(found))

    @strawberry.field(description="The people around a child through association and co-occurrence, up to hops (at most 3) away.")
    def peer_network(self, info: Info, child_id: strawberry.ID, hops: int = 2, as_of: AsOf = None) -> pt.PeerNetwork:
        c, patterns, d = _patterns(info, as_of)
        within(hops=hops)
        return pt.PeerNetwork.of(c, d, patterns.peer_network(child_id, hops))


@strawberry.type
class AccountabilityQuery:
    @strawberry.field(description="What your agency shared, whether each share was acknowledged, and what was done.")
    def my_shares(self, info: Info, first: First = MAX_LIST, after: AfterDecision = None) -> list[at.Share]:
        c = ctx(info)
        c.require("shares")
        found = after_key(sharing.my_shares(c.store, c.principal), lambda x: x[0].id, first, after)
        return [at.Share(decision=at.SharingDecision.of(d), acknowledged=bool(acks), acknowledgements=[at.Acknowledgement.of(a) for a in capped(acks)],
                         acknowledgement_count=len(acks))
                for d, acks in found]

    @strawberry.field(description="Shares nobody has acknowledged, decided more than olderThanHours ago: never assume someone else will act.")
    def awaiting_acknowledgement(self, info: Info, older_than_hours: float = 24, first: First = MAX_LIST, after: AfterDecision = None) -> list[at.SharingDecision]:
        c = ctx(info)
        c.require("shares")
        within(olderThanHours=older_than_hours)
        found = after_key(sharing.awaiting_acknowledgement(c.store, c.principal, timedelta(hours=older_than_hours)), lambda d: d.id, first, after)
        return [at.SharingDecision.of(d) for d in found]

    @strawberry.field(description="When users of other agencies were shown your agency's flagged assertions.")
    def accesses_to_my_records(self, info: Info, from_: From = None, to: To = None, first: First = MAX_LIST, after: AfterNotification = None) -> list[at.AccessNotification]:
        c = ctx(info)
        c.require("accesses")
        check_window(utc(from_), utc(to))
        found = after_key(c.store.accesses(c.principal.agency, utc(from_), utc(to)), lambda n: n.id, first, after)
        return [at.AccessNotification.of(n) for n in found]

    @strawberry.field(description="Auditors: who has been shown this assertion, when, and for what purpose.")
    def access_log(self, info: Info, assertion_id: strawberry.ID, as_of: AsOf = None, first: First = MAX_LIST, after: AfterSeq = None) -> list[at.AccessLogEntry]:
        c = ctx(info)
        c.require("audit")
        if c.store.assertion(assertion_id, c.view(as_of)) is None:
            raise NotFound.assertion(assertion_id)
        cutoff = format_time(utc(as_of)) if as_of else None
        found = after_key([e for e in c.store.audit_for(assertion_id) if cutoff is None or e["at"] <= cutoff], lambda e: str(e["seq"]), first, after)
        return [at.AccessLogEntry.of(e) for e in found]

    @strawberry.field(description="Auditors: sharing decisions (to share and not to share), filtered by agency, person, lawful basis and outcome.")
    def decisions(self, info: Info, agency: Optional[str] = None, person_id: Optional[strawberry.ID] = None, lawful_basis: Optional[str] = None,
                  share: Optional[bool] = None, as_of: AsOf = None, first: First = MAX_LIST, after: AfterDecision = None) -> list[at.SharingDecision]:
        c = ctx(info)
        c.require("audit")
        found = [d for d in sharing.visible_decisions(c.store, c.principal, utc(as_of)) if sharing.decision_filter(d, agency, person_id, lawful_basis, share)]
        return [at.SharingDecision.of(d) for d in after_key(found, lambda d: d.id, first, after)]

    @strawberry.field(description="W3C PROV (PROV-JSON) for one assertion and its corrections, or for a person's chronology; assertions your agency may not pass on are left out.")
    def prov_export(self, info: Info, assertion_id: Optional[strawberry.ID] = None, person_id: Optional[strawberry.ID] = None, as_of: AsOf = None) -> at.ProvDocument:
        c = ctx(info)
        c.require("export")
        if (assertion_id is None) == (person_id is None):
            raise BadInput("give exactly one of assertionId or personId")
        view = c.view(as_of)
        if assertion_id is not None:
            found = prov_export.assertion_history(c.store, view, assertion_id)
            if not found:
                raise NotFound.assertion(assertion_id)
        else:
            c.require("chronology")
            found = prov_export.chronology_assertions(c.store, view, person_id)  # type: ignore[arg-type]
        decisions = [d for a in found for d in sharing.visible_decisions(c.store, c.principal, view.as_of, a.id)]
        out = prov_export.export(c.store, view, c.principal.agency, found, dict.fromkeys(decisions))
        c.returned.update(a.id for a in found if sharing.may_share(c.principal.agency, a))
        return at.ProvDocument(prov_json=out.document, included=out.included, withheld=out.withheld)


@strawberry.type
class Query(PatternQuery, AccountabilityQuery):
    @strawberry.field(description="Who the service thinks you are.")
    def me(self, info: Info) -> types.Me:
        c = ctx(info)
        c.require("me")
        p = c.principal
        return types.Me(subject=p.subject, agency=p.agency, roles=sorted(p.roles), auths=capped(sorted(p.auths)), auth_count=len(p.auths),
                        purpose=p.purpose, pseudonymous=p.pseudonymous)

    @strawberry.field(description="A person (child, adult or professional) with the attributes and links you may see.")
    def person(self, info: Info, id: strawberry.ID, as_of: AsOf = None, valid_at: ValidAt = None) -> types.Entity:
        return _entity(info, id, as_of, valid_at, PEOPLE)

    @strawberry.field(description="Any entity: person, agency, context, object or event.")
    def entity(self, info: Info, id: strawberry.ID, as_of: AsOf = None, valid_at: ValidAt = None) -> types.Entity:
        return _entity(info, id, as_of, valid_at)

    @strawberry.field(description="People matching every criterion given: name (part of any recorded name, any case), date of birth, agency identifier (SCHEME:VALUE).")
    def search_people(
        self, info: Info, name: Optional[str] = None, date_of_birth: Optional[str] = None, identifier: Optional[str] = None,
        first: Optional[int] = None, after: Optional[str] = None, as_of: AsOf = None,
    ) -> types.EntityPage:
        c = ctx(info)
        c.require("searchPeople")
        if name is not None and len(name.strip()) < 2:
            raise BadInput("name: give at least two characters")
        if name is None and date_of_birth is None and identifier is None:
            raise BadInput("give at least one of name, dateOfBirth, identifier")
        view = c.view(as_of)
        found = page(c.store.search(view, PEOPLE, name=name.strip() if name else None, date_of_birth=date_of_birth, identifier=identifier), first, after)
        items = [c.entity(e, view) for e in (c.store.entity(i, view) for i in found.items) if e is not None]
        return types.EntityPage(total_count=found.total, items=items, page_info=types.page_info(found))

    @strawberry.field(description="A person's merged multi-agency chronology, oldest first.")
    def chronology(
        self, info: Info, person_id: strawberry.ID, from_: From = None,
        to: To = None, as_of: AsOf = None, first: Optional[int] = None, after: Optional[str] = None,
    ) -> types.ChronologyPage:
        c = ctx(info)
        c.require("chronology")
        entries = chron.chronology(c.store, c.view(as_of), person_id, utc(from_), utc(to))
        p = page(entries, first, after)
        for e in p.items:
            c.returned.update(capped(e.assertion_ids))
        return types.ChronologyPage(person_id=person_id, total_count=p.total, items=[types.ChronologyEntry.of(e) for e in p.items], page_info=types.page_info(p))

    @strawberry.field(description="Where an assertion came from: recorder, agency, source record, method, grading, corrections, and other agencies' corroborating or contradicting assertions.")
    def provenance(self, info: Info, assertion_id: strawberry.ID, as_of: AsOf = None) -> types.Provenance:
        c = ctx(info)
        c.require("provenance")
        trace = prov.trace(c.store, c.view(as_of), assertion_id)
        return types.provenance_of(c, trace, sharing.visible_decisions(c.store, c.principal, utc(as_of), assertion_id))


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Record a batch of records (the import record format) atomically. Your agency and identity come from your token; without a scope a record is visible to your agency only.")
    def record_assertions(self, info: Info, records: list[JSON]) -> types.RecordResult:
        c = ctx(info)
        c.require("record")
        written = writing.record(c.store, c.principal, list(records))
        return types.RecordResult(written=len(written), assertions=[c.show(a) for a in capped(written)])

    @strawberry.mutation(description="Correct one of your agency's assertions: a new assertion that supersedes it.")
    def correct_assertion(
        self, info: Info, assertion_id: strawberry.ID, value: Optional[JSON] = None, object: Optional[strawberry.ID] = None,
        source_ref: Optional[str] = None, method: Optional[str] = None, status: Optional[str] = None,
    ) -> types.Assertion:
        c = ctx(info)
        c.require("record")
        return c.show(writing.correct(c.store, c.principal, assertion_id, value, object, source_ref, method, status))

    @strawberry.mutation(description="Record a decision to share or not to share. A share widens the assertions' visibility to exactly its recipients; a decision not to share changes no visibility but is kept for auditors.")
    def record_sharing_decision(self, info: Info, decision: at.SharingDecisionInput) -> at.SharingDecision:
        c = ctx(info)
        c.require("decide")
        d = decision
        made = sharing.record_decision(c.store, c.principal, sharing.DecisionInput(
            share=d.share, assertion_ids=[str(i) for i in d.assertion_ids], to_agency=d.to_agency, purpose=d.purpose,
            lawful_basis=d.lawful_basis, consent=d.consent, person_informed=d.person_informed, reasons=d.reasons,
            to_team=d.to_team, to_professional=d.to_professional, consent_reason=d.consent_reason,
            not_informed_reason=d.not_informed_reason, handling=d.handling, person_id=str(d.person_id) if d.person_id else None,
        ))
        return at.SharingDecision.of(made)

    @strawberry.mutation(description="Acknowledge a share made to you: received, understood, and the action taken or planned.")
    def acknowledge(self, info: Info, decision_id: strawberry.ID, received: bool, understood: bool, action: str, text: str = "") -> at.Acknowledgement:
        c = ctx(info)
        c.require("acknowledge")
        return at.Acknowledgement.of(sharing.acknowledge(c.store, c.principal, decision_id, received, understood, action, text))

    @strawberry.mutation(description="Retract one of your agency's assertions, saying why.")
    def retract_assertion(self, info: Info, assertion_id: strawberry.ID, reason: str, source_ref: Optional[str] = None) -> types.Assertion:
        c = ctx(info)
        c.require("record")
        return c.show(writing.retract(c.store, c.principal, assertion_id, reason, source_ref))


class Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Optional[ExecutionContext] = None) -> None:
        # strawberry logs each error with its source and message, which can quote variables
        # (personal data). The HTTP layer logs unexpected errors by type only; nothing here.
        return None


schema = Schema(
    query=Query,
    mutation=Mutation,
    scalar_overrides={datetime: DateTime},  # errors with their locations (scalars.py)
    extensions=[
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ParserCache(maxsize=256),  # shared across requests: one document per query text
        RequestLimits,  # the limits, then the standard rules, cached by document
    ],
)
