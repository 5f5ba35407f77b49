"""The background population: agencies and their professionals, places and objects, families
of children and adults known to agencies, their links (sightings, groups, phones, vehicles,
associations), and later corrections and retractions of some of those links."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Iterator

from ..model import assertion_id
from .agencies import AGENCIES, HOUSING, OPEN, POLICE, PREFIX, SHARED
from .draws import weighted
from .names import BODY_TYPES, COLOURS, PARK_TYPES, SCHOOL_WORDS, STREET_TYPES, STREETS, SURNAMES, TOWNS, VENUE_TYPES, VENUE_WORDS, phone_number, registration
from .records import Child

if TYPE_CHECKING:
    from .records import Generator


def agencies(gen: Generator) -> Iterator[dict[str, Any]]:
    r = gen.rng
    founded = gen.now - timedelta(days=3 * 365)
    for agency, (name, agency_type, prefix) in AGENCIES.items():
        n = gen.cfg.professionals if agency not in ("housing", "probation") else max(3, gen.cfg.professionals // 4)
        gen.pros[agency] = [f"pro-{agency}-{i:02d}" for i in range(1, n + 1)]
        yield gen.entity(agency, agency, "agency", {"name": name, "agency_type": agency_type}, founded, method="document", scope=OPEN, handling="permitted")
    for agency in AGENCIES:
        for i, pid in enumerate(gen.pros[agency]):
            t = founded + timedelta(days=r.randint(0, 700), hours=r.randint(8, 17))
            yield gen.entity(agency, pid, "professional", {"name": gen.person_name(r.random() < 0.6), "identifier": f"STAFF:{PREFIX[agency]}{i + 1:04d}"}, t, method="document", scope=OPEN, handling="permitted")
            yield gen.link(agency, pid, "works_for", agency, t, method="document", scope=OPEN, handling="permitted")


def contexts(gen: Generator) -> Iterator[dict[str, Any]]:
    c, r = gen.cfg, gen.rng
    t0 = gen.now - timedelta(days=1000)
    phases = [("primary", 0.6), ("secondary", 0.28), ("college", 0.06), ("ap", 0.06)]
    for i in range(c.schools):
        # the first four cover every phase, so any scale has a school for every age
        phase = phases[i][0] if i < 4 else weighted(r, phases)[0]
        word = SCHOOL_WORDS[i % len(SCHOOL_WORDS)]
        suffix = {"primary": "Primary School", "secondary": r.choice(("Academy", "High School")), "college": "College", "ap": "Pupil Referral Unit"}[phase]
        name = f"{word} {suffix}" + (f" ({r.choice(TOWNS)})" if i >= len(SCHOOL_WORDS) else "")
        sid = gen.next_id("school", 4)
        gen.schools[phase].append(sid)
        gen.school_names[sid] = name
        yield gen.place("education", "school", sid, name, f"{phase} provision, {r.choice(TOWNS)}", t0)
    for _ in range(c.venues):
        vid = gen.next_id("venue", 4)
        gen.places.append(vid)
        vtype = r.choice(VENUE_TYPES)
        yield gen.place(r.choice(("police", "police", "csc", "yjs")), "venue", vid, f"{r.choice(VENUE_WORDS)} {vtype}",
                         f"{vtype} on {r.choice(STREETS)} {r.choice(STREET_TYPES)}, {r.choice(TOWNS)} {gen.postcode()}", t0)
    for _ in range(c.parks):
        pid = gen.next_id("park", 4)
        gen.places.append(pid)
        yield gen.place("police", "park", pid, f"{r.choice(STREETS)} {r.choice(PARK_TYPES)}", f"Open space in {r.choice(TOWNS)}", t0)
    for i in range(c.routes):
        rid = gen.next_id("route", 4)
        gen.places.append(rid)
        name = f"Bus route {i + 1}" if i % 3 else f"{r.choice(TOWNS)} station"
        yield gen.place("police", "transport_route", rid, name, "Public transport", t0)
    for _ in range(c.peer_groups):
        gid = gen.next_id("group", 4)
        gen.groups.append(gid)
        yield gen.place(r.choice(("police", "yjs")), "peer_group", gid, f"{r.choice(STREETS)} {r.choice(('crew', 'lot', 'boys', 'girls', 'estate group'))}", "Young people seen together regularly", t0, scope=SHARED)
    for _ in range(c.online_groups):
        gid = gen.next_id("online", 4)
        gen.groups.append(gid)
        yield gen.place("police", "online_group", gid, f"{r.choice(VENUE_WORDS)} group chat", "Group chat on a messaging app", t0, scope=SHARED)
    numbers = list(range(1, 1000))
    r.shuffle(numbers)
    for k in numbers[: min(c.phones, 999)]:
        ph = gen.next_id("phone", 4)
        gen.phones.append(ph)
        name, ident = phone_number(k)
        yield gen.entity("police", ph, "phone", {"identifier": ident, "name": name}, gen.past(30, 900), method="document", scope=SHARED)
    for i in range(c.vehicles):
        vh = gen.next_id("vehicle", 4)
        gen.vehicles.append(vh)
        reg = registration(i + 1)
        if reg == "ZZ19 KXT":  # the planted vehicle's
            reg = registration(1_000_000 + i)
        yield gen.entity("police", vh, "vehicle", {"identifier": f"VRM:{reg}", "name": reg, "description": f"{r.choice(COLOURS)} {r.choice(BODY_TYPES)}"}, gen.past(30, 900), method="observed", scope=SHARED)
    for _ in range(c.placements):
        aid = gen.next_id("address", 6)
        gen.placements.append(aid)
        yield gen.entity("csc", aid, "address", {"name": gen.street_address(), "description": r.choice(("Foster placement", "Foster placement", "Children's home (registered)", "Supported accommodation (16+)"))}, t0, method="document")


def families(gen: Generator) -> Iterator[dict[str, Any]]:
    c, r = gen.cfg, gen.rng
    made = 0
    while made < c.children:
        surname = r.choice(SURNAMES)
        n_children = min(weighted(r, ((1, 45), (2, 35), (3, 15), (4, 5)))[0], c.children - made)
        addr = gen.next_id("address", 6)
        social = r.random() < 0.35
        yield gen.entity("housing" if social else "csc", addr, "address", {"name": gen.street_address()}, gen.past(100, 2000), method="document", scope=SHARED)
        moved_in = gen.past(400, 3000)
        kids_dobs = sorted((gen.dob(8, 17) for _ in range(n_children)), reverse=True)
        eldest_age = (gen.today - kids_dobs[-1]).days // 365 if kids_dobs else 10
        parents = []
        n_parents = 1 if r.random() < 0.4 else 2
        for j in range(n_parents):
            aid = gen.next_id("adult", 6)
            female = j == 0
            age = min(75, eldest_age + r.randint(19, 38))
            police = r.random() < 0.2
            concern = police and r.random() < 0.15
            if concern:
                gen.adults_of_concern.append(aid)
            gen.adults.append(aid)
            parents.append(aid)
            yield from gen.adult_records(aid, gen.person_name(female, surname if j == 0 or r.random() < 0.5 else None), gen.dob(age, age), female, police, police and r.random() < 0.2)
            yield gen.link("housing" if social else "health", aid, "lives_at", addr, gen.past(30, 400), method="document", scope=HOUSING if social else SHARED, valid_from=moved_in)
        if n_parents == 2 and r.random() < 0.5:
            yield gen.link("csc", parents[0], "family_member_of", parents[1], gen.past(30, 400), role="partner", method="self_reported")
        kids = []
        for dob in kids_dobs:
            cid = gen.next_id("child", 6)
            female = r.random() < 0.5
            name = gen.person_name(female, surname)
            # how much agency attention the child draws (contacts, incidents ...): heavy-tailed
            child = Child(cid, addr, gen.school_for(dob, r), r.lognormvariate(0, 1.0))
            kids.append(child)
            gen.children.append(child)
            yield from gen.child_records(cid, name, dob, female, police=r.random() < c.police_known)
            for p in parents:
                yield gen.link("csc", p, "family_member_of", cid, gen.past(30, 700), role="parent", method="document")
            if r.random() < c.lac_rate:
                since = gen.past(60, 1500)
                child.lac = r.choice(gen.placements) if gen.placements else addr
                child.weight *= 3
                yield gen.link("csc", cid, "lives_at", addr, gen.after(since, 2, 72), method="document", valid_from=min(moved_in, since - timedelta(days=1)), valid_to=since)
                yield gen.rec("assertion", "csc", gen.after(since, 2, 72), {"subject": cid, "predicate": "looked_after", "value": True}, method="document", valid_from=since, notify=True)
                if since > gen.year_start + timedelta(days=30) and r.random() < 0.25:
                    # a placement move within the year
                    move = gen.past(5, (gen.now - since).days - 1)
                    first = r.choice([p for p in gen.placements[:50] if p != child.lac] or [addr])
                    yield gen.link("csc", cid, "lives_at", first, gen.after(move, 2, 72), method="document", valid_from=since, valid_to=move)
                    gen.placement_moves.append((cid, first, child.lac, move))
                    yield gen.link("csc", cid, "lives_at", child.lac, gen.after(move, 2, 72), method="document", valid_from=move)
                else:
                    yield gen.link("csc", cid, "lives_at", child.lac, gen.after(since, 2, 72), method="document", valid_from=since)
            else:
                rec = gen.link("csc", cid, "lives_at", addr, gen.past(30, 400), method="document", valid_from=moved_in)
                if r.random() < c.corrections / c.children:
                    gen.to_correct.append(("address", rec, addr))
                yield rec
            # on this school's roll since the start of some academic year
            joined = gen.academic_year_start(r.randint(0, 4))
            if r.random() < c.school_moves:
                move = gen.past(10, 300)
                new = gen.school_for(dob, r)
                if new != child.school:
                    yield gen.link("education", cid, "attends", child.school, gen.after(move, 1, 120), method="document", valid_from=min(joined, move - timedelta(days=30)), valid_to=move)
                    yield gen.link("education", cid, "attends", new, gen.after(move, 1, 120), method="document", valid_from=move)
                    gen.school_moves.append((cid, child.school, new, move))
                    child.school = new
                    continue
            yield gen.link("education", cid, "attends", child.school, gen.after(joined, 24, 24 * 20), method="document", valid_from=joined)
        for i in range(len(kids)):
            for j in range(i + 1, len(kids)):
                yield gen.link("csc", kids[i].id, "family_member_of", kids[j].id, gen.past(30, 700), role="sibling", method="document")
        made += len(kids)
    # a few more adults known to agencies: relatives, partners, adults of concern
    for _ in range(max(10, c.children // 8)):
        aid = gen.next_id("adult", 6)
        female = r.random() < 0.4
        police = r.random() < 0.6
        gen.adults.append(aid)
        if police and r.random() < 0.4:
            gen.adults_of_concern.append(aid)
        yield from gen.adult_records(aid, gen.person_name(female), gen.dob(18, 45), female, police, police and r.random() < 0.3)
    gen.cum = []
    total = 0.0
    for ch in gen.children:
        total += ch.weight
        gen.cum.append(total)


def links(gen: Generator) -> Iterator[dict[str, Any]]:
    c, r = gen.cfg, gen.rng
    # seen_at: places have uneven popularity (a few busy ones, many quiet ones)
    popularity = [r.lognormvariate(0, 0.5) for _ in gen.places]
    cum, total = [], 0.0
    for p in popularity:
        total += p
        cum.append(total)
    for _ in range(c.seen_at):
        child = gen.pick_child()
        place = r.choices(gen.places, cum_weights=cum)[0]
        agency = weighted(r, (("police", 60), ("yjs", 15), ("csc", 15), ("education", 10)))[0]
        t = gen.year_start + timedelta(seconds=r.randint(0, 365 * 86400 - 7200))
        kw = {"method": "observed"} if agency == "police" else {"method": r.choice(("third_party", "self_reported")), "status": r.choice(("fact", "allegation", "opinion"))}
        rec = gen.link(agency, child.id, "seen_at", place, gen.after(t, 1, 96), valid_from=t, scope=POLICE if agency == "police" and r.random() < 0.15 else SHARED, **kw)
        if agency == "police" and r.random() < c.retractions / (1.2 * c.seen_at):
            gen.to_correct.append(("retract", rec, place))
        yield rec
    for _ in range(c.memberships):
        child = gen.pick_child()
        agency = r.choice(("police", "yjs"))
        t = gen.past(10, 365)
        yield gen.link(agency, child.id, "member_of", r.choice(gen.groups), gen.after(t, 1, 200), valid_from=t, method="third_party", status=r.choice(("fact", "opinion", "professional_judgement")))
    # phones and vehicles: phones to children and adults of concern; vehicles to adults
    people = [ch.id for ch in gen.children]
    for ph in gen.phones:
        for _ in range(r.choice((1, 1, 1, 2, 3))):
            owner = r.choice(gen.adults_of_concern) if gen.adults_of_concern and r.random() < 0.4 else r.choice(people)
            t = gen.past(5, 500)
            yield gen.link("police", owner, "owns_uses", ph, gen.after(t, 1, 300), method=r.choice(("document", "third_party")), status=r.choice(("fact", "allegation")), scope=POLICE if r.random() < 0.3 else SHARED, valid_from=t)
    for vh in gen.vehicles:
        owner = r.choice(gen.adults_of_concern) if gen.adults_of_concern and r.random() < 0.3 else r.choice(gen.adults)
        t = gen.past(5, 900)
        yield gen.link("police", owner, "owns_uses", vh, gen.after(t, 1, 300), method="document", scope=POLICE if r.random() < 0.2 else SHARED, valid_from=t)
    for _ in range(c.associations):
        a = gen.pick_child()
        other = r.choice(gen.adults_of_concern) if gen.adults_of_concern and r.random() < 0.25 else gen.pick_child().id
        if other == a.id:
            continue
        agency = weighted(r, (("police", 60), ("yjs", 15), ("csc", 20), ("education", 5)))[0]
        t = gen.past(5, 365)
        police_intel = agency == "police" and r.random() < 0.5
        rec = gen.link(agency, a.id, "associates_with", other, gen.after(t, 1, 300), valid_from=t, method=r.choice(("observed", "third_party", "self_reported")),
                        status=r.choice(("fact", "allegation", "opinion")), scope=POLICE if police_intel else SHARED,
                        handling="no_onward_sharing" if police_intel else "originator_consent")
        if r.random() < c.retractions / (2 * c.associations):
            gen.to_correct.append(("retract", rec, other))
        yield rec


def changes(gen: Generator) -> Iterator[dict[str, Any]]:
    r = gen.rng
    for kind, rec, obj in gen.to_correct:
        agency, old = rec["agency"], assertion_id(rec["agency"], rec["source_ref"], "")
        t = gen.after(datetime.strptime(rec["recorded_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc), 2, 24 * 20)
        if kind == "retract":
            yield gen.rec("retraction", agency, t, {"retracts": old, "reason": r.choice(("Recorded against the wrong person.", "Information found to be inaccurate.", "Duplicate of another record."))})
        elif kind == "address":
            new = gen.children[r.randrange(len(gen.children))].home
            if new != obj:
                fix = gen.link(agency, rec["subject"], rec["predicate"], new, t, method="document", valid_from=datetime.strptime(rec["valid_from"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc))
                fix["supersedes"] = old
                yield fix
