"""The GraphQL schema: thin resolvers that check the role, ask the domain, and present
(presentation.py), which notes what the answer shows for the request's audit entry."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Optional

import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionContext
from strawberry.extensions import MaxTokensLimiter, ParserCache
from strawberry.scalars import JSON
from strawberry.types import Info

from .. import accounting
from .. import chronology as chron
from .. import provenance as prov
from .. import identity, prov_export, search, sharing, vocabulary, writing
from ..bounds import RANGES, within
from ..model import View
from ..patterns import Patterns
from ..errors import BadInput, NotFound
from ..paging import DEFAULT_PAGE, MAX_LIST, MAX_PAGE, after_key, page
from ..vocabulary import CONTEXT_KINDS, PEOPLE
from . import accountability_types as at
from . import pattern_types as pt
from . import presentation
from . import types
from . import vocabulary_types as vt
from .context import Context, utc
from .presentation import Presenter
from .limits import MAX_TOKENS, RequestLimits
from .scalars import DateTime
from .terms import either

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
# A page's `first` and `after` (paging.page).
PageFirst = Annotated[Optional[int], strawberry.argument(description=f"How many items the page holds at most (default {DEFAULT_PAGE}, at most {MAX_PAGE}).")]
PageAfter = Annotated[Optional[str], strawberry.argument(description="Start after this cursor: the `pageInfo.endCursor` of the page before.")]
ChildId = Annotated[strawberry.ID, strawberry.argument(description="The child's id.")]
PersonId = Annotated[strawberry.ID, strawberry.argument(description="The person's id.")]
RecordA = Annotated[strawberry.ID, strawberry.argument(description="One of the two records (a child or adult record, any agency's).")]
RecordB = Annotated[strawberry.ID, strawberry.argument(description="The other record.")]
Reason = Annotated[str, strawberry.argument(description="Why: kept as the link's evidence.")]
SourceRef = Annotated[Optional[str], strawberry.argument(description="Your agency's own record id for it; the service makes one up if not given.")]


def ctx(info: Info) -> Context:
    return info.context


def _present(c: Context, view: Optional[View] = None) -> Presenter:
    """Presenting under the view (the caller's present one if None), into the request's `shown`."""
    return Presenter(c.shown, c.disclosure(c.view() if view is None else view))


def _entity(info: Info, id: str, as_of: Optional[datetime], valid_at: Optional[datetime], kinds: frozenset[str] | None = None) -> types.Entity:
    c = ctx(info)
    c.require("entity")
    view = c.view(as_of, valid_at)
    # A person is every record of them the caller sees (identity.py); any other entity, itself.
    e = identity.person(c.store, view, c.entity_id(id)) if kinds == PEOPLE else c.store.entity(c.entity_id(id), view)
    if e is None or (kinds is not None and e.kind not in kinds):
        raise NotFound.entity(id)
    return _present(c, view).entity(e)


def _entity_page(c: Context, view: View, ids: list[str], first: Optional[int], after: Optional[str]) -> types.EntityPage:
    """A page of the entities found (search.py), as the caller may see them."""
    found = page(ids, first, after)
    items = [_present(c, view).entity(e) for e in (c.store.entity(i, view) for i in found.items) if e is not None]
    return presentation.page(types.EntityPage, found, items)


def _patterns(info: Info, as_of: Optional[datetime]) -> tuple[Context, Patterns, Presenter]:
    c = ctx(info)
    c.require("patterns")
    view = c.view(as_of)
    return c, Patterns(c.store, view), _present(c, view)


@strawberry.type
class PatternQuery:
    @strawberry.field(description="Contexts (places, groups, phones, vehicles) linked to at least minChildren distinct children in the window, most children first, then most recent.")
    def shared_contexts(
        self, info: Info,
        min_children: Annotated[int, strawberry.argument(description=f"Only contexts linked to at least this many children ({RANGES['minChildren']}), counted once per family unless excludeFamily is false.")] = 3,
        from_: From = None, to: To = None,
        context_kinds: Annotated[Optional[list[str]], strawberry.argument(description=f"Only contexts of these kinds: {either(sorted(CONTEXT_KINDS))}. All of them if not given.")] = None,
        exclude_family: Annotated[bool, strawberry.argument(description="Whether minChildren applies to unrelatedChildren (children linked by family counted as one: unrelated children sharing a place is the signal) or, when false, to childCount; unrelatedChildren is the family-joined count either way.")] = True,
        as_of: AsOf = None, first: PageFirst = None, after: PageAfter = None,
    ) -> pt.SharedContextPage:
        _, patterns, present = _patterns(info, as_of)
        within(minChildren=min_children)
        found = page(patterns.shared_contexts(min_children, utc(from_), utc(to), context_kinds, exclude_family), first, after)
        return presentation.page(pt.SharedContextPage, found, [present.shared_context(x) for x in found.items])

    @strawberry.field(description="A child's missing episodes in the window, with return home interviews and a summary.")
    def missing_history(self, info: Info, child_id: ChildId, from_: From = None, to: To = None, as_of: AsOf = None) -> pt.MissingHistory:
        c, patterns, present = _patterns(info, as_of)
        return present.missing_history(patterns.missing_history(c.entity_id(child_id), utc(from_), utc(to)))

    @strawberry.field(description="Children with at least minEpisodes missing episodes in the window, with the trend.")
    def repeat_missing(self, info: Info,
                       min_episodes: Annotated[int, strawberry.argument(description=f"Only children with at least this many episodes in the window ({RANGES['minEpisodes']}).")] = 3,
                       from_: From = None, to: To = None, as_of: AsOf = None,
                       first: PageFirst = None, after: PageAfter = None) -> pt.RepeatMissingPage:
        _, patterns, present = _patterns(info, as_of)
        within(minEpisodes=min_episodes)
        found = page(patterns.repeat_missing(min_episodes, utc(from_), utc(to)), first, after)
        return presentation.page(pt.RepeatMissingPage, found, [present.repeat_missing(x) for x in found.items])

    @strawberry.field(description="Children whose episodes overlap this child's, or who were found at the same place or with the same person.")
    def co_missing(self, info: Info, child_id: ChildId, from_: From = None, to: To = None, as_of: AsOf = None,
                   first: First = MAX_LIST, after: AfterChild = None) -> list[pt.CoMissingChild]:
        c, patterns, present = _patterns(info, as_of)
        found = after_key(patterns.co_missing(c.entity_id(child_id), utc(from_), utc(to)), lambda x: x.child, first, c.entity_id(after) if after else None)
        return [present.co_missing(x) for x in found]

    @strawberry.field(description="Adults linked to at least minChildren unrelated children: association, found with, shared phone or vehicle, same events.")
    def adults_linked_to_children(self, info: Info,
                                  min_children: Annotated[int, strawberry.argument(description=f"Only adults linked to at least this many children, counted once per family ({RANGES['minChildren']}).")] = 2,
                                  from_: From = None, to: To = None, as_of: AsOf = None,
                                  first: PageFirst = None, after: PageAfter = None) -> pt.LinkedAdultPage:
        _, patterns, present = _patterns(info, as_of)
        within(minChildren=min_children)
        found = page(patterns.adults_linked_to_children(min_children, utc(from_), utc(to)), first, after)
        return presentation.page(pt.LinkedAdultPage, found, [present.linked_adult(x) for x in found.items])

    @strawberry.field(description="The people around a child through association and co-occurrence, up to hops (at most 3) away.")
    def peer_network(self, info: Info, child_id: ChildId,
                     hops: Annotated[int, strawberry.argument(description=f"How many steps out from the child to go ({RANGES['hops']}).")] = 2,
                     as_of: AsOf = None) -> pt.PeerNetwork:
        c, patterns, present = _patterns(info, as_of)
        within(hops=hops)
        return present.peer_network(patterns.peer_network(c.entity_id(child_id), hops))


@strawberry.type
class AccountabilityQuery:
    @strawberry.field(description="What your agency shared, whether each share was acknowledged, and what was done.")
    def my_shares(self, info: Info, first: First = MAX_LIST, after: AfterDecision = None) -> list[at.Share]:
        c = ctx(info)
        c.require("shares")
        found = after_key(sharing.my_shares(c.store, c.principal), lambda x: x[0].id, first, after)
        present = _present(c)
        return [present.share(d, acks) for d, acks in found]

    @strawberry.field(description="Shares nobody has acknowledged, decided more than olderThanHours ago: never assume someone else will act.")
    def awaiting_acknowledgement(self, info: Info,
                                 older_than_hours: Annotated[float, strawberry.argument(description=f"Only shares decided at least this many hours ago ({RANGES['olderThanHours']}).")] = 24,
                                 first: First = MAX_LIST, after: AfterDecision = None) -> list[at.SharingDecision]:
        c = ctx(info)
        c.require("shares")
        within(olderThanHours=older_than_hours)
        found = after_key(sharing.awaiting_acknowledgement(c.store, c.principal, timedelta(hours=older_than_hours)), lambda d: d.id, first, after)
        present = _present(c)
        return [present.decision(d) for d in found]

    @strawberry.field(description="When users of other agencies were shown your agency's flagged assertions.")
    def accesses_to_my_records(self, info: Info, from_: From = None, to: To = None, first: First = MAX_LIST, after: AfterNotification = None) -> list[at.AccessNotification]:
        c = ctx(info)
        c.require("accesses")
        found = after_key(sharing.accesses_to(c.store, c.principal, utc(from_), utc(to)), lambda n: n.id, first, after)
        return [presentation.access_notification(n) for n in found]

    @strawberry.field(description="Auditors: who has been shown this assertion, when, and for what purpose.")
    def access_log(self, info: Info, assertion_id: Annotated[strawberry.ID, strawberry.argument(description="The assertion whose viewers you want.")], as_of: AsOf = None, first: First = MAX_LIST, after: AfterSeq = None) -> list[at.AccessLogEntry]:
        c = ctx(info)
        c.require("audit")
        found = after_key(accounting.access_log(c.store, c.view(as_of), assertion_id), lambda e: str(e["seq"]), first, after)
        return [presentation.access_log_entry(e) for e in found]

    @strawberry.field(description="Auditors: sharing decisions (to share and not to share), filtered by agency, person, lawful basis and outcome.")
    def decisions(self, info: Info,
                  agency: Annotated[Optional[str], strawberry.argument(description="Only decisions from or to this agency.")] = None,
                  person_id: Annotated[Optional[strawberry.ID], strawberry.argument(description="Only decisions about this person: a filter over decisions you may see, not a look-up of the person (an id no decision names gives none).")] = None,
                  lawful_basis: Annotated[Optional[str], strawberry.argument(description="Only decisions on this lawful basis (one of the vocabulary's lawful_bases).")] = None,
                  share: Annotated[Optional[bool], strawberry.argument(description="Only decisions to share (true) or not to share (false); both if not given.")] = None,
                  as_of: AsOf = None, first: First = MAX_LIST, after: AfterDecision = None) -> list[at.SharingDecision]:
        c = ctx(info)
        c.require("audit")
        found = sharing.find_decisions(c.store, c.principal, utc(as_of), agency, c.entity_id(person_id) if person_id else None, lawful_basis, share)
        present = _present(c)
        return [present.decision(d) for d in after_key(found, lambda d: d.id, first, after)]

    @strawberry.field(description="W3C PROV (PROV-JSON) for one assertion and its corrections, or for a person's chronology; assertions your agency may not pass on are left out.")
    def prov_export(self, info: Info,
                    assertion_id: Annotated[Optional[strawberry.ID], strawberry.argument(description="The assertion to export, with its corrections; give this or personId.")] = None,
                    person_id: Annotated[Optional[strawberry.ID], strawberry.argument(description="The person whose chronology to export; give this or assertionId.")] = None,
                    as_of: AsOf = None) -> at.ProvDocument:
        c = ctx(info)
        c.require("export")
        if (assertion_id is None) == (person_id is None):
            raise BadInput("give exactly one of assertionId or personId")
        d = c.disclosure(c.view(as_of))  # what the document says of each assertion, as for any answer
        if assertion_id is not None:
            out = prov_export.assertion_document(c.store, c.principal, d, assertion_id)
        else:
            c.require("chronology")
            out = prov_export.chronology_document(c.store, c.principal, d, c.entity_id(person_id))  # type: ignore[arg-type]
        return Presenter(c.shown, d).prov_document(out)


@strawberry.type(description="Questions: about one person or entity, their chronology and provenance, risk patterns across many children, and who shared and saw what. Each is audited, with what it showed.")
class Query(PatternQuery, AccountabilityQuery):
    @strawberry.field(description="The controlled vocabulary (schema/vocabulary.json): every kind of entity, link and attribute, and the provenance and sharing terms, each with its definition.")
    def vocabulary(self, info: Info) -> vt.Vocabulary:
        ctx(info).require("vocabulary")
        return presentation.vocabulary(vocabulary.as_dict())

    @strawberry.field(description="Who the service thinks you are.")
    def me(self, info: Info) -> types.Me:
        c = ctx(info)
        c.require("me")
        return presentation.me(c.principal)

    @strawberry.field(description="A person (child, adult or professional) with the attributes and links you may see, of every record merged into them for you (`identities`), each with its own provenance.")
    def person(self, info: Info, id: PersonId, as_of: AsOf = None, valid_at: ValidAt = None) -> types.Entity:
        return _entity(info, id, as_of, valid_at, PEOPLE)

    @strawberry.field(description="Any entity: person, agency, context, object or event.")
    def entity(self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="The entity's id.")], as_of: AsOf = None, valid_at: ValidAt = None) -> types.Entity:
        return _entity(info, id, as_of, valid_at)

    @strawberry.field(description="People matching every criterion given: name (part of any recorded name, any case), date of birth, agency identifier (SCHEME:VALUE).")
    def search_people(
        self, info: Info,
        name: Annotated[Optional[str], strawberry.argument(description="Part of any recorded name, any case, at least two characters.")] = None,
        date_of_birth: Annotated[Optional[str], strawberry.argument(description="The date of birth exactly as recorded, e.g. 2012-05-14.")] = None,
        identifier: Annotated[Optional[str], strawberry.argument(description="An agency identifier exactly as recorded (SCHEME:VALUE, e.g. NHS:9990001234).")] = None,
        first: PageFirst = None, after: PageAfter = None, as_of: AsOf = None,
    ) -> types.EntityPage:
        c = ctx(info)
        c.require("searchPeople")
        view = c.view(as_of)
        return _entity_page(c, view, search.people(c.store, c.principal, view, name, date_of_birth, identifier), first, after)

    @strawberry.field(description="Entities of any kind (people, places, groups, phones, vehicles, events, agencies) matching every criterion given, by id. Analysts without the identity authorisation may search only by values they are shown as recorded: not by identifier, nor by the names of people, phones, vehicles or addresses.")
    def search_entities(
        self, info: Info,
        kind: Annotated[Optional[str], strawberry.argument(description="One kind of entity (the vocabulary's entityKinds); without it, every kind you may search by these criteria.")] = None,
        text: Annotated[Optional[str], strawberry.argument(description="Part of any recorded name, any case, at least two characters: a person's name, a vehicle's registration, a phone's number, a venue's or address's name.")] = None,
        identifier: Annotated[Optional[str], strawberry.argument(description="An agency identifier, exactly as recorded (SCHEME:VALUE, e.g. VRM:ZZ19 KXT).")] = None,
        first: PageFirst = None, after: PageAfter = None, as_of: AsOf = None,
    ) -> types.EntityPage:
        c = ctx(info)
        c.require("searchEntities")
        view = c.view(as_of)
        return _entity_page(c, view, search.entities(c.store, c.principal, view, kind, text, identifier), first, after)

    @strawberry.field(description="A person's merged multi-agency chronology, oldest first, over every record merged into them for you (`identities`).")
    def chronology(
        self, info: Info, person_id: PersonId, from_: From = None,
        to: To = None, as_of: AsOf = None, first: PageFirst = None, after: PageAfter = None,
    ) -> types.ChronologyPage:
        c = ctx(info)
        c.require("chronology")
        view = c.view(as_of)
        entries = chron.chronology(c.store, view, c.entity_id(person_id), utc(from_), utc(to))
        return _present(c, view).chronology(person_id, page(entries, first, after))

    @strawberry.field(description="Where an assertion came from: recorder, agency, source record, method, grading, corrections, and other agencies' corroborating or contradicting assertions.")
    def provenance(self, info: Info, assertion_id: Annotated[strawberry.ID, strawberry.argument(description="The assertion to trace.")], as_of: AsOf = None) -> types.Provenance:
        c = ctx(info)
        c.require("provenance")
        trace = prov.trace(c.store, c.view(as_of), assertion_id)
        decisions = sharing.visible_decisions(c.store, c.principal, utc(as_of), assertion_id)
        now = c.view()  # shown, and asked whether only a share lets it be seen, as the caller sees it now
        return _present(c, now).provenance(trace, decisions, prov.reached_hub_via(trace.assertion, decisions, now))


@strawberry.type(description="Changes: recording assertions, correcting and retracting them, and sharing decisions and their acknowledgements. Each is audited.")
class Mutation:
    @strawberry.mutation(description="Record a batch of records (the import record format) atomically. Your agency and identity come from your token; without a scope a record is visible to your agency only.")
    def record_assertions(self, info: Info,
                          records: Annotated[list[JSON], strawberry.argument(description=f"The records, each a JSON object in the import record format (schema/record.schema.json): at most {writing.MAX_BATCH}, all written or none.")]) -> types.RecordResult:
        c = ctx(info)
        c.require("record")
        written = writing.record(c.store, c.principal, list(records))
        return _present(c).records(written)

    @strawberry.mutation(description="Correct one of your agency's assertions: a new assertion that supersedes it.")
    def correct_assertion(
        self, info: Info,
        assertion_id: Annotated[strawberry.ID, strawberry.argument(description="The assertion to correct: one your agency recorded.")],
        value: Annotated[Optional[JSON], strawberry.argument(description="The right value, for an attribute; give this or object.")] = None,
        object: Annotated[Optional[strawberry.ID], strawberry.argument(description="The right linked entity's id, for a link; give this or value.")] = None,
        source_ref: SourceRef = None,
        method: Annotated[Optional[str], strawberry.argument(description=f"How the right information was obtained ({either(vocabulary.METHODS)}); the corrected assertion's if not given.")] = None,
        status: Annotated[Optional[str], strawberry.argument(description=f"Whether the correction is {either(vocabulary.STATUSES)}; the corrected assertion's if not given.")] = None,
    ) -> types.Assertion:
        c = ctx(info)
        c.require("record")
        return _present(c).assertion(writing.correct(c.store, c.principal, assertion_id, value, object, source_ref, method, status))

    @strawberry.mutation(description="Record a decision to share or not to share. A share widens the assertions' visibility to exactly its recipients; a decision not to share changes no visibility but is kept for auditors.")
    def record_sharing_decision(self, info: Info, decision: Annotated[at.SharingDecisionInput, strawberry.argument(description="The decision and its reasons.")]) -> at.SharingDecision:
        c = ctx(info)
        c.require("decide")
        d = decision
        made = sharing.record_decision(c.store, c.principal, sharing.DecisionInput(
            share=d.share, assertion_ids=[str(i) for i in d.assertion_ids], to_agency=d.to_agency, purpose=d.purpose,
            lawful_basis=d.lawful_basis, consent=d.consent, person_informed=d.person_informed, reasons=d.reasons,
            to_team=d.to_team, to_professional=d.to_professional, consent_reason=d.consent_reason,
            not_informed_reason=d.not_informed_reason, handling=d.handling, person_id=str(d.person_id) if d.person_id else None,
        ))
        return _present(c).decision(made)

    @strawberry.mutation(description="Acknowledge a share made to you: received, understood, and the action taken or planned.")
    def acknowledge(
        self, info: Info,
        decision_id: Annotated[strawberry.ID, strawberry.argument(description="The share you are answering (its decision id).")],
        received: Annotated[bool, strawberry.argument(description="Whether you received the information.")],
        understood: Annotated[bool, strawberry.argument(description="Whether you understood it.")],
        action: Annotated[str, strawberry.argument(description=f"What you did: {either(vocabulary.ACTIONS)}.")],
        text: Annotated[str, strawberry.argument(description="What was done, or is planned and when, or why nothing will be done: required when the action is planned or none.")] = "",
    ) -> at.Acknowledgement:
        c = ctx(info)
        c.require("acknowledge")
        return presentation.acknowledgement(sharing.acknowledge(c.store, c.principal, decision_id, received, understood, action, text))

    @strawberry.mutation(description="Retract one of your agency's assertions, saying why.")
    def retract_assertion(self, info: Info,
                          assertion_id: Annotated[strawberry.ID, strawberry.argument(description="The assertion to retract: one your agency recorded.")],
                          reason: Annotated[str, strawberry.argument(description="Why it is withdrawn.")],
                          source_ref: SourceRef = None) -> types.Assertion:
        c = ctx(info)
        c.require("record")
        return _present(c).assertion(writing.retract(c.store, c.principal, assertion_id, reason, source_ref))

    @strawberry.mutation(description="Record that two records are of the same person: a same_person_as link (method confirmed_by_practitioner, visible to your agency), the reason as its evidence. Undo it with retractAssertion.")
    def confirm_same_person(self, info: Info, a: RecordA, b: RecordB, reason: Reason) -> types.Assertion:
        c = ctx(info)
        c.require("record")
        return _present(c).assertion(writing.same_person(c.store, c.principal, c.entity_id(a), c.entity_id(b), reason, same=True))

    @strawberry.mutation(description="Record that two records are of different people: a not_same_person link (method confirmed_by_practitioner, visible to your agency), the reason as its evidence; no same_person_as you see joins them then. Undo it with retractAssertion.")
    def reject_same_person(self, info: Info, a: RecordA, b: RecordB, reason: Reason) -> types.Assertion:
        c = ctx(info)
        c.require("record")
        return _present(c).assertion(writing.same_person(c.store, c.principal, c.entity_id(a), c.entity_id(b), reason, same=False))


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
