"""The controlled vocabulary: every kind of entity, link, attribute and provenance term.

Serious case reviews keep finding agencies using the same word for different things;
every term here carries a plain-language definition, exported as schema/vocabulary.json.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Term:
    name: str
    definition: str


@dataclass(frozen=True)
class EntityKind(Term):
    category: str  # person | agency | context | object | event


@dataclass(frozen=True)
class Predicate(Term):
    """A kind of assertion. Links have `objects` (entity kinds); attributes have `value_type`."""

    subjects: frozenset[str]
    objects: frozenset[str] = frozenset()
    value_type: str | None = None  # text | date | datetime | bool | enum
    choices: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()  # allowed qualifiers on a link (e.g. victim, suspect)
    functional: bool = False  # one true value at a time: a different value contradicts
    symmetric: bool = False

    @property
    def is_link(self) -> bool:
        return bool(self.objects)


def _kinds(category: str, *pairs: tuple[str, str]) -> list[EntityKind]:
    return [EntityKind(name, definition, category) for name, definition in pairs]


ENTITY_KINDS: dict[str, EntityKind] = {
    k.name: k
    for k in [
        *_kinds(
            "person",
            ("child", "A person under 18 about whom agencies hold information."),
            ("adult", "A person aged 18 or over who is not acting as a professional: a parent, carer, relative or other adult known to agencies."),
            ("professional", "A practitioner who records information on behalf of an agency."),
        ),
        *_kinds(
            "agency",
            ("agency", "An organisation that holds and shares information: police force, children's social care, NHS trust or GP, school, youth justice, housing, probation, voluntary sector."),
        ),
        *_kinds(
            "context",
            ("address", "A dwelling or other postal address where people live or stay."),
            ("venue", "A non-residential place where people gather: a shop, takeaway, hotel, party house, gym."),
            ("park", "An open public space: a park, playground, recreation ground or similar."),
            ("school", "A school, college, alternative provision or pupil referral unit."),
            ("transport_route", "A bus route, train line, station or similar route people travel along or gather at."),
            ("peer_group", "A named or recognised group of young people who spend time together."),
            ("online_group", "A group chat, social-media group or online space where people interact."),
        ),
        *_kinds(
            "object",
            ("phone", "A mobile phone or phone number, as used by one or more people."),
            ("vehicle", "A vehicle, identified by its registration, as used by one or more people."),
        ),
        *_kinds(
            "event",
            ("missing_episode", "A period when a child's whereabouts were unknown (missing) or known but not where expected (away without authorisation)."),
            ("incident", "Something that happened and was reported to an agency: an assault, a disturbance, a concern raised."),
            ("contact", "A contact or referral made to children's social care or the MASH about a child."),
            ("hospital_attendance", "A child's attendance at an emergency department or admission to hospital."),
            ("school_move", "A child moving school, being excluded, or leaving education."),
            ("placement_move", "A looked-after child moving placement or area."),
            ("arrest", "The arrest of a person."),
            ("strategy_meeting", "A multi-agency strategy meeting or discussion about a child."),
        ),
    ]
}

CATEGORIES: dict[str, frozenset[str]] = {
    category: frozenset(k.name for k in ENTITY_KINDS.values() if k.category == category)
    for category in ("person", "agency", "context", "object", "event")
}
PEOPLE = CATEGORIES["person"]
CONTEXTS = CATEGORIES["context"]
OBJECTS = CATEGORIES["object"]
EVENTS = CATEGORIES["event"]
ANY = frozenset(ENTITY_KINDS)
PLACES = CONTEXTS - {"peer_group", "online_group"}
# What a child can be linked to, and by which predicates (besides an episode's found_at), in the
# shared-contexts pattern.
CONTEXT_KINDS = CONTEXTS | OBJECTS
CONTEXT_LINKS = ("lives_at", "attends", "seen_at", "member_of", "owns_uses")

INVOLVEMENT_ROLES = ("victim", "suspect", "witness", "subject", "reporter", "attendee")
FAMILY_ROLES = ("parent", "child", "sibling", "carer", "relative", "partner")

# The kind of an entity is itself an assertion, so that an entity nobody may see leaves no trace.
KIND = "kind"

PREDICATES: dict[str, Predicate] = {
    p.name: p
    for p in [
        Predicate(KIND, "What kind of entity this is (see the entity kinds).", ANY, value_type="enum", choices=tuple(ENTITY_KINDS), functional=True),
        # links
        Predicate("lives_at", "The person lives or stays at the address.", PEOPLE, frozenset({"address"})),
        Predicate("attends", "The child attends or is on the roll of the school.", PEOPLE, frozenset({"school"})),
        Predicate("seen_at", "The person was seen at the place.", PEOPLE, PLACES),
        Predicate("member_of", "The person is part of the peer group or online group.", PEOPLE, frozenset({"peer_group", "online_group"})),
        Predicate("found_at", "Where a missing child was found or returned to.", frozenset({"missing_episode"}), PLACES),
        Predicate("found_with", "Who a missing child was with when found.", frozenset({"missing_episode"}), PEOPLE),
        Predicate("associates_with", "The two people spend time together or are in contact.", PEOPLE, PEOPLE, symmetric=True),
        Predicate("family_member_of", "The two people are related or in a caring relationship; the role says how the subject relates to the object.", PEOPLE, PEOPLE, roles=FAMILY_ROLES, symmetric=True),
        Predicate("owns_uses", "The person owns or uses the phone or vehicle.", PEOPLE, OBJECTS),
        Predicate("involved_in", "The person was involved in the event, in the given role.", PEOPLE, EVENTS, roles=INVOLVEMENT_ROLES),
        Predicate("occurred_at", "Where the event happened.", EVENTS, PLACES),
        Predicate("works_for", "The professional works for the agency.", frozenset({"professional"}), frozenset({"agency"})),
        # identity: agencies' records of one person (identity.py); each may carry a match value (IDENTITY_VALUE)
        Predicate("same_person_as", "The two records, held by the same or different agencies, are of the same person.", PEOPLE, PEOPLE, symmetric=True),
        Predicate("not_same_person", "The two records are of different people: a match considered and rejected.", PEOPLE, PEOPLE, symmetric=True),
        Predicate("possibly_same_person", "The two records may be of the same person: a candidate match waiting for a practitioner to confirm or reject it.", PEOPLE, PEOPLE, symmetric=True),
        # attributes
        Predicate("name", "A name the entity is known by.", ANY, value_type="text"),
        Predicate("date_of_birth", "The person's date of birth.", PEOPLE, value_type="date", functional=True),
        Predicate("gender", "The person's recorded gender.", PEOPLE, value_type="text", functional=True),
        Predicate("identifier", "An agency identifier for the entity (written SCHEME:VALUE, e.g. NHS:9990001234).", ANY, value_type="text"),
        Predicate("looked_after", "Whether the child is looked after by the local authority.", frozenset({"child"}), value_type="bool", functional=True),
        Predicate("agency_type", "The sector an agency belongs to.", frozenset({"agency"}), value_type="enum", choices=("police", "childrens_social_care", "health", "education", "youth_justice", "housing", "probation", "voluntary"), functional=True),
        Predicate("description", "A short description of the entity (a place, object or group).", ANY, value_type="text"),
        Predicate("occurred_on", "When the event happened or began.", EVENTS, value_type="datetime", functional=True),
        Predicate("ended_on", "When the event ended (for a missing episode: when the child was found or returned).", EVENTS, value_type="datetime", functional=True),
        Predicate("summary", "What happened, in the recorder's words.", EVENTS, value_type="text"),
        Predicate("action_taken", "What the agency did in response, or why nothing was done.", EVENTS, value_type="text"),
        Predicate("episode_type", "Whether the child was missing or away without authorisation.", frozenset({"missing_episode"}), value_type="enum", choices=("missing", "away_without_authorisation"), functional=True),
        Predicate("police_reference", "The police force's reference for the episode or incident.", EVENTS, value_type="text", functional=True),
        Predicate("risk_grade", "The risk grade given to a missing episode by the police.", frozenset({"missing_episode"}), value_type="enum", choices=("no_apparent_risk", "low", "medium", "high"), functional=True),
        Predicate("rhi_offered_on", "When a return home interview was offered.", frozenset({"missing_episode"}), value_type="datetime", functional=True),
        Predicate("rhi_accepted", "Whether the child accepted the return home interview.", frozenset({"missing_episode"}), value_type="bool", functional=True),
        Predicate("rhi_completed_on", "When the return home interview took place (due within 72 hours of return).", frozenset({"missing_episode"}), value_type="datetime", functional=True),
        Predicate("rhi_reason_none", "Why no return home interview was held.", frozenset({"missing_episode"}), value_type="text", functional=True),
        Predicate("outcome", "The decision or outcome recorded for a contact, referral or meeting.", EVENTS, value_type="text"),
    ]
}

LINKS = frozenset(p.name for p in PREDICATES.values() if p.is_link)
# Links that may carry a value: {"probability": 0..1, "evidence": {...}} (ingest checks the shape).
VALUED_LINKS = frozenset({"same_person_as", "not_same_person", "possibly_same_person"})
# The links identity.py resolves persons by: one merges two records, the other forbids it.
SAME_PERSON, NOT_SAME_PERSON = "same_person_as", "not_same_person"
ATTRIBUTES = frozenset(p.name for p in PREDICATES.values() if not p.is_link)
# Predicates pattern queries look up by time (GraphStore.dated), at each assertion's model.moment.
DATED = frozenset(p for p in LINKS if p not in ("works_for", "occurred_at")) | {"occurred_on"}

METHODS: dict[str, str] = {
    "observed": "Seen or heard first-hand by the recorder.",
    "self_reported": "Said by the person the information is about.",
    "third_party": "Said by someone else: a relative, neighbour, another professional.",
    "document": "Taken from a document or another agency's record.",
    "inferred": "Worked out by the recorder or an analyst from other information.",
    "matched_probabilistic": "Two records judged to be of the same person by probabilistic record linkage, from how closely their names, dates of birth, identifiers and addresses agree.",
    "confirmed_by_practitioner": "A practitioner looked at both records and decided whether they are of the same person.",
    "shared_identifier": "Two records found to be of the same person because they carry the same identifier (an NHS number, UPN or PNC id).",
}

STATUSES: dict[str, str] = {
    "fact": "Verifiable and verified information.",
    "opinion": "A view held by the recorder or another person, not verified.",
    "allegation": "A claim that something happened, not yet proven.",
    "professional_judgement": "A professional's assessment based on their expertise and the information they hold.",
}

# UK police 3x5x2 grading: source evaluation 1-3, intelligence assessment A-E.
SOURCE_RELIABILITY: dict[str, str] = {
    "1": "Reliable: the source has proven reliable.",
    "2": "Untested: the source's reliability is not known.",
    "3": "Not reliable: there are doubts about the source.",
}
INFORMATION_CONFIDENCE: dict[str, str] = {
    "A": "Known to be true without reservation.",
    "B": "Known personally to the source but not to the recorder.",
    "C": "Not known personally to the source but corroborated.",
    "D": "Cannot be judged.",
    "E": "Suspected to be false or malicious.",
}

HANDLING: dict[str, str] = {
    "permitted": "May be shared onward with another agency under a recorded sharing decision.",
    "originator_consent": "Not to be passed on without the originating agency's consent.",
    "no_onward_sharing": "Never to be passed on beyond the agencies it was shared with.",
}
DEFAULT_HANDLING = "originator_consent"


def as_dict() -> dict[str, Any]:
    """The vocabulary as plain data: the content of schema/vocabulary.json."""

    def predicate(p: Predicate) -> dict[str, Any]:
        out: dict[str, Any] = {"definition": p.definition, "subjects": sorted(p.subjects)}
        if p.is_link:
            out["objects"] = sorted(p.objects)
        else:
            out["value_type"] = p.value_type
        if p.choices:
            out["choices"] = list(p.choices)
        if p.roles:
            out["roles"] = list(p.roles)
        if p.functional:
            out["functional"] = True
        if p.symmetric:
            out["symmetric"] = True
        return out

    return {
        "entity_kinds": {k.name: {"category": k.category, "definition": k.definition} for k in ENTITY_KINDS.values()},
        "links": {n: predicate(p) for n, p in PREDICATES.items() if p.is_link},
        "attributes": {n: predicate(p) for n, p in PREDICATES.items() if not p.is_link},
        "methods": METHODS,
        "epistemic_statuses": STATUSES,
        "source_reliability": SOURCE_RELIABILITY,
        "information_confidence": INFORMATION_CONFIDENCE,
        "handling_conditions": HANDLING,
        "lawful_bases": LAWFUL_BASES,
        "consent": CONSENT,
        "acknowledgement_actions": ACTIONS,
        "involvement_roles": list(INVOLVEMENT_ROLES),
        "family_roles": list(FAMILY_ROLES),
    }


def to_json() -> str:
    return json.dumps(as_dict(), indent=2, ensure_ascii=False) + "\n"

# Lawful bases for sharing (UK GDPR Art. 6 and Art. 9, DPA 2018 Schedule 1).
LAWFUL_BASES: dict[str, str] = {
    "art6_1a_consent": "UK GDPR Art. 6(1)(a): the person has given consent.",
    "art6_1c_legal_obligation": "UK GDPR Art. 6(1)(c): necessary to comply with a legal obligation (e.g. Children Act 1989 s.47).",
    "art6_1d_vital_interests": "UK GDPR Art. 6(1)(d): necessary to protect someone's vital interests.",
    "art6_1e_public_task": "UK GDPR Art. 6(1)(e): necessary for a task in the public interest or in the exercise of official authority.",
    "art6_1f_legitimate_interests": "UK GDPR Art. 6(1)(f): legitimate interests (not for public authorities' tasks).",
    "art9_2a_explicit_consent": "UK GDPR Art. 9(2)(a): explicit consent to share special category data.",
    "art9_2b_employment_social_protection": "UK GDPR Art. 9(2)(b): employment, social security and social protection law.",
    "art9_2c_vital_interests": "UK GDPR Art. 9(2)(c): vital interests where the person cannot consent.",
    "art9_2g_substantial_public_interest": "UK GDPR Art. 9(2)(g): substantial public interest, with a DPA 2018 Schedule 1 condition.",
    "art9_2h_health_social_care": "UK GDPR Art. 9(2)(h): health or social care.",
    "dpa2018_sch1_para18_safeguarding": "DPA 2018 Schedule 1 para 18: safeguarding of children and of individuals at risk; allows sharing without consent where justified.",
}
CONSENT: dict[str, str] = {
    "given": "The person (or someone with parental responsibility) agreed to the sharing.",
    "refused": "Consent was sought and refused; sharing went ahead only if another basis justified it.",
    "not_sought": "Consent was not sought, for the reason recorded (e.g. it could increase risk to the child).",
    "overridden": "Consent was refused or withdrawn and the refusal was overridden, for the reason recorded.",
}
ACTIONS: dict[str, str] = {
    "taken": "The recipient has acted on the information.",
    "planned": "The recipient plans to act; the text says what and when.",
    "none": "The recipient will not act; the text says why.",
}
