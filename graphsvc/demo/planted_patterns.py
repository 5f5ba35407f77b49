"""The planted patterns: present at every scale and seed, with fixed ids (PLANTED, which the
acceptance tests check), drawn from their own seed so the background never moves them.

A hotspot venue, a child who repeatedly goes missing, two children missing together and found
with the same adult, a corrected fact and a retraction, a police-only piece of intelligence,
and siblings who both frequent the hotspot.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Iterator

from ..model import assertion_id
from .agencies import OPEN, POLICE
from .events import contact, missing_episode
from .scales import SCALES

if TYPE_CHECKING:
    from .records import Generator

# The records the correction, the retraction and the police-only intelligence are about, by source ref.
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


# --- the planted records (drawn from gen.prng: planted_mode is set while they are made) ---------


def contexts(gen: Generator) -> Iterator[dict[str, Any]]:
    t = gen.now - timedelta(days=700)
    yield gen.place("police", "venue", gen.next_id("venue", 4), "Lucky Chicken Shop", "Late-night takeaway on Station Parade, Northbrook ZZ4 7QT", t)
    yield gen.entity("police", gen.next_id("vehicle", 4), "vehicle", {"identifier": "VRM:ZZ19 KXT", "name": "ZZ19 KXT", "description": "Black hatchback"}, t, method="observed", scope=POLICE, handling="no_onward_sharing")
    yield gen.entity("police", gen.next_id("phone", 4), "phone", {"identifier": "TEL:07700900000", "name": "07700 900000"}, t, method="document", scope=POLICE, handling="no_onward_sharing")
    gen.planted_addresses = []
    for desc in ("Children's home (registered), Northbrook", None, None, None, None, None):
        aid = gen.next_id("address", 6)
        gen.planted_addresses.append(aid)
        attrs = {"name": gen.street_address()}
        if desc:
            attrs["description"] = desc
        yield gen.entity("csc", aid, "address", attrs, t, method="document")


def people(gen: Generator) -> Iterator[dict[str, Any]]:
    r = gen.prng
    home, h5, h2, h3, h4, h7 = gen.planted_addresses
    # adults: the adult of concern and the siblings' mother
    concern = gen.next_id("adult", 6)
    parent = gen.next_id("adult", 6)
    assert (concern, parent) == (ADULT_OF_CONCERN, SIBLING_PARENT)
    yield from gen.adult_records(concern, "Wayne Mitchell", gen.dob(24, 24), False, police=True, probation=True)
    yield from gen.adult_records(parent, "Kelly Bennett", gen.dob(38, 38), True, police=False, probation=False)
    yield gen.link("health", parent, "lives_at", h5, gen.past(300, 400), method="document", valid_from=gen.past(1500, 1600))
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
        assert gen.next_id("child", 6) == cid
        dob = gen.dob(age, age)
        dobs[cid] = dob
        if cid == CORRECTED_CHILD:
            # csc keyed the day and month the wrong way round; health and education have it right
            wrong = dob.replace(month=dob.day, day=dob.month) if dob.day <= 12 and dob.day != dob.month else dob - timedelta(days=366)
            gen.corrected_dob = dob.isoformat()
            agency, ref = _KEY_REFS["dob_original"]
            t = gen.past(250, 260)
            yield gen.entity("csc", cid, "child", {"name": name, "date_of_birth": wrong.isoformat(), "gender": "male", "identifier": "CSC:0000004"}, t, method="document", scope=OPEN, ref=ref)
            yield gen.person("health", cid, "child", name, dob, female, gen.nhs_number(), gen.past(2000, 3000))
            yield gen.person("education", cid, "child", name, dob, female, "UPN:Z999000000004", gen.past(1000, 2000))
        else:
            yield from gen.child_records(cid, name, dob, female, police=cid in (REPEAT_CHILD, *PAIR, YJS_CHILD, SIBLINGS[0]))
        school = gen.school_for(dob, r)
        gen.planted_schools = getattr(gen, "planted_schools", {})
        gen.planted_schools[cid] = school
        yield gen.link("education", cid, "attends", school, gen.past(300, 420), method="document", valid_from=gen.past(420, 430))
        if lac:
            since = gen.past(500, 520)
            yield gen.rec("assertion", "csc", since + timedelta(hours=6), {"subject": cid, "predicate": "looked_after", "value": True}, method="document", valid_from=since, notify=True)
            yield gen.link("csc", cid, "lives_at", home, since + timedelta(hours=6), method="document", valid_from=since)
        else:
            yield gen.link("csc", cid, "lives_at", addr, gen.past(200, 400), method="document", valid_from=gen.past(800, 1500))
    for sib in SIBLINGS:
        yield gen.link("csc", parent, "family_member_of", sib, gen.past(200, 300), role="parent", method="document")
    yield gen.link("csc", SIBLINGS[0], "family_member_of", SIBLINGS[1], gen.past(200, 300), role="sibling", method="document")
    gen.planted_dobs = dobs
    gen.concern, gen.sib_parent = concern, parent


def events(gen: Generator) -> Iterator[dict[str, Any]]:
    r = gen.prng
    home = gen.planted_addresses[0]
    # (2) repeat missing: 11 episodes in the last year, three found at the hotspot
    offsets = (352, 321, 290, 262, 230, 199, 168, 140, 101, 66, 31)
    for i, (eid, days) in enumerate(zip(REPEAT_EPISODES, offsets)):
        assert gen.next_id("mis", 6) == eid
        start = gen.now - timedelta(days=days, hours=r.randint(0, 6)) + timedelta(hours=r.choice((16, 18, 20, 21)))
        hours = (5, 19, 9, 30, 14, 7, 22, 11, 52, 16, 8)[i]
        at_hotspot = i in (3, 6, 8)
        found = [HOTSPOT] if at_hotspot else [home]
        yield missing_episode(gen, eid, REPEAT_CHILD, start, hours, found, [], home, ("medium", "high")[i % 2 == 0 and i > 5], True)
        if at_hotspot:
            end = start + timedelta(hours=hours)
            yield gen.link("police", REPEAT_CHILD, "seen_at", HOTSPOT, gen.after(end, 1, 6), valid_from=end, method="observed")
    # (3) two children missing together, found with the same adult at the hotspot, twice
    for (ea, eb), days in zip(PAIR_EPISODES, (120, 45)):
        assert gen.next_id("mis", 6) == ea
        assert gen.next_id("mis", 6) == eb
        start = gen.now - timedelta(days=days) + timedelta(hours=19)
        yield missing_episode(gen, ea, PAIR[0], start, 20, [HOTSPOT], [ADULT_OF_CONCERN], gen.planted_addresses[1], "high", False)
        yield missing_episode(gen, eb, PAIR[1], start + timedelta(minutes=40), 19.5, [HOTSPOT], [ADULT_OF_CONCERN], gen.planted_addresses[2], "high", False)
    # (1)/(6) sightings at the hotspot: siblings (police), the yjs child, the adult (police only)
    for cid, days, agency in ((SIBLINGS[0], 80, "police"), (SIBLINGS[1], 80, "police"), (SIBLINGS[1], 20, "education"), (YJS_CHILD, 60, "yjs"), (YJS_CHILD, 15, "police")):
        t = gen.now - timedelta(days=days, hours=-21)
        yield gen.link(agency, cid, "seen_at", HOTSPOT, gen.after(t, 2, 30), valid_from=t, method="observed" if agency == "police" else "self_reported")
    t = gen.now - timedelta(days=44, hours=-2)
    yield gen.link("police", ADULT_OF_CONCERN, "seen_at", HOTSPOT, gen.after(t, 1, 5), valid_from=t, scope=POLICE, handling="no_onward_sharing")
    # (5) police-only intelligence: the adult uses the vehicle, and it was seen outside the hotspot
    agency, ref = _KEY_REFS["vehicle_intel"]
    t = gen.now - timedelta(days=50)
    yield gen.link("police", ADULT_OF_CONCERN, "owns_uses", VEHICLE, gen.after(t, 24, 48), ref=ref, valid_from=t, method="third_party", status="allegation",
                    grading=("2", "B"), scope=POLICE, handling="no_onward_sharing")
    yield gen.link("police", ADULT_OF_CONCERN, "owns_uses", PHONE, gen.after(t, 24, 48), valid_from=t, method="document", grading=("1", "A"), scope=POLICE, handling="no_onward_sharing")
    assert gen.next_id("incident", 7) == POLICE_INCIDENT
    t = gen.now - timedelta(days=44, hours=-1)
    yield gen.event("police", POLICE_INCIDENT, "incident", t, t + timedelta(minutes=40),
                     {"summary": "Black hatchback ZZ19 KXT seen parked outside the venue; driver spoke to two girls believed to be under 16", "police_reference": gen.police_ref("INC", t), "action_taken": "Intelligence submitted; patrols increased."},
                     [(ADULT_OF_CONCERN, "subject")], gen.after(t, 2, 12), occurred_at=HOTSPOT, scope=POLICE, grading=("1", "B"), handling="no_onward_sharing")
    # the retracted sighting: recorded against the wrong child
    agency, ref = _KEY_REFS["wrong_sighting"]
    t = gen.now - timedelta(days=70, hours=-22)
    yield gen.link("police", WRONG_CHILD, "seen_at", HOTSPOT, gen.after(t, 2, 10), ref=ref, valid_from=t, method="observed")
    # associations and a strategy meeting about the pair
    yield gen.link("police", PAIR[0], "associates_with", ADULT_OF_CONCERN, gen.now - timedelta(days=118), valid_from=gen.now - timedelta(days=119), method="observed")
    yield gen.link("csc", PAIR[0], "associates_with", PAIR[1], gen.now - timedelta(days=117), valid_from=gen.now - timedelta(days=300), method="self_reported")
    t = gen.now - timedelta(days=40)
    eid = gen.next_id("strategy", 6)
    yield gen.event("csc", eid, "strategy_meeting", t, t + timedelta(hours=1), {"summary": "Strategy discussion: two girls missing together, found with an older male", "outcome": "Section 47 enquiry to proceed"},
                     [(PAIR[0], "subject"), (PAIR[1], "subject"), (gen.pros["police"][0], "attendee"), (gen.pros["health"][0], "attendee")],
                     gen.after(t, 2, 24), status="professional_judgement", method="observed")
    # a contact for each planted child, so their chronologies are not empty
    for cid in (REPEAT_CHILD, *PAIR, CORRECTED_CHILD, *SIBLINGS, YJS_CHILD, WRONG_CHILD):
        t = gen.past(20, 330)
        yield contact(gen, gen.next_id("contact", 7), cid, t)


def changes(gen: Generator) -> Iterator[dict[str, Any]]:
    agency, ref = _KEY_REFS["dob_correction"]
    yield gen.rec("assertion", "csc", gen.now - timedelta(days=30, hours=3), {"subject": CORRECTED_CHILD, "predicate": "date_of_birth", "value": gen.corrected_dob, "supersedes": PLANTED["correction"]["supersedes"]}, method="document", scope=OPEN, ref=ref)
    agency, ref = _KEY_REFS["wrong_sighting_retraction"]
    yield gen.rec("retraction", "police", gen.now - timedelta(days=60), {"retracts": PLANTED["retraction"]["retracts"], "reason": "Recorded against the wrong child: the young person seen was not identified."}, ref=ref)
