"""Presenting domain objects as GraphQL output types, and collecting what was shown.

Every assertion that leaves the service goes through `Presenter.assertion`, which applies the
caller's disclosure rules (disclosure.py) and notes it in the request's `Shown`
(accounting.py), as does every assertion id an answer shows; the HTTP layer accounts for the
request from that. The output types (types.py and its siblings) know nothing of either.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Iterable, Optional, TypeVar

import strawberry

from .. import chronology as chron
from .. import identity, model, time_limit
from .. import patterns as p
from .. import provenance as prov
from ..accounting import Shown
from ..disclosure import Disclosure
from ..paging import Page, after_key, capped
from ..principal import Principal
from ..prov_export import ProvExport
from ..vocabulary import KIND
from . import accountability_types as at
from . import pattern_types as pt
from . import types
from . import vocabulary_types as vt

ID = strawberry.ID
P = TypeVar("P")


def page_info(found: Page[Any]) -> types.PageInfo:
    return types.PageInfo(end_cursor=found.end_cursor, has_next_page=found.has_next, start_cursor=found.start_cursor, has_previous_page=found.has_previous)


def page(kind: type[P], found: Page[Any], items: list[Any]) -> P:
    """One page of `kind` (EntityPage, SharedContextPage, ...): its items, how many there are, where it ends."""
    return kind(total_count=found.total, items=items, page_info=page_info(found))  # type: ignore[call-arg]


@dataclass(frozen=True)
class Presenter:
    """Presents one answer's domain objects as the caller may see them under one disclosure
    (its view, its pseudonyms), noting what they show in `shown`."""

    shown: Shown
    disclosure: Disclosure

    def assertion(self, a: model.Assertion) -> types.Assertion:
        time_limit.check()
        self.shown.hold((a,))
        x = self.disclosure.assertion(a)
        return types.Assertion(
            id=ID(x.id), subject=x.subject, predicate=x.predicate, object=x.object, value=x.value,
            role=x.role, valid_from=x.valid_from, valid_to=x.valid_to, recorded_at=x.recorded_at,
            recorded_by=x.recorded_by, agency=x.agency, source_ref=x.source_ref, method=x.method,
            status=x.status, source_reliability=x.source_reliability,
            information_confidence=x.information_confidence, scope=x.scope, handling=x.handling,
            supersedes=x.supersedes, retraction=x.retraction,
        )

    def assertions(self, found: Iterable[model.Assertion]) -> list[types.Assertion]:
        return [self.assertion(a) for a in found]

    def ids(self, assertion_ids: tuple[str, ...]) -> list[strawberry.ID]:
        """The first MAX_LIST of the ids (the field's count beside it says how many), noted as shown."""
        shown = capped(assertion_ids)
        self.shown.note(shown)
        return [ID(i) for i in shown]

    def public_id(self, entity_id: str) -> strawberry.ID:
        return ID(self.disclosure.public_id(entity_id))

    def ref(self, entity_id: str) -> types.EntityRef:
        """Another entity: its kind and label are looked up, if asked for, with those of every
        entity the answer mentions (Disclosure.mention)."""
        self.disclosure.mention(entity_id)
        return types.EntityRef(id=self.public_id(entity_id), naming=self.disclosure, entity_id=entity_id)

    def refs(self, entity_ids: list[str]) -> list[types.EntityRef]:
        """The first MAX_LIST of the entities (the field's count beside it says how many)."""
        return [self.ref(x) for x in capped(entity_ids)]

    def person(self, entity_id: str) -> pt.PersonRef:
        """A person in a pattern's answer, named by one of their records: as ref(), with the
        records merged into them (identity.records), read only if the query asks for them."""
        self.disclosure.mention(entity_id)
        return pt.PersonRef(id=self.public_id(entity_id), naming=self.disclosure, entity_id=entity_id, merged=lambda: self.identities(entity_id))

    def identities(self, entity_id: str) -> list[types.Identity]:
        """The records merged into this person for the caller (identity.records), the first MAX_LIST."""
        d = self.disclosure
        return [self.identity(r, kind) for r, kind in capped(identity.records(d.store, d.view, entity_id))]

    def persons(self, entity_ids: list[str]) -> list[pt.PersonRef]:
        """The first MAX_LIST of the persons (the field's count beside it says how many)."""
        return [self.person(x) for x in capped(entity_ids)]

    def entity(self, e: model.Entity) -> types.Entity:
        """An entity read under this disclosure's view; its attributes and links are built
        when the query asks for them (EntityParts)."""
        time_limit.check()
        d = self.disclosure
        d.learn(e)
        self.shown.hold(a for a in e.assertions if a.predicate == KIND)
        return types.Entity(id=self.public_id(e.id), kind=e.kind, label=d.label(e.id), parts=EntityParts(self, e))

    def identity(self, record: str, kind: model.Assertion) -> types.Identity:
        """A record of a person, with the agency of the assertion of its kind (held as shown)."""
        self.shown.hold((kind,))
        return types.Identity(record=self.ref(record), agency=kind.agency)

    def records(self, written: list[model.Assertion]) -> types.RecordResult:
        return types.RecordResult(written=len(written), assertions=self.assertions(capped(written)))

    def chronology(self, person_id: strawberry.ID, found: Page[chron.ChronologyEntry]) -> types.ChronologyPage:
        return types.ChronologyPage(person_id=person_id, total_count=found.total, items=[self.chronology_entry(e) for e in found.items], page_info=page_info(found))

    def chronology_entry(self, e: chron.ChronologyEntry) -> types.ChronologyEntry:
        return types.ChronologyEntry(
            event_id=self.public_id(e.event_id), kind=e.kind, occurred_on=e.occurred_on, ended_on=e.ended_on,
            agency=e.agency, source_ref=e.source_ref, recorded_by=e.recorded_by, status=e.status,
            is_fact=e.status == "fact", role=e.role, summary=e.summary, action_taken=e.action_taken,
            outcome=e.outcome, assertion_ids=self.ids(e.assertion_ids), assertion_count=len(e.assertion_ids),
        )

    def provenance(self, t: prov.Trace, decisions: list[model.SharingDecision], reached_hub_via: str) -> types.Provenance:
        a = t.assertion
        return types.Provenance(
            assertion=self.assertion(a), recorded_by=a.recorded_by, agency=a.agency, source_ref=a.source_ref,
            method=a.method, status=a.status, source_reliability=a.source_reliability,
            information_confidence=a.information_confidence,
            reached_hub_via=reached_hub_via, shared_via=[self.decision(d) for d in capped(decisions)],
            current=t.current, supersedes=self.assertion(t.supersedes) if t.supersedes else None,
            superseded_by=self.assertions(capped(t.superseded_by)),
            corroborated_by=self.assertions(capped(t.corroborated_by)),
            contradicted_by=self.assertions(capped(t.contradicted_by)),
            superseded_by_count=len(t.superseded_by), corroborated_by_count=len(t.corroborated_by),
            contradicted_by_count=len(t.contradicted_by), shared_via_count=len(decisions),
        )

    # -- accountability

    def decision(self, d: model.SharingDecision) -> at.SharingDecision:
        return at.SharingDecision(
            id=ID(d.id), share=d.share, assertion_ids=[ID(i) for i in capped(d.assertion_ids)], assertion_count=len(d.assertion_ids), from_agency=d.from_agency,
            decided_by=d.decided_by, to_agency=d.to_agency, to_team=d.to_team, to_professional=d.to_professional,
            purpose=d.purpose, lawful_basis=d.lawful_basis, consent=d.consent, consent_reason=d.consent_reason,
            person_informed=d.person_informed, not_informed_reason=d.not_informed_reason, handling=d.handling,
            reasons=d.reasons, decided_at=d.decided_at, person_id=self.public_id(d.person_id) if d.person_id else None,
        )

    def share(self, d: model.SharingDecision, acks: list[model.Acknowledgement]) -> at.Share:
        return at.Share(decision=self.decision(d), acknowledged=bool(acks), acknowledgements=[acknowledgement(a) for a in capped(acks)],
                        acknowledgement_count=len(acks))

    def prov_document(self, out: ProvExport) -> at.ProvDocument:
        self.shown.note(out.shown)
        return at.ProvDocument(prov_json=out.document, included=out.included, withheld=out.withheld)

    # -- risk patterns: people as EntityRefs, each item with the assertion ids it rests on

    def shared_context(self, s: p.SharedContext) -> pt.SharedContext:
        return pt.SharedContext(
            context=self.ref(s.context), children=self.persons(s.children), child_count=len(s.children),
            unrelated_children=s.unrelated_children,
            links=[pt.ContextLink(child=self.ref(l.child), how=l.how, when=l.when, agency=l.agency, assertion_ids=self.ids(l.assertion_ids),
                                  assertion_count=l.assertion_count, sightings=l.sightings, last_seen=l.last_seen) for l in capped(s.links)],
            link_count=len(s.links),
            first_seen=s.first_seen, last_seen=s.last_seen, agency_count=s.agencies,
        )

    def missing_episode(self, e: p.Episode) -> pt.MissingEpisode:
        return pt.MissingEpisode(
            id=self.public_id(e.id), child=self.ref(e.child), episode_type=e.episode_type, last_seen=e.started, found_or_returned=e.ended,
            duration_hours=e.duration_hours, found_at=self.refs(e.found_at), found_with=self.refs(e.found_with),
            found_at_count=len(e.found_at), found_with_count=len(e.found_with), assertion_count=len(e.assertion_ids),
            police_reference=e.police_reference, risk_grade=e.risk_grade, rhi_offered=e.rhi_offered, rhi_accepted=e.rhi_accepted,
            rhi_completed=e.rhi_completed, rhi_within_72_hours=e.rhi_within_72h, rhi_reason_none=e.rhi_reason_none,
            assertion_ids=self.ids(e.assertion_ids),
        )

    def missing_history(self, h: p.MissingHistory) -> pt.MissingHistory:
        return pt.MissingHistory(
            child=self.person(h.child), episodes=[self.missing_episode(e) for e in capped(h.episodes)], episode_count=len(h.episodes),
            last_30_days=h.last_30_days, last_90_days=h.last_90_days, last_365_days=h.last_365_days,
            median_duration_hours=h.median_hours, longest_duration_hours=h.longest_hours,
            places_found_more_than_once=self.refs(h.places_found_more_than_once),
            people_found_with_more_than_once=self.refs(h.people_found_with_more_than_once),
            places_found_more_than_once_count=len(h.places_found_more_than_once),
            people_found_with_more_than_once_count=len(h.people_found_with_more_than_once),
        )

    def repeat_missing(self, r: p.RepeatMissing) -> pt.RepeatMissingChild:
        return pt.RepeatMissingChild(child=self.person(r.child), episodes=r.episodes, earlier_half=r.earlier_half, later_half=r.later_half, trend=r.trend,
                                     first=r.first, last=r.last, assertion_ids=self.ids(r.assertion_ids), assertion_count=len(r.assertion_ids))

    def co_missing(self, m: p.CoMissing) -> pt.CoMissingChild:
        return pt.CoMissingChild(child=self.person(m.child), reason_count=len(m.reasons), reasons=[
            pt.CoMissingReason(reason=r.reason, episode=self.public_id(r.episode), other_episode=self.public_id(r.other_episode),
                               via=self.ref(r.via) if r.via else None, assertion_ids=self.ids(unique), assertion_count=len(unique))
            for r in capped(m.reasons) for unique in [tuple(dict.fromkeys(r.assertion_ids))]
        ])

    def linked_adult(self, a: p.LinkedAdult) -> pt.LinkedAdult:
        return pt.LinkedAdult(adult=self.person(a.adult), children=self.persons(a.children), child_count=len(a.children), unrelated_children=a.unrelated_children,
                              link_count=len(a.links), links=[
            pt.AdultLink(child=self.ref(l.child), how=l.how, when=l.when, via=self.ref(l.via) if l.via else None, assertion_ids=self.ids(l.assertion_ids),
                         assertion_count=len(l.assertion_ids), sightings=l.sightings, last_seen=l.last_seen or l.when)
            for l in capped(a.links)
        ])

    def peer_network(self, n: p.PeerNetwork) -> pt.PeerNetwork:
        d = self.disclosure
        labels = {m.id: d.label(m.id) or d.public_id(m.id) for m in n.members}
        return pt.PeerNetwork(
            child=self.ref(n.child), hops=n.hops,
            members=[pt.PeerMember(person=self.person(m.id), degree_centrality=m.degree_centrality, betweenness=m.betweenness) for m in capped(n.members)],
            member_count=len(n.members),
            edges=[pt.PeerEdge(source=self.ref(e.source), target=self.ref(e.target), how=e.how, agency=e.agency, handling=e.handling,
                               assertion_ids=self.ids(e.assertion_ids), assertion_count=len(e.assertion_ids), sightings=e.sightings) for e in capped(n.edges)],
            edge_count=len(n.edges),
            components=[self.refs(comp) for comp in capped(n.components)], component_count=len(n.components),
            component_sizes=[len(comp) for comp in capped(n.components)],
            graphml=n.graphml(labels, d.principal.agency, d.public_id),
        )


def _id(a: model.Assertion) -> str:
    return a.id


def _first_id(link: tuple[types.Direction, model.Assertion]) -> str:
    return link[1].id


class EntityParts:
    """An entity's attributes and links (types.EntityParts), from its read, built when the query asks for them."""

    def __init__(self, present: Presenter, entity: model.Entity):
        self.present = present
        self.entity = entity

    @cached_property
    def _attributes(self) -> list[model.Assertion]:
        return self.entity.attributes

    @cached_property
    def _links(self) -> list[tuple[types.Direction, model.Assertion]]:
        """The entity's distinct links (the store keeps a link recorded again once, with its
        Sightings: model.Entity), out then in."""
        OUT, IN = types.Direction.OUT, types.Direction.IN
        return [(direction, a) for direction, group in ((OUT, self.entity.links), (IN, self.entity.incoming))
                for a in group if (a.object if direction is OUT else a.subject) is not None]

    def attributes(self, first: int, after: Optional[str]) -> list[types.Assertion]:
        return self.present.assertions(after_key(self._attributes, _id, first, after))

    def attribute_count(self) -> int:
        return len(self._attributes)

    def links(self, first: int, after: Optional[str]) -> list[types.Link]:
        """Distinct links, each shown by its first assertion, with its sightings
        (model.Entity.sightings) when recorded more than once."""
        out = []
        for direction, a in after_key(self._links, _first_id, first, after):
            seen = self.entity.sightings.get(a.id)
            when = model.moment(a)
            out.append(types.Link(
                predicate=a.predicate, role=a.role, direction=direction,
                other=self.present.ref((a.object if direction is types.Direction.OUT else a.subject)),  # type: ignore[arg-type]
                assertion=self.present.assertion(a), sightings=seen.count if seen else 1,
                first_seen=seen.first_seen if seen else when, last_seen=seen.last_seen if seen else when,
                shown_ids=seen.assertion_ids if seen else (a.id,), shown=self.present,
            ))
        return out

    def link_count(self) -> int:
        return len(self._links)

    def identities(self) -> list[types.Identity]:
        return self.present.identities(self.entity.id)


# -- what needs no disclosure


def me(principal: Principal) -> types.Me:
    return types.Me(subject=principal.subject, agency=principal.agency, roles=sorted(principal.roles), auths=capped(sorted(principal.auths)),
                    auth_count=len(principal.auths), purpose=principal.purpose, pseudonymous=principal.pseudonymous)


def acknowledgement(a: model.Acknowledgement) -> at.Acknowledgement:
    return at.Acknowledgement(id=ID(a.id), decision_id=ID(a.decision_id), agency=a.agency, by=a.by, received=a.received,
                              understood=a.understood, action=a.action, text=a.text, at=a.at)


def access_notification(n: model.AccessNotification) -> at.AccessNotification:
    return at.AccessNotification(id=ID(n.id), assertion_id=ID(n.assertion_id), viewer=n.viewer, viewer_agency=n.viewer_agency, purpose=n.purpose, at=n.at)


def access_log_entry(e: dict[str, Any]) -> at.AccessLogEntry:
    return at.AccessLogEntry(seq=e["seq"], at=model.parse_time(e["at"]), subject=e["subject"], agency=e["agency"], roles=capped(list(e["roles"])),
                             purpose=e["purpose"], operation=e["operation"], outcome=e["outcome"])


def vocabulary(data: dict[str, Any]) -> vt.Vocabulary:
    """The vocabulary (vocabulary.as_dict), in its order."""
    def terms(section: str) -> list[vt.Term]:
        return [vt.Term(name=name, definition=definition) for name, definition in data[section].items()]

    return vt.Vocabulary(
        entity_kinds=[vt.EntityKindTerm(name=name, definition=k["definition"], category=k["category"]) for name, k in data["entity_kinds"].items()],
        links=[vt.LinkTerm(name=name, definition=x["definition"], subjects=x["subjects"], objects=x["objects"], roles=x.get("roles", []),
                           functional=x.get("functional", False), symmetric=x.get("symmetric", False)) for name, x in data["links"].items()],
        attributes=[vt.AttributeTerm(name=name, definition=x["definition"], subjects=x["subjects"], value_type=x["value_type"],
                                     choices=x.get("choices", []), functional=x.get("functional", False)) for name, x in data["attributes"].items()],
        methods=terms("methods"), epistemic_statuses=terms("epistemic_statuses"), source_reliability=terms("source_reliability"),
        information_confidence=terms("information_confidence"), handling_conditions=terms("handling_conditions"),
        lawful_bases=terms("lawful_bases"), consent=terms("consent"), acknowledgement_actions=terms("acknowledgement_actions"),
        involvement_roles=list(data["involvement_roles"]), family_roles=list(data["family_roles"]),
    )
