"""Seeded generator of SYNTHETIC demo data: JSON Lines import records for a fictional local authority.

No real personal data: person names are drawn from the small built-in lists below and combined
at random; postcodes use the unissued "ZZ" area; phone numbers are in Ofcom's drama range
(07700 900000-900999); NHS-like numbers start 999 (never issued, written NHS:999xxxxxxx);
vehicle registrations start ZZ (no such memory tag); places and towns are invented.

``generate(scale, seed, now)`` yields records in dependency order (an entity before anything
refers to it; a correction after the assertion it corrects). It is a stream: at ``large-la``
scale (a year of a large local authority, about five million assertions once imported) only
compact per-person state (ids, dates of birth, addresses) is held, never the records.

Known patterns are PLANTED at every scale and seed, with fixed ids (see ``PLANTED``):
a hotspot venue, a child who repeatedly goes missing, two children missing together and found
with the same adult, a corrected fact and a retraction, a police-only piece of intelligence,
and siblings who both frequent the hotspot. Background noise (other venues, other missing
children, other corrections) surrounds them so they are not the only data.

Times: every record's ``recorded_at`` is on or after the valid times it carries and before
``now`` (default 2026-11-01T00:00:00Z, so output is reproducible).
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import IO, Any, Iterator, Optional

from .model import assertion_id

__all__ = ["generate", "write", "PLANTED", "planted", "SCALES", "DEFAULT_NOW", "count_assertions", "FIRST_NAMES", "SURNAMES"]

DEFAULT_NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)

# --- built-in word lists (every person name is FIRST + " " + SURNAME from these) --------------

FEMALE_FIRST = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Grace", "Freya", "Sophia",
    "Ella", "Evie", "Poppy", "Chloe", "Ruby", "Daisy", "Emily", "Jessica", "Hannah", "Amber",
    "Leah", "Megan", "Holly", "Zara", "Aisha", "Maya", "Niamh", "Erin", "Sarah", "Laura",
    "Emma", "Rachel", "Claire", "Kelly", "Nicola", "Lisa", "Michelle", "Joanne", "Karen", "Donna",
)
MALE_FIRST = (
    "Oliver", "George", "Noah", "Leo", "Harry", "Oscar", "Jack", "Charlie", "Jacob", "Thomas",
    "Alfie", "Freddie", "Archie", "Joshua", "Theo", "Max", "Logan", "Ethan", "Mason", "Tyler",
    "Kai", "Jayden", "Callum", "Kieran", "Reece", "Adam", "Daniel", "Ryan", "Liam", "Connor",
    "James", "David", "Paul", "Mark", "Lee", "Darren", "Craig", "Wayne", "Stephen", "Gary",
)
FIRST_NAMES = FEMALE_FIRST + MALE_FIRST
SURNAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson",
    "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Thomas", "Clarke",
    "Jackson", "Wood", "Harris", "Edwards", "Turner", "Martin", "Cooper", "Hill", "Ward", "Hughes",
    "Moore", "Clark", "King", "Harrison", "Lewis", "Baker", "Lee", "Allen", "Morris", "Khan",
    "Scott", "Watson", "Davis", "Parker", "James", "Bennett", "Young", "Phillips", "Richardson", "Mitchell",
    "Bailey", "Carter", "Cook", "Singh", "Shaw", "Bell", "Collins", "Morgan", "Kelly", "Begum",
)
TOWNS = ("Northbrook", "Eastmere", "Ashvale", "Millcross", "Westcombe", "Holmfield", "Oakridge", "Fernley")
STREETS = (
    "Alder", "Beech", "Cedar", "Elm", "Hazel", "Larch", "Maple", "Rowan", "Willow", "Yew", "Ash", "Birch",
    "Holly", "Juniper", "Laurel", "Poplar", "Station", "Church", "Mill", "Victoria", "Albert", "Chapel",
    "Brook", "Meadow", "Orchard", "Spring", "Market", "Bridge", "Canal", "Foundry",
)
STREET_TYPES = ("Road", "Street", "Close", "Avenue", "Way", "Crescent", "Lane", "Drive", "Grove", "Court")
VENUE_WORDS = ("Golden", "Royal", "Corner", "Star", "Lucky", "Sunrise", "Crown", "Market", "Station", "Express", "Diamond", "Central", "Village", "Phoenix", "Eagle", "Silver")
VENUE_TYPES = ("Takeaway", "Chicken Shop", "Snooker Hall", "Vape Shop", "Gym", "Shisha Lounge", "Hotel", "Cafe", "Arcade", "Barbers", "Car Wash", "Off Licence", "Pizza Bar", "Kebab House")
PARK_TYPES = ("Park", "Recreation Ground", "Playing Fields", "Skate Park", "Nature Reserve")
SCHOOL_WORDS = ("Oakfield", "Riverside", "St Anne's", "Greenway", "Hillcrest", "Brookside", "Meadowbank", "Parkside", "Highfield", "Westgate", "Ashgrove", "Fairview", "Kingsmead", "Longford", "Moorland", "Stonebridge")
COLOURS = ("Black", "Silver", "White", "Grey", "Blue", "Red", "Dark green")
BODY_TYPES = ("hatchback", "saloon", "estate", "van", "4x4", "people carrier", "coupe")
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# --- agencies, scopes, references ---------------------------------------------------------------

AGENCIES = {  # id: (name, agency_type, source_ref prefix)
    "police": ("Northbrook Police (synthetic)", "police", "POL"),
    "csc": ("Northbrook Children's Social Care (synthetic)", "childrens_social_care", "CSC"),
    "health": ("Northbrook NHS Trust (synthetic)", "health", "HLT"),
    "education": ("Northbrook Education Service (synthetic)", "education", "EDU"),
    "yjs": ("Northbrook Youth Justice Service (synthetic)", "youth_justice", "YJS"),
    "housing": ("Northbrook Housing (synthetic)", "housing", "HSG"),
    "probation": ("Northbrook Probation (synthetic)", "probation", "PRB"),
}
PREFIX = {a: p for a, (_, _, p) in AGENCIES.items()}

OPEN = ""  # basic identity: any authenticated user
SHARED = "mash|police|csc|health|education|yjs"  # most multi-agency records
POLICE = "police"  # police intelligence
HEALTH = "health|mash"
HOUSING = "housing|mash"
PROBATION = "probation|mash"
SCOPES = (OPEN, SHARED, POLICE, HEALTH, HOUSING, PROBATION)

# Planted records take source refs from 9000001 up; background refs count from 0000001.
PLANTED_REF_BASE = 9_000_000
_KEY_REFS = {
    "dob_original": ("csc", "CSC-9500001"),
    "dob_correction": ("csc", "CSC-9500002"),
    "wrong_sighting": ("police", "POL-9500001"),
    "wrong_sighting_retraction": ("police", "POL-9500002"),
    "vehicle_intel": ("police", "POL-9500003"),
}


def _key_id(name: str, part: str = "") -> str:
    agency, ref = _KEY_REFS[name]
    return assertion_id(agency, ref, part)


# --- the planted patterns -----------------------------------------------------------------------

HOTSPOT = "venue-0001"
REPEAT_CHILD = "child-000001"
PAIR = ("child-000002", "child-000003")
ADULT_OF_CONCERN = "adult-000001"
CORRECTED_CHILD = "child-000004"
SIBLINGS = ("child-000005", "child-000006")
SIBLING_PARENT = "adult-000002"
YJS_CHILD = "child-000007"
WRONG_CHILD = "child-000008"
VEHICLE = "vehicle-0001"
PHONE = "phone-0001"
REPEAT_EPISODES = tuple(f"mis-{i:06d}" for i in range(1, 12))  # 11 episodes in the last year
PAIR_EPISODES = (("mis-000012", "mis-000013"), ("mis-000014", "mis-000015"))
POLICE_INCIDENT = "incident-0000001"

PLANTED: dict[str, Any] = {
    "hotspot_venue": {
        "venue": HOTSPOT,
        # children linked to the venue by a current assertion; siblings count as one family
        "children": [REPEAT_CHILD, *PAIR, *SIBLINGS, YJS_CHILD],
        "unrelated_children": [REPEAT_CHILD, *PAIR, YJS_CHILD, SIBLINGS[0]],
        "agencies": ["csc", "education", "police", "yjs"],
        "predicates": ["found_at", "seen_at"],
        "retracted_child": WRONG_CHILD,  # linked only by a retracted sighting: must not count
    },
    "repeat_missing": {"child": REPEAT_CHILD, "episodes": list(REPEAT_EPISODES), "min_episodes_365d": 8, "looked_after": True},
    "missing_together": {
        "children": list(PAIR),
        "episodes": [list(p) for p in PAIR_EPISODES],  # each pair overlaps in time
        "found_with": ADULT_OF_CONCERN,
        "found_at": HOTSPOT,
    },
    "correction": {
        "subject": CORRECTED_CHILD,
        "predicate": "date_of_birth",
        "agency": "csc",
        "assertion": _key_id("dob_correction"),
        "supersedes": _key_id("dob_original", "attr:date_of_birth:0"),
    },
    "retraction": {
        "subject": WRONG_CHILD,
        "predicate": "seen_at",
        "object": HOTSPOT,
        "agency": "police",
        "assertion": _key_id("wrong_sighting_retraction"),
        "retracts": _key_id("wrong_sighting"),
    },
    "police_only": {
        "assertion": _key_id("vehicle_intel"),
        "scope": POLICE,
        "subject": ADULT_OF_CONCERN,
        "predicate": "owns_uses",
        "object": VEHICLE,
        "incident": POLICE_INCIDENT,  # police-only incident at the venue naming the vehicle
    },
    "siblings": {"children": list(SIBLINGS), "parent": SIBLING_PARENT, "venue": HOTSPOT},
}


def planted(scale: str = "small", seed: int = 7) -> dict[str, Any]:
    """The planted patterns' ids: the same at every scale and seed."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r} (choose from {', '.join(SCALES)})")
    return json.loads(json.dumps(PLANTED))


# --- scales -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    children: int  # background children (ages 8-17) known to agencies
    professionals: int  # per agency
    schools: int
    venues: int
    parks: int
    routes: int
    peer_groups: int
    online_groups: int
    phones: int  # at most 999: the drama range has 1000 numbers
    vehicles: int
    placements: int  # children's homes and foster addresses
    contacts: int  # front-door contacts a year
    incidents: int
    hospital: int
    strategy: int
    arrests: int
    seen_at: int
    memberships: int
    associations: int
    lac_rate: float = 0.06
    police_known: float = 0.3
    missing_lac: float = 0.12  # share of looked-after children who go missing in the year
    missing_other: float = 0.03
    school_moves: float = 0.06
    corrections: int = 10
    retractions: int = 10


# Measured (seed 7): small ~2.9k records -> ~9.5k assertions, generated in ~0.1 s;
# large-la ~1.40M records -> ~4.9M assertions (~570 MB of JSON Lines), written in ~35-45 s.
SCALES: dict[str, Scale] = {
    "small": Scale(
        children=200, professionals=6, schools=10, venues=12, parks=5, routes=4, peer_groups=4, online_groups=3,
        phones=25, vehicles=12, placements=8, contacts=170, incidents=90, hospital=60, strategy=15, arrests=10,
        seen_at=24, memberships=20, associations=40, lac_rate=0.08, missing_lac=0.35, missing_other=0.03,
        corrections=4, retractions=4,
    ),
    "large-la": Scale(
        children=88_000, professionals=120, schools=420, venues=2000, parks=300, routes=80, peer_groups=160, online_groups=80,
        phones=999, vehicles=4000, placements=900, contacts=55_000, incidents=120_000, hospital=110_000, strategy=12_000, arrests=7_000,
        seen_at=60_000, memberships=6_000, associations=80_000, lac_rate=0.035, missing_lac=0.12, missing_other=0.03,
        corrections=600, retractions=400,
    ),
}

# --- text --------------------------------------------------------------------------------------

CONCERNS = (
    "neglect: poor home conditions", "domestic abuse in the household", "school attendance below 80 per cent",
    "bruising noticed by staff", "parental substance misuse", "the child said they were frightened at home",
    "possible exploitation outside the home", "emotional wellbeing and self-harm", "going missing from home",
    "older associates and unexplained gifts", "online contact with unknown adults", "parental mental health",
)
CONTACT_OUTCOMES = (
    ("No further action", "Closed at the front door; referrer informed.", 28),
    ("Information and advice", "Advice given to the referrer; no statutory role.", 20),
    ("Step down to early help", "Passed to the early help team; family consent sought.", 20),
    ("Referral for a social work assessment", "Allocated for a child and family assessment.", 22),
    ("Strategy discussion", "Strategy discussion convened with police and health.", 5),
    ("Already open: passed to allocated worker", "Information passed to the allocated social worker.", 5),
)
REFERRERS = (("police", 30), ("education", 20), ("health", 15), ("yjs", 3), ("housing", 3), ("probation", 2))
INCIDENTS = (
    ("Reported as the victim of an assault in the street", "victim", "Crime recorded; enquiries ongoing."),
    ("Stopped and searched; nothing found", "subject", "Words of advice; parent informed."),
    ("Domestic incident at the home address; child present", "witness", "Notification sent to children's social care."),
    ("Anti-social behaviour reported by residents", "suspect", "Dispersal; home visit by neighbourhood officer."),
    ("Found in the company of older males late at night", "subject", "Taken home; intelligence submitted."),
    ("Theft from a shop", "suspect", "Community resolution."),
    ("Criminal damage to a bus shelter", "suspect", "Referred to the youth justice service."),
    ("Concern for welfare call from a member of the public", "subject", "Child located safe and well."),
)
HOSPITAL = (
    "Attended the emergency department with an injury to the hand", "Attended after taking an overdose of paracetamol",
    "Attended intoxicated with alcohol", "Attended with a head injury after a fall", "Attended with breathing difficulties",
    "Attended with a cut to the arm", "Admitted for observation after self-harm", "Attended with a suspected fracture",
)
HOSPITAL_OUTCOMES = (("Discharged home", 60), ("Admitted", 15), ("Discharged with a safeguarding referral", 15), ("Left before being seen", 10))
STRATEGY_OUTCOMES = (
    "Section 47 enquiry to proceed", "Single-agency follow-up", "Initial child protection conference to be convened",
    "No further multi-agency action",
)
ARRESTS = (
    "Arrested on suspicion of possession with intent to supply", "Arrested on suspicion of robbery",
    "Arrested on suspicion of assault", "Arrested on suspicion of burglary", "Arrested on suspicion of carrying a bladed article",
)
RHI_NONE = (
    "Child declined the interview", "Unable to contact the child", "Child went missing again before the interview",
    "Returned to another local authority's area", "Parent declined on the child's behalf",
)


# --- helpers -----------------------------------------------------------------------------------


def _fmt(t: datetime) -> str:
    # Times are UTC; isoformat is several times faster than strftime (sub-seconds are dropped).
    return t.isoformat()[:19] + "Z"


def _weighted(rng: random.Random, pairs: tuple) -> Any:
    total = sum(p[-1] for p in pairs)
    x = rng.random() * total
    for p in pairs:
        x -= p[-1]
        if x < 0:
            return p
    return pairs[-1]


def _poisson(rng: random.Random, mean: float) -> int:
    if mean > 30:
        return max(0, int(round(rng.gauss(mean, math.sqrt(mean)))))
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _nhs(n: int) -> str:
    # A bijection on 0..9_999_999 (7919 is coprime with 10**7): distinct, scattered numbers.
    return f"NHS:999{(n * 7919 + 1234567) % 10_000_000:07d}"


def _reg(n: int) -> str:
    n = (n * 104_729 + 777) % (90 * 26**3)
    digits, rest = 10 + n % 90, n // 90
    letters = "".join("ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(rest // 26**i) % 26] for i in (2, 1, 0))
    return f"ZZ{digits} {letters}"


def _phone(k: int) -> tuple[str, str]:
    return f"07700 900{k:03d}", f"TEL:07700900{k:03d}"


def count_assertions(record: dict[str, Any]) -> int:
    """How many assertions a record becomes on import (entity: kind + attribute values; event: kind
    + attributes incl. occurred_on/ended_on + participants + found_at + found_with + occurred_at)."""
    t = record["type"]
    if t in ("assertion", "retraction"):
        return 1
    n = 1 + sum(len(v) if isinstance(v, list) else 1 for v in record.get("attributes", {}).values())
    if t == "event":
        n += ("occurred_on" in record) + ("ended_on" in record) + ("occurred_at" in record)
        n += len(record.get("participants", ())) + len(record.get("found_at", ())) + len(record.get("found_with", ()))
    return n


# --- the generator -----------------------------------------------------------------------------


class _Child:
    """What the event generators need to know about a background child: kept for every child."""

    __slots__ = ("id", "home", "school", "lac", "weight")

    def __init__(self, id: str, home: str, school: str, weight: float):
        self.id, self.home, self.school, self.weight = id, home, school, weight
        self.lac: Optional[str] = None  # placement address when looked after


class _Gen:
    def __init__(self, scale: str, seed: int, now: Optional[datetime]):
        if scale not in SCALES:
            raise ValueError(f"unknown scale {scale!r} (choose from {', '.join(SCALES)})")
        self.cfg = SCALES[scale]
        if now is None:
            now = DEFAULT_NOW
        elif now.tzinfo is None:
            now = now.replace(tzinfo=timezone.utc)
        self.now = now.astimezone(timezone.utc).replace(microsecond=0)
        self.today = self.now.date()
        self.year_start = self.now - timedelta(days=365)
        self.rng = random.Random(seed)
        self.prng = random.Random(20261101)  # planted content does not depend on the seed
        self.refs = {a: 0 for a in AGENCIES}
        self.prefs = {a: PLANTED_REF_BASE for a in AGENCIES}
        self.ids: dict[str, int] = {}
        self.pros: dict[str, list[str]] = {}
        self.nhs = 0
        self.police_refs = 0
        self.planted_mode = False
        # background state
        self.children: list[_Child] = []
        self.adults: list[str] = []
        self.adults_of_concern: list[str] = []
        self.schools: dict[str, list[str]] = {"primary": [], "secondary": [], "college": [], "ap": []}
        self.school_names: dict[str, str] = {}
        self.places: list[str] = []  # venues, parks, routes (background; the hotspot is not in here)
        self.groups: list[str] = []
        self.phones: list[str] = []
        self.vehicles: list[str] = []
        self.placements: list[str] = []
        self.to_correct: list[tuple] = []  # (kind, the assertion record to change, its object)
        self.school_moves: list[tuple] = []
        self.placement_moves: list[tuple] = []

    # -- small utilities
    @property
    def r(self) -> random.Random:
        return self.prng if self.planted_mode else self.rng

    def next_id(self, prefix: str, width: int) -> str:
        n = self.ids.get(prefix, 0) + 1
        self.ids[prefix] = n
        return f"{prefix}-{n:0{width}d}"

    def ref(self, agency: str) -> str:
        if self.planted_mode:
            self.prefs[agency] += 1
            return f"{PREFIX[agency]}-{self.prefs[agency]:07d}"
        self.refs[agency] += 1
        if self.refs[agency] >= PLANTED_REF_BASE:
            raise OverflowError("source_ref counter ran into the planted range")
        return f"{PREFIX[agency]}-{self.refs[agency]:07d}"

    def pro(self, agency: str) -> str:
        return self.r.choice(self.pros[agency])

    def police_ref(self, prefix: str, t: datetime) -> str:
        self.police_refs += 1
        return f"{prefix}-{t.year % 100:02d}-{self.police_refs:06d}"

    def person_name(self, female: bool, surname: Optional[str] = None) -> str:
        r = self.r
        return f"{r.choice(FEMALE_FIRST if female else MALE_FIRST)} {surname or r.choice(SURNAMES)}"

    def postcode(self) -> str:
        r = self.r
        return f"ZZ{r.randint(1, 99)} {r.randint(0, 9)}{r.choice(POSTCODE_LETTERS)}{r.choice(POSTCODE_LETTERS)}"

    def street_address(self) -> str:
        r = self.r
        return f"{r.randint(1, 180)} {r.choice(STREETS)} {r.choice(STREET_TYPES)}, {r.choice(TOWNS)} {self.postcode()}"

    def after(self, t: datetime, lo_h: float, hi_h: float) -> datetime:
        """A record time lo..hi hours after t, never at or after now."""
        out = t + timedelta(seconds=int(self.r.uniform(lo_h, hi_h) * 3600))
        cap = self.now - timedelta(minutes=1)
        return max(t, min(out, cap))

    def past(self, lo_days: float, hi_days: float) -> datetime:
        return self.now - timedelta(seconds=int(self.r.uniform(lo_days, hi_days) * 86400))

    def rec(self, type_: str, agency: str, recorded_at: datetime, body: dict[str, Any], *, method: str = "observed",
            status: str = "fact", scope: str = SHARED, handling: str = "originator_consent", grading: Optional[tuple[str, str]] = None,
            ref: Optional[str] = None, valid_from: Optional[datetime] = None, valid_to: Optional[datetime] = None,
            notify: bool = False) -> dict[str, Any]:
        out = {"type": type_, **body, "agency": agency, "recorded_by": self.pro(agency), "source_ref": ref or self.ref(agency),
               "recorded_at": _fmt(recorded_at), "method": method, "status": status}
        if valid_from is not None:
            out["valid_from"] = _fmt(valid_from)
        if valid_to is not None:
            out["valid_to"] = _fmt(valid_to)
        if agency == "police" and grading is None:
            grading = ("1", "A") if method == "observed" else (self.r.choice("12"), self.r.choice("BC"))
        if grading is not None:
            out["source_reliability"], out["information_confidence"] = grading
        out["scope"] = scope
        out["handling"] = handling
        if notify:
            out["notify_owner"] = True
        return out

    def entity(self, agency: str, id: str, kind: str, attributes: dict[str, Any], recorded_at: datetime, **kw: Any) -> dict[str, Any]:
        return self.rec("entity", agency, recorded_at, {"id": id, "kind": kind, "attributes": attributes}, **kw)

    def link(self, agency: str, subject: str, predicate: str, obj: str, recorded_at: datetime, role: Optional[str] = None, **kw: Any) -> dict[str, Any]:
        body = {"subject": subject, "predicate": predicate, "object": obj}
        if role is not None:
            body["role"] = role
        return self.rec("assertion", agency, recorded_at, body, **kw)

    def event(self, agency: str, id: str, kind: str, start: datetime, end: Optional[datetime], attributes: dict[str, Any],
              participants: list[tuple[str, str]], recorded_at: datetime, occurred_at: Optional[str] = None,
              found_at: Optional[list[str]] = None, found_with: Optional[list[str]] = None, **kw: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"id": id, "kind": kind, "occurred_on": _fmt(start)}
        if end is not None:
            body["ended_on"] = _fmt(end)
        body["attributes"] = attributes
        body["participants"] = [{"id": p, "role": role} for p, role in participants]
        if occurred_at:
            body["occurred_at"] = occurred_at
        if found_at:
            body["found_at"] = found_at
        if found_with:
            body["found_with"] = found_with
        assert end is None or recorded_at >= end, (id, end, recorded_at)
        return self.rec("event", agency, recorded_at, body, **kw)

    def dob(self, lo_years: int, hi_years: int) -> date:
        """A date of birth for someone aged lo..hi (inclusive) at now."""
        r = self.r
        young = self.today.replace(year=self.today.year - lo_years) if not (self.today.month == 2 and self.today.day == 29) else self.today - timedelta(days=365 * lo_years)
        days = r.randint(0, int((hi_years - lo_years + 1) * 365.25) - 2)
        return young - timedelta(days=days)

    # -- the stream
    def __iter__(self) -> Iterator[dict[str, Any]]:
        yield from self.agencies()
        self.planted_mode = True
        yield from self.planted_contexts()
        self.planted_mode = False
        yield from self.contexts()
        self.planted_mode = True
        yield from self.planted_people()
        self.planted_mode = False
        yield from self.families()
        yield from self.background_links()
        self.planted_mode = True
        yield from self.planted_events()
        self.planted_mode = False
        yield from self.background_events()
        self.planted_mode = True
        yield from self.planted_changes()
        self.planted_mode = False
        yield from self.background_changes()

    # -- agencies and professionals
    def agencies(self) -> Iterator[dict[str, Any]]:
        r = self.rng
        founded = self.now - timedelta(days=3 * 365)
        for agency, (name, agency_type, prefix) in AGENCIES.items():
            n = self.cfg.professionals if agency not in ("housing", "probation") else max(3, self.cfg.professionals // 4)
            self.pros[agency] = [f"pro-{agency}-{i:02d}" for i in range(1, n + 1)]
            yield self.entity(agency, agency, "agency", {"name": name, "agency_type": agency_type}, founded, method="document", scope=OPEN, handling="permitted")
        for agency in AGENCIES:
            for i, pid in enumerate(self.pros[agency]):
                t = founded + timedelta(days=r.randint(0, 700), hours=r.randint(8, 17))
                yield self.entity(agency, pid, "professional", {"name": self.person_name(r.random() < 0.6), "identifier": f"STAFF:{PREFIX[agency]}{i + 1:04d}"}, t, method="document", scope=OPEN, handling="permitted")
                yield self.link(agency, pid, "works_for", agency, t, method="document", scope=OPEN, handling="permitted")

    # -- places and objects
    def place(self, agency: str, kind: str, id: str, name: str, description: str, t: datetime, scope: str = OPEN) -> dict[str, Any]:
        return self.entity(agency, id, kind, {"name": name, "description": description}, t, method="document", scope=scope, handling="permitted")

    def planted_contexts(self) -> Iterator[dict[str, Any]]:
        t = self.now - timedelta(days=700)
        yield self.place("police", "venue", self.next_id("venue", 4), "Lucky Chicken Shop", "Late-night takeaway on Station Parade, Northbrook ZZ4 7QT", t)
        yield self.entity("police", self.next_id("vehicle", 4), "vehicle", {"identifier": "VRM:ZZ19 KXT", "name": "ZZ19 KXT", "description": "Black hatchback"}, t, method="observed", scope=POLICE, handling="no_onward_sharing")
        yield self.entity("police", self.next_id("phone", 4), "phone", {"identifier": "TEL:07700900000", "name": "07700 900000"}, t, method="document", scope=POLICE, handling="no_onward_sharing")
        self.planted_addresses = []
        for desc in ("Children's home (registered), Northbrook", None, None, None, None, None):
            aid = self.next_id("address", 6)
            self.planted_addresses.append(aid)
            attrs = {"name": self.street_address()}
            if desc:
                attrs["description"] = desc
            yield self.entity("csc", aid, "address", attrs, t, method="document")

    def contexts(self) -> Iterator[dict[str, Any]]:
        c, r = self.cfg, self.rng
        t0 = self.now - timedelta(days=1000)
        phases = [("primary", 0.6), ("secondary", 0.28), ("college", 0.06), ("ap", 0.06)]
        for i in range(c.schools):
            # the first four cover every phase, so any scale has a school for every age
            phase = phases[i][0] if i < 4 else _weighted(r, phases)[0]
            word = SCHOOL_WORDS[i % len(SCHOOL_WORDS)]
            suffix = {"primary": "Primary School", "secondary": r.choice(("Academy", "High School")), "college": "College", "ap": "Pupil Referral Unit"}[phase]
            name = f"{word} {suffix}" + (f" ({r.choice(TOWNS)})" if i >= len(SCHOOL_WORDS) else "")
            sid = self.next_id("school", 4)
            self.schools[phase].append(sid)
            self.school_names[sid] = name
            yield self.place("education", "school", sid, name, f"{phase} provision, {r.choice(TOWNS)}", t0)
        for _ in range(c.venues):
            vid = self.next_id("venue", 4)
            self.places.append(vid)
            vtype = r.choice(VENUE_TYPES)
            yield self.place(r.choice(("police", "police", "csc", "yjs")), "venue", vid, f"{r.choice(VENUE_WORDS)} {vtype}",
                             f"{vtype} on {r.choice(STREETS)} {r.choice(STREET_TYPES)}, {r.choice(TOWNS)} {self.postcode()}", t0)
        for _ in range(c.parks):
            pid = self.next_id("park", 4)
            self.places.append(pid)
            yield self.place("police", "park", pid, f"{r.choice(STREETS)} {r.choice(PARK_TYPES)}", f"Open space in {r.choice(TOWNS)}", t0)
        for i in range(c.routes):
            rid = self.next_id("route", 4)
            self.places.append(rid)
            name = f"Bus route {i + 1}" if i % 3 else f"{r.choice(TOWNS)} station"
            yield self.place("police", "transport_route", rid, name, "Public transport", t0)
        for _ in range(c.peer_groups):
            gid = self.next_id("group", 4)
            self.groups.append(gid)
            yield self.place(r.choice(("police", "yjs")), "peer_group", gid, f"{r.choice(STREETS)} {r.choice(('crew', 'lot', 'boys', 'girls', 'estate group'))}", "Young people seen together regularly", t0, scope=SHARED)
        for _ in range(c.online_groups):
            gid = self.next_id("online", 4)
            self.groups.append(gid)
            yield self.place("police", "online_group", gid, f"{r.choice(VENUE_WORDS)} group chat", "Group chat on a messaging app", t0, scope=SHARED)
        numbers = list(range(1, 1000))
        r.shuffle(numbers)
        for k in numbers[: min(c.phones, 999)]:
            ph = self.next_id("phone", 4)
            self.phones.append(ph)
            name, ident = _phone(k)
            yield self.entity("police", ph, "phone", {"identifier": ident, "name": name}, self.past(30, 900), method="document", scope=SHARED)
        for i in range(c.vehicles):
            vh = self.next_id("vehicle", 4)
            self.vehicles.append(vh)
            reg = _reg(i + 1)
            if reg == "ZZ19 KXT":  # the planted vehicle's
                reg = _reg(1_000_000 + i)
            yield self.entity("police", vh, "vehicle", {"identifier": f"VRM:{reg}", "name": reg, "description": f"{r.choice(COLOURS)} {r.choice(BODY_TYPES)}"}, self.past(30, 900), method="observed", scope=SHARED)
        for _ in range(c.placements):
            aid = self.next_id("address", 6)
            self.placements.append(aid)
            yield self.entity("csc", aid, "address", {"name": self.street_address(), "description": r.choice(("Foster placement", "Foster placement", "Children's home (registered)", "Supported accommodation (16+)"))}, t0, method="document")

    # -- people
    def person(self, agency: str, pid: str, kind: str, name: str, dob: date, female: bool, identifier: Optional[str], t: datetime, **kw: Any) -> dict[str, Any]:
        attrs: dict[str, Any] = {"name": name, "date_of_birth": dob.isoformat()}
        if agency in ("csc", "health"):
            attrs["gender"] = "female" if female else "male"
        if identifier:
            attrs["identifier"] = identifier
        return self.entity(agency, pid, kind, attrs, t, method="document", scope=OPEN, **kw)

    def nhs_number(self) -> str:
        self.nhs += 1
        return _nhs(self.nhs)

    def child_records(self, cid: str, name: str, dob: date, female: bool, police: bool) -> Iterator[dict[str, Any]]:
        r = self.r
        n = int(cid.split("-")[1])
        yield self.person("csc", cid, "child", name, dob, female, f"CSC:{n:07d}", self.past(200, 1500))
        if r.random() < 0.92:
            yield self.person("health", cid, "child", name, dob, female, self.nhs_number(), self.past(400, 3000))
        yield self.person("education", cid, "child", name, dob, female, f"UPN:Z999{n:09d}", self.past(300, 2500))
        if police:
            yield self.person("police", cid, "child", name, dob, female, f"POLICE:N{n:07d}", self.past(30, 900), handling="permitted")

    def adult_records(self, aid: str, name: str, dob: date, female: bool, police: bool, probation: bool) -> Iterator[dict[str, Any]]:
        n = int(aid.split("-")[1])
        yield self.person("health", aid, "adult", name, dob, female, self.nhs_number(), self.past(400, 3000))
        if police:
            yield self.person("police", aid, "adult", name, dob, female, f"POLICE:A{n:07d}", self.past(30, 1500))
        if probation:
            yield self.person("probation", aid, "adult", name, dob, female, f"PROB:{n:07d}", self.past(30, 1500), handling="permitted")

    def academic_year_start(self, years_back: int) -> datetime:
        year = self.today.year if (self.today.month, self.today.day) > (9, 4) else self.today.year - 1
        return datetime(year - years_back, 9, 4, 8, tzinfo=timezone.utc)

    def school_for(self, dob: date, rng: random.Random) -> str:
        age = (self.today - dob).days // 365
        phase = "primary" if age < 11 else "secondary" if age < 16 else "college"
        if phase == "secondary" and rng.random() < 0.03:
            phase = "ap"
        pool = self.schools[phase] or self.schools["secondary"]
        return rng.choice(pool)

    def planted_people(self) -> Iterator[dict[str, Any]]:
        r = self.prng
        home, h5, h2, h3, h4, h7 = self.planted_addresses
        # adults: the adult of concern and the siblings' mother
        concern = self.next_id("adult", 6)
        parent = self.next_id("adult", 6)
        assert (concern, parent) == (ADULT_OF_CONCERN, SIBLING_PARENT)
        yield from self.adult_records(concern, "Wayne Mitchell", self.dob(24, 24), False, police=True, probation=True)
        yield from self.adult_records(parent, "Kelly Bennett", self.dob(38, 38), True, police=False, probation=False)
        yield self.link("health", parent, "lives_at", h5, self.past(300, 400), method="document", valid_from=self.past(1500, 1600))
        specs = [  # id, name, age, female, home, looked after
            (REPEAT_CHILD, "Jessica Hall", 14, True, home, True),
            (PAIR[0], "Ruby Turner", 15, True, h2, False),
            (PAIR[1], "Megan Shaw", 15, True, h3, False),
            (CORRECTED_CHILD, "Tyler Khan", 13, False, h4, False),
            (SIBLINGS[0], "Callum Bennett", 15, False, h5, False),
            (SIBLINGS[1], "Leah Bennett", 13, True, h5, False),
            (YJS_CHILD, "Kai Parker", 16, False, h7, False),
            (WRONG_CHILD, "Jayden Cooper", 15, False, h7, False),
        ]
        dobs = {}
        for cid, name, age, female, addr, lac in specs:
            assert self.next_id("child", 6) == cid
            dob = self.dob(age, age)
            dobs[cid] = dob
            if cid == CORRECTED_CHILD:
                # csc keyed the day and month the wrong way round; health and education have it right
                wrong = dob.replace(month=dob.day, day=dob.month) if dob.day <= 12 and dob.day != dob.month else dob - timedelta(days=366)
                self.corrected_dob = dob.isoformat()
                agency, ref = _KEY_REFS["dob_original"]
                t = self.past(250, 260)
                yield self.entity("csc", cid, "child", {"name": name, "date_of_birth": wrong.isoformat(), "gender": "male", "identifier": "CSC:0000004"}, t, method="document", scope=OPEN, ref=ref)
                yield self.person("health", cid, "child", name, dob, female, self.nhs_number(), self.past(2000, 3000))
                yield self.person("education", cid, "child", name, dob, female, "UPN:Z999000000004", self.past(1000, 2000))
            else:
                yield from self.child_records(cid, name, dob, female, police=cid in (REPEAT_CHILD, *PAIR, YJS_CHILD, SIBLINGS[0]))
            school = self.school_for(dob, r)
            self.planted_schools = getattr(self, "planted_schools", {})
            self.planted_schools[cid] = school
            yield self.link("education", cid, "attends", school, self.past(300, 420), method="document", valid_from=self.past(420, 430))
            if lac:
                since = self.past(500, 520)
                yield self.rec("assertion", "csc", since + timedelta(hours=6), {"subject": cid, "predicate": "looked_after", "value": True}, method="document", valid_from=since, notify=True)
                yield self.link("csc", cid, "lives_at", home, since + timedelta(hours=6), method="document", valid_from=since)
            else:
                yield self.link("csc", cid, "lives_at", addr, self.past(200, 400), method="document", valid_from=self.past(800, 1500))
        for sib in SIBLINGS:
            yield self.link("csc", parent, "family_member_of", sib, self.past(200, 300), role="parent", method="document")
        yield self.link("csc", SIBLINGS[0], "family_member_of", SIBLINGS[1], self.past(200, 300), role="sibling", method="document")
        self.planted_dobs = dobs
        self.concern, self.sib_parent = concern, parent

    def families(self) -> Iterator[dict[str, Any]]:
        c, r = self.cfg, self.rng
        made = 0
        while made < c.children:
            surname = r.choice(SURNAMES)
            n_children = min(_weighted(r, ((1, 45), (2, 35), (3, 15), (4, 5)))[0], c.children - made)
            addr = self.next_id("address", 6)
            social = r.random() < 0.35
            yield self.entity("housing" if social else "csc", addr, "address", {"name": self.street_address()}, self.past(100, 2000), method="document", scope=SHARED)
            moved_in = self.past(400, 3000)
            kids_dobs = sorted((self.dob(8, 17) for _ in range(n_children)), reverse=True)
            eldest_age = (self.today - kids_dobs[-1]).days // 365 if kids_dobs else 10
            parents = []
            n_parents = 1 if r.random() < 0.4 else 2
            for j in range(n_parents):
                aid = self.next_id("adult", 6)
                female = j == 0
                age = min(75, eldest_age + r.randint(19, 38))
                police = r.random() < 0.2
                concern = police and r.random() < 0.15
                if concern:
                    self.adults_of_concern.append(aid)
                self.adults.append(aid)
                parents.append(aid)
                yield from self.adult_records(aid, self.person_name(female, surname if j == 0 or r.random() < 0.5 else None), self.dob(age, age), female, police, police and r.random() < 0.2)
                yield self.link("housing" if social else "health", aid, "lives_at", addr, self.past(30, 400), method="document", scope=HOUSING if social else SHARED, valid_from=moved_in)
            if n_parents == 2 and r.random() < 0.5:
                yield self.link("csc", parents[0], "family_member_of", parents[1], self.past(30, 400), role="partner", method="self_reported")
            kids = []
            for dob in kids_dobs:
                cid = self.next_id("child", 6)
                female = r.random() < 0.5
                name = self.person_name(female, surname)
                # how much agency attention the child draws (contacts, incidents ...): heavy-tailed
                child = _Child(cid, addr, self.school_for(dob, r), r.lognormvariate(0, 1.0))
                kids.append(child)
                self.children.append(child)
                yield from self.child_records(cid, name, dob, female, police=r.random() < c.police_known)
                for p in parents:
                    yield self.link("csc", p, "family_member_of", cid, self.past(30, 700), role="parent", method="document")
                if r.random() < c.lac_rate:
                    since = self.past(60, 1500)
                    child.lac = r.choice(self.placements) if self.placements else addr
                    child.weight *= 3
                    yield self.link("csc", cid, "lives_at", addr, self.after(since, 2, 72), method="document", valid_from=min(moved_in, since - timedelta(days=1)), valid_to=since)
                    yield self.rec("assertion", "csc", self.after(since, 2, 72), {"subject": cid, "predicate": "looked_after", "value": True}, method="document", valid_from=since, notify=True)
                    if since > self.year_start + timedelta(days=30) and r.random() < 0.25:
                        # a placement move within the year
                        move = self.past(5, (self.now - since).days - 1)
                        first = r.choice([p for p in self.placements[:50] if p != child.lac] or [addr])
                        yield self.link("csc", cid, "lives_at", first, self.after(move, 2, 72), method="document", valid_from=since, valid_to=move)
                        self.placement_moves.append((cid, first, child.lac, move))
                        yield self.link("csc", cid, "lives_at", child.lac, self.after(move, 2, 72), method="document", valid_from=move)
                    else:
                        yield self.link("csc", cid, "lives_at", child.lac, self.after(since, 2, 72), method="document", valid_from=since)
                else:
                    rec = self.link("csc", cid, "lives_at", addr, self.past(30, 400), method="document", valid_from=moved_in)
                    if r.random() < c.corrections / c.children:
                        self.to_correct.append(("address", rec, addr))
                    yield rec
                # on this school's roll since the start of some academic year
                joined = self.academic_year_start(r.randint(0, 4))
                if r.random() < c.school_moves:
                    move = self.past(10, 300)
                    new = self.school_for(dob, r)
                    if new != child.school:
                        yield self.link("education", cid, "attends", child.school, self.after(move, 1, 120), method="document", valid_from=min(joined, move - timedelta(days=30)), valid_to=move)
                        yield self.link("education", cid, "attends", new, self.after(move, 1, 120), method="document", valid_from=move)
                        self.school_moves.append((cid, child.school, new, move))
                        child.school = new
                        continue
                yield self.link("education", cid, "attends", child.school, self.after(joined, 24, 24 * 20), method="document", valid_from=joined)
            for i in range(len(kids)):
                for j in range(i + 1, len(kids)):
                    yield self.link("csc", kids[i].id, "family_member_of", kids[j].id, self.past(30, 700), role="sibling", method="document")
            made += len(kids)
        # a few more adults known to agencies: relatives, partners, adults of concern
        for _ in range(max(10, c.children // 8)):
            aid = self.next_id("adult", 6)
            female = r.random() < 0.4
            police = r.random() < 0.6
            self.adults.append(aid)
            if police and r.random() < 0.4:
                self.adults_of_concern.append(aid)
            yield from self.adult_records(aid, self.person_name(female), self.dob(18, 45), female, police, police and r.random() < 0.3)
        self.cum = []
        total = 0.0
        for ch in self.children:
            total += ch.weight
            self.cum.append(total)

    def pick_child(self) -> _Child:
        return self.rng.choices(self.children, cum_weights=self.cum)[0]

    def background_links(self) -> Iterator[dict[str, Any]]:
        c, r = self.cfg, self.rng
        # seen_at: places have uneven popularity (a few busy ones, many quiet ones)
        popularity = [r.lognormvariate(0, 0.5) for _ in self.places]
        cum, total = [], 0.0
        for p in popularity:
            total += p
            cum.append(total)
        for _ in range(c.seen_at):
            child = self.pick_child()
            place = r.choices(self.places, cum_weights=cum)[0]
            agency = _weighted(r, (("police", 60), ("yjs", 15), ("csc", 15), ("education", 10)))[0]
            t = self.year_start + timedelta(seconds=r.randint(0, 365 * 86400 - 7200))
            kw = {"method": "observed"} if agency == "police" else {"method": r.choice(("third_party", "self_reported")), "status": r.choice(("fact", "allegation", "opinion"))}
            rec = self.link(agency, child.id, "seen_at", place, self.after(t, 1, 96), valid_from=t, scope=POLICE if agency == "police" and r.random() < 0.15 else SHARED, **kw)
            if agency == "police" and r.random() < c.retractions / (1.2 * c.seen_at):
                self.to_correct.append(("retract", rec, place))
            yield rec
        for _ in range(c.memberships):
            child = self.pick_child()
            agency = r.choice(("police", "yjs"))
            t = self.past(10, 365)
            yield self.link(agency, child.id, "member_of", r.choice(self.groups), self.after(t, 1, 200), valid_from=t, method="third_party", status=r.choice(("fact", "opinion", "professional_judgement")))
        # phones and vehicles: phones to children and adults of concern; vehicles to adults
        people = [ch.id for ch in self.children]
        for ph in self.phones:
            for _ in range(r.choice((1, 1, 1, 2, 3))):
                owner = r.choice(self.adults_of_concern) if self.adults_of_concern and r.random() < 0.4 else r.choice(people)
                t = self.past(5, 500)
                yield self.link("police", owner, "owns_uses", ph, self.after(t, 1, 300), method=r.choice(("document", "third_party")), status=r.choice(("fact", "allegation")), scope=POLICE if r.random() < 0.3 else SHARED, valid_from=t)
        for vh in self.vehicles:
            owner = r.choice(self.adults_of_concern) if self.adults_of_concern and r.random() < 0.3 else r.choice(self.adults)
            t = self.past(5, 900)
            yield self.link("police", owner, "owns_uses", vh, self.after(t, 1, 300), method="document", scope=POLICE if r.random() < 0.2 else SHARED, valid_from=t)
        for _ in range(c.associations):
            a = self.pick_child()
            other = r.choice(self.adults_of_concern) if self.adults_of_concern and r.random() < 0.25 else self.pick_child().id
            if other == a.id:
                continue
            agency = _weighted(r, (("police", 60), ("yjs", 15), ("csc", 20), ("education", 5)))[0]
            t = self.past(5, 365)
            police_intel = agency == "police" and r.random() < 0.5
            rec = self.link(agency, a.id, "associates_with", other, self.after(t, 1, 300), valid_from=t, method=r.choice(("observed", "third_party", "self_reported")),
                            status=r.choice(("fact", "allegation", "opinion")), scope=POLICE if police_intel else SHARED,
                            handling="no_onward_sharing" if police_intel else "originator_consent")
            if r.random() < c.retractions / (2 * c.associations):
                self.to_correct.append(("retract", rec, other))
            yield rec

    # -- events
    def missing_episode(self, eid: str, child: str, start: datetime, hours: float, found_at: list[str], found_with: list[str],
                        last_seen: Optional[str], risk: str, lac: bool) -> dict[str, Any]:
        r = self.r
        end = start + timedelta(seconds=int(hours * 3600))
        attrs: dict[str, Any] = {
            "episode_type": "away_without_authorisation" if lac and r.random() < 0.25 else "missing",
            "police_reference": self.police_ref("MPR", start),
            "risk_grade": risk,
        }
        latest = end
        cap = self.now - timedelta(hours=2)
        if r.random() < 0.93:
            offered = end + timedelta(hours=r.uniform(1, 60))
            if offered < cap:
                attrs["rhi_offered_on"] = _fmt(offered)
                latest = offered
                accepted = r.random() < 0.72
                attrs["rhi_accepted"] = accepted
                if accepted:
                    # about two thirds within 72 hours of return
                    done = end + timedelta(hours=r.uniform(4, 72) if r.random() < 0.67 else r.uniform(73, 400))
                    done = max(done, offered)
                    if done < cap:
                        attrs["rhi_completed_on"] = _fmt(done)
                        latest = done
                else:
                    attrs["rhi_reason_none"] = r.choice(RHI_NONE[:1] + RHI_NONE[2:])
        else:
            attrs["rhi_reason_none"] = r.choice(RHI_NONE[1:])
        return self.event("csc", eid, "missing_episode", start, end, attrs, [(child, "subject")], self.after(latest, 1, 48),
                          occurred_at=last_seen, found_at=found_at, found_with=found_with, method="document")

    def duration(self, r: random.Random) -> float:
        x = r.random()
        if x < 0.07:
            return r.uniform(0.75, 2)
        if x < 0.82:
            return math.exp(r.uniform(math.log(2), math.log(24)))
        if x < 0.96:
            return r.uniform(24, 72)
        return r.uniform(72, 24 * 6)

    def planted_events(self) -> Iterator[dict[str, Any]]:
        r = self.prng
        home = self.planted_addresses[0]
        # (2) repeat missing: 11 episodes in the last year, three found at the hotspot
        offsets = (352, 321, 290, 262, 230, 199, 168, 140, 101, 66, 31)
        for i, (eid, days) in enumerate(zip(REPEAT_EPISODES, offsets)):
            assert self.next_id("mis", 6) == eid
            start = self.now - timedelta(days=days, hours=r.randint(0, 6)) + timedelta(hours=r.choice((16, 18, 20, 21)))
            hours = (5, 19, 9, 30, 14, 7, 22, 11, 52, 16, 8)[i]
            at_hotspot = i in (3, 6, 8)
            found = [HOTSPOT] if at_hotspot else [home]
            yield self.missing_episode(eid, REPEAT_CHILD, start, hours, found, [], home, ("medium", "high")[i % 2 == 0 and i > 5], True)
            if at_hotspot:
                end = start + timedelta(hours=hours)
                yield self.link("police", REPEAT_CHILD, "seen_at", HOTSPOT, self.after(end, 1, 6), valid_from=end, method="observed")
        # (3) two children missing together, found with the same adult at the hotspot, twice
        for (ea, eb), days in zip(PAIR_EPISODES, (120, 45)):
            assert self.next_id("mis", 6) == ea
            assert self.next_id("mis", 6) == eb
            start = self.now - timedelta(days=days) + timedelta(hours=19)
            yield self.missing_episode(ea, PAIR[0], start, 20, [HOTSPOT], [ADULT_OF_CONCERN], self.planted_addresses[1], "high", False)
            yield self.missing_episode(eb, PAIR[1], start + timedelta(minutes=40), 19.5, [HOTSPOT], [ADULT_OF_CONCERN], self.planted_addresses[2], "high", False)
        # (1)/(6) sightings at the hotspot: siblings (police), the yjs child, the adult (police only)
        for cid, days, agency in ((SIBLINGS[0], 80, "police"), (SIBLINGS[1], 80, "police"), (SIBLINGS[1], 20, "education"), (YJS_CHILD, 60, "yjs"), (YJS_CHILD, 15, "police")):
            t = self.now - timedelta(days=days, hours=-21)
            yield self.link(agency, cid, "seen_at", HOTSPOT, self.after(t, 2, 30), valid_from=t, method="observed" if agency == "police" else "self_reported")
        t = self.now - timedelta(days=44, hours=-2)
        yield self.link("police", ADULT_OF_CONCERN, "seen_at", HOTSPOT, self.after(t, 1, 5), valid_from=t, scope=POLICE, handling="no_onward_sharing")
        # (5) police-only intelligence: the adult uses the vehicle, and it was seen outside the hotspot
        agency, ref = _KEY_REFS["vehicle_intel"]
        t = self.now - timedelta(days=50)
        yield self.link("police", ADULT_OF_CONCERN, "owns_uses", VEHICLE, self.after(t, 24, 48), ref=ref, valid_from=t, method="third_party", status="allegation",
                        grading=("2", "B"), scope=POLICE, handling="no_onward_sharing")
        yield self.link("police", ADULT_OF_CONCERN, "owns_uses", PHONE, self.after(t, 24, 48), valid_from=t, method="document", grading=("1", "A"), scope=POLICE, handling="no_onward_sharing")
        assert self.next_id("incident", 7) == POLICE_INCIDENT
        t = self.now - timedelta(days=44, hours=-1)
        yield self.event("police", POLICE_INCIDENT, "incident", t, t + timedelta(minutes=40),
                         {"summary": "Black hatchback ZZ19 KXT seen parked outside the venue; driver spoke to two girls believed to be under 16", "police_reference": self.police_ref("INC", t), "action_taken": "Intelligence submitted; patrols increased."},
                         [(ADULT_OF_CONCERN, "subject")], self.after(t, 2, 12), occurred_at=HOTSPOT, scope=POLICE, grading=("1", "B"), handling="no_onward_sharing")
        # the retracted sighting: recorded against the wrong child
        agency, ref = _KEY_REFS["wrong_sighting"]
        t = self.now - timedelta(days=70, hours=-22)
        yield self.link("police", WRONG_CHILD, "seen_at", HOTSPOT, self.after(t, 2, 10), ref=ref, valid_from=t, method="observed")
        # associations and a strategy meeting about the pair
        yield self.link("police", PAIR[0], "associates_with", ADULT_OF_CONCERN, self.now - timedelta(days=118), valid_from=self.now - timedelta(days=119), method="observed")
        yield self.link("csc", PAIR[0], "associates_with", PAIR[1], self.now - timedelta(days=117), valid_from=self.now - timedelta(days=300), method="self_reported")
        t = self.now - timedelta(days=40)
        eid = self.next_id("strategy", 6)
        yield self.event("csc", eid, "strategy_meeting", t, t + timedelta(hours=1), {"summary": "Strategy discussion: two girls missing together, found with an older male", "outcome": "Section 47 enquiry to proceed"},
                         [(PAIR[0], "subject"), (PAIR[1], "subject"), (self.pros["police"][0], "attendee"), (self.pros["health"][0], "attendee")],
                         self.after(t, 2, 24), status="professional_judgement", method="observed")
        # a contact for each planted child, so their chronologies are not empty
        for cid in (REPEAT_CHILD, *PAIR, CORRECTED_CHILD, *SIBLINGS, YJS_CHILD, WRONG_CHILD):
            t = self.past(20, 330)
            yield self.contact(self.next_id("contact", 7), cid, t)

    def contact(self, eid: str, cid: str, t: datetime) -> dict[str, Any]:
        r = self.r
        referrer = _weighted(r, REFERRERS)[0]
        outcome, action, _ = _weighted(r, CONTACT_OUTCOMES)
        return self.event("csc", eid, "contact", t, None,
                          {"summary": f"Contact from {referrer}: {r.choice(CONCERNS)}", "outcome": outcome, "action_taken": action},
                          [(cid, "subject"), (self.pro(referrer), "reporter")], self.after(t, 0.5, 30), method="third_party")

    def daily(self, per_year: int) -> Iterator[datetime]:
        """Event start times through the year, in order: weekdays busier than weekends."""
        r = self.rng
        mean = per_year / 365
        for d in range(365):
            day = self.year_start + timedelta(days=d)
            factor = 1.15 if day.weekday() < 5 else 0.62
            n = _poisson(r, mean * factor)
            for s in sorted(r.randint(6 * 3600, 23 * 3600) for _ in range(n)):
                t = day.replace(hour=0, minute=0, second=0) + timedelta(seconds=s)
                if t < self.now - timedelta(hours=12):  # over (and recorded) before now
                    yield t

    def background_events(self) -> Iterator[dict[str, Any]]:
        c, r = self.cfg, self.rng
        for t in self.daily(c.contacts):
            yield self.contact(self.next_id("contact", 7), self.pick_child().id, t)
        places = self.places
        for t in self.daily(c.incidents):
            child = self.pick_child()
            summary, role, action = r.choice(INCIDENTS)
            parts = [(child.id, role)]
            if r.random() < 0.25:
                other = r.choice(self.adults_of_concern if self.adults_of_concern and r.random() < 0.3 else self.adults)
                parts.append((other, "suspect" if role == "victim" else "witness" if role == "suspect" else "subject"))
            where = child.home if "home" in summary else r.choice(places)
            allegation = role in ("victim", "suspect")
            end = t + timedelta(minutes=r.randint(10, 180))
            yield self.event("police", self.next_id("incident", 7), "incident", t, end,
                             {"summary": summary, "police_reference": self.police_ref("INC", t), "action_taken": action}, parts,
                             self.after(end, 0.5, 30), occurred_at=where, status="allegation" if allegation else "fact",
                             scope=POLICE if r.random() < 0.1 else SHARED)
        for t in self.daily(c.hospital):
            child = self.pick_child()
            outcome = _weighted(r, HOSPITAL_OUTCOMES)[0]
            yield self.event("health", self.next_id("hosp", 7), "hospital_attendance", t, t + timedelta(hours=r.uniform(1, 9)),
                             {"summary": r.choice(HOSPITAL), "outcome": outcome}, [(child.id, "subject")], self.after(t, 10, 60), scope=HEALTH,
                             notify=outcome.endswith("referral"))
        for t in self.daily(c.strategy):
            child = self.pick_child()
            attendees = [(self.pro(a), "attendee") for a in ("police", "health", "education")[: r.randint(1, 3)]]
            end = t + timedelta(minutes=r.randint(30, 120))
            yield self.event("csc", self.next_id("strategy", 6), "strategy_meeting", t, end,
                             {"summary": f"Strategy discussion about {r.choice(CONCERNS)}", "outcome": r.choice(STRATEGY_OUTCOMES)},
                             [(child.id, "subject"), *attendees], self.after(end, 1, 48), status="professional_judgement")
        for t in self.daily(c.arrests):
            who = self.pick_child().id if r.random() < 0.6 else r.choice(self.adults_of_concern or self.adults)
            yield self.event("police", self.next_id("arrest", 6), "arrest", t, None, {"summary": r.choice(ARRESTS), "police_reference": self.police_ref("ARR", t)},
                             [(who, "suspect")], self.after(t, 1, 12), occurred_at=r.choice(places), status="allegation")
        for cid, old, new, when in self.school_moves:
            yield self.event("education", self.next_id("smove", 6), "school_move", when, None,
                             {"summary": f"Moved from {self.school_names[old]} to {self.school_names[new]}", "outcome": r.choice(("Managed move", "Parental choice", "Permanent exclusion: new place found", "House move"))},
                             [(cid, "subject")], self.after(when, 1, 120), occurred_at=new, method="document")
        for cid, old, new, when in self.placement_moves:
            yield self.event("csc", self.next_id("pmove", 6), "placement_move", when, None,
                             {"summary": "Placement moved", "outcome": r.choice(("Planned move", "Placement breakdown", "Move closer to school"))},
                             [(cid, "subject")], self.after(when, 1, 72), occurred_at=new, method="document")
        yield from self.background_missing()

    def background_missing(self) -> Iterator[dict[str, Any]]:
        c, r = self.cfg, self.rng
        found_places = self.places
        for child in self.children:
            p = c.missing_lac if child.lac else c.missing_other
            if r.random() >= p:
                continue
            # looked-after children who go missing average about 6.8 episodes a year (counting the
            # episodes where they were a friend's companion, below); others about 2
            # (1 + floor of an exponential with mean m has mean 1 + 1/(e^(1/m) - 1))
            n = 1 + int(r.expovariate(1 / 6.9)) if child.lac else 1 + int(r.expovariate(1 / 1.45))
            n = min(n, 60)
            home = child.lac or child.home
            # place the episodes in the year without overlap: random gaps, each at least 6 hours
            hours_each = [self.duration(r) for _ in range(n)]
            busy = sum(h + 6 for h in hours_each) * 3600
            window = 364 * 86400 - busy
            if window <= 0:
                continue
            offsets = sorted(r.uniform(0, window) for _ in range(n))
            elapsed = 0.0
            for s, hours in zip(offsets, hours_each):
                start = self.year_start + timedelta(seconds=int(s + elapsed))
                elapsed += (hours + 6) * 3600
                x = r.random()
                found_at = [home] if x < 0.55 else [r.choice(found_places)] if x < 0.75 else []
                found_with: list[str] = []
                y = r.random()
                if y < 0.08 and self.adults_of_concern:
                    found_with = [r.choice(self.adults_of_concern)]
                elif y < 0.2:
                    found_with = [self.pick_child().id]
                    if found_with[0] == child.id:
                        found_with = []
                risk = _weighted(r, (("no_apparent_risk", 12), ("low", 30), ("medium", 45), ("high", 13)))[0]
                eid = self.next_id("mis", 6)
                yield self.missing_episode(eid, child.id, start, hours, found_at, found_with, home if r.random() < 0.5 else None, risk, bool(child.lac))
                if found_with and found_with[0].startswith("child-") and r.random() < 0.5:
                    # the friend was missing too, over much the same hours (noise for the "missing together" query)
                    friend = found_with[0]
                    yield self.missing_episode(self.next_id("mis", 6), friend, start + timedelta(minutes=r.randint(-90, 90)), hours, found_at, [child.id], None, risk, False)

    # -- corrections and retractions (always after what they change)
    def planted_changes(self) -> Iterator[dict[str, Any]]:
        agency, ref = _KEY_REFS["dob_correction"]
        yield self.rec("assertion", "csc", self.now - timedelta(days=30, hours=3), {"subject": CORRECTED_CHILD, "predicate": "date_of_birth", "value": self.corrected_dob, "supersedes": PLANTED["correction"]["supersedes"]}, method="document", scope=OPEN, ref=ref)
        agency, ref = _KEY_REFS["wrong_sighting_retraction"]
        yield self.rec("retraction", "police", self.now - timedelta(days=60), {"retracts": PLANTED["retraction"]["retracts"], "reason": "Recorded against the wrong child: the young person seen was not identified."}, ref=ref)

    def background_changes(self) -> Iterator[dict[str, Any]]:
        r = self.rng
        for kind, rec, obj in self.to_correct:
            agency, old = rec["agency"], assertion_id(rec["agency"], rec["source_ref"], "")
            t = self.after(datetime.strptime(rec["recorded_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc), 2, 24 * 20)
            if kind == "retract":
                yield self.rec("retraction", agency, t, {"retracts": old, "reason": r.choice(("Recorded against the wrong person.", "Information found to be inaccurate.", "Duplicate of another record."))})
            elif kind == "address":
                new = self.children[r.randrange(len(self.children))].home
                if new != obj:
                    fix = self.link(agency, rec["subject"], rec["predicate"], new, t, method="document", valid_from=datetime.strptime(rec["valid_from"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc))
                    fix["supersedes"] = old
                    yield fix


def generate(scale: str = "small", seed: int = 7, now: Optional[datetime] = None) -> Iterator[dict[str, Any]]:
    """Yield JSON-ready records in dependency order (an entity before anything refers to it; a
    correction after the assertion it corrects). Lazy: nothing is generated until iterated."""
    return iter(_Gen(scale, seed, now))


def write(path_or_file: "str | Path | IO[str]", scale: str = "small", seed: int = 7, now: Optional[datetime] = None) -> int:
    """Write the records as JSON Lines to a path or an open text file; return how many."""
    if isinstance(path_or_file, (str, Path)):
        with open(path_or_file, "w", encoding="utf-8", newline="\n") as f:
            return write(f, scale, seed, now)
    dumps = json.JSONEncoder(separators=(",", ":")).encode
    out, buf, n = path_or_file, [], 0
    for record in generate(scale, seed, now):
        buf.append(dumps(record))
        if len(buf) == 4096:
            out.write("\n".join(buf) + "\n")
            n += len(buf)
            buf.clear()
    if buf:
        out.write("\n".join(buf) + "\n")
        n += len(buf)
    return n
