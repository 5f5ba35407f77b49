"""The generator's state and its record builders: ids and source references, times, and the
JSON-ready entity, assertion and event records, each drawn from the planted patterns' random
stream while ``planted_mode`` is set and from the seed's otherwise."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterator, Optional

from . import names
from .agencies import AGENCIES, OPEN, PLANTED_REF_BASE, PREFIX, SHARED
from .names import FEMALE_FIRST, MALE_FIRST, POSTCODE_LETTERS, STREET_TYPES, STREETS, SURNAMES, TOWNS
from .scales import DEFAULT_NOW, SCALES


def fmt(t: datetime) -> str:
    # Times are UTC; isoformat is several times faster than strftime (sub-seconds are dropped).
    return t.isoformat()[:19] + "Z"


class Child:
    """What the event generators need to know about a background child: kept for every child."""

    __slots__ = ("id", "home", "school", "lac", "weight")

    def __init__(self, id: str, home: str, school: str, weight: float):
        self.id, self.home, self.school, self.weight = id, home, school, weight
        self.lac: Optional[str] = None  # placement address when looked after


class Generator:
    """One demo's state: its two random streams (the seed's, and the planted patterns' own), id and
    reference counters, and what later records need to know of the people and places made so far."""

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
        self.children: list[Child] = []
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
               "recorded_at": fmt(recorded_at), "method": method, "status": status}
        if valid_from is not None:
            out["valid_from"] = fmt(valid_from)
        if valid_to is not None:
            out["valid_to"] = fmt(valid_to)
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
        body: dict[str, Any] = {"id": id, "kind": kind, "occurred_on": fmt(start)}
        if end is not None:
            body["ended_on"] = fmt(end)
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


    def place(self, agency: str, kind: str, id: str, name: str, description: str, t: datetime, scope: str = OPEN) -> dict[str, Any]:
        return self.entity(agency, id, kind, {"name": name, "description": description}, t, method="document", scope=scope, handling="permitted")

    def person(self, agency: str, pid: str, kind: str, name: str, dob: date, female: bool, identifier: Optional[str], t: datetime, **kw: Any) -> dict[str, Any]:
        attrs: dict[str, Any] = {"name": name, "date_of_birth": dob.isoformat()}
        if agency in ("csc", "health"):
            attrs["gender"] = "female" if female else "male"
        if identifier:
            attrs["identifier"] = identifier
        return self.entity(agency, pid, kind, attrs, t, method="document", scope=OPEN, **kw)

    def nhs_number(self) -> str:
        self.nhs += 1
        return names.nhs_number(self.nhs)

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

    def pick_child(self) -> Child:
        return self.rng.choices(self.children, cum_weights=self.cum)[0]
