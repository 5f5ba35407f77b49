"""Events: contacts, incidents, hospital attendances, strategy meetings, arrests, school and
placement moves, and missing episodes, through the year before "now" (weekdays busier than
weekends); the missing-episode and contact records the planted patterns use too."""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Iterator, Optional

from .agencies import HEALTH, POLICE, SHARED
from .draws import poisson, weighted
from .records import fmt
from .texts import ARRESTS, CONCERNS, CONTACT_OUTCOMES, HOSPITAL, HOSPITAL_OUTCOMES, INCIDENTS, REFERRERS, RHI_NONE, STRATEGY_OUTCOMES

if TYPE_CHECKING:
    from .records import Generator


def contact(gen: Generator, eid: str, cid: str, t: datetime) -> dict[str, Any]:
    r = gen.r
    referrer = weighted(r, REFERRERS)[0]
    outcome, action, _ = weighted(r, CONTACT_OUTCOMES)
    return gen.event("csc", eid, "contact", t, None,
                      {"summary": f"Contact from {referrer}: {r.choice(CONCERNS)}", "outcome": outcome, "action_taken": action},
                      [(cid, "subject"), (gen.pro(referrer), "reporter")], gen.after(t, 0.5, 30), method="third_party")


def missing_episode(gen: Generator, eid: str, child: str, start: datetime, hours: float, found_at: list[str], found_with: list[str],
                    last_seen: Optional[str], risk: str, lac: bool) -> dict[str, Any]:
    r = gen.r
    end = start + timedelta(seconds=int(hours * 3600))
    attrs: dict[str, Any] = {
        "episode_type": "away_without_authorisation" if lac and r.random() < 0.25 else "missing",
        "police_reference": gen.police_ref("MPR", start),
        "risk_grade": risk,
    }
    latest = end
    cap = gen.now - timedelta(hours=2)
    if r.random() < 0.93:
        offered = end + timedelta(hours=r.uniform(1, 60))
        if offered < cap:
            attrs["rhi_offered_on"] = fmt(offered)
            latest = offered
            accepted = r.random() < 0.72
            attrs["rhi_accepted"] = accepted
            if accepted:
                # about two thirds within 72 hours of return
                done = end + timedelta(hours=r.uniform(4, 72) if r.random() < 0.67 else r.uniform(73, 400))
                done = max(done, offered)
                if done < cap:
                    attrs["rhi_completed_on"] = fmt(done)
                    latest = done
            else:
                attrs["rhi_reason_none"] = r.choice(RHI_NONE[:1] + RHI_NONE[2:])
    else:
        attrs["rhi_reason_none"] = r.choice(RHI_NONE[1:])
    return gen.event("csc", eid, "missing_episode", start, end, attrs, [(child, "subject")], gen.after(latest, 1, 48),
                      occurred_at=last_seen, found_at=found_at, found_with=found_with, method="document")


def duration(r: random.Random) -> float:
    x = r.random()
    if x < 0.07:
        return r.uniform(0.75, 2)
    if x < 0.82:
        return math.exp(r.uniform(math.log(2), math.log(24)))
    if x < 0.96:
        return r.uniform(24, 72)
    return r.uniform(72, 24 * 6)


def daily(gen: Generator, per_year: int) -> Iterator[datetime]:
    """Event start times through the year, in order: weekdays busier than weekends."""
    r = gen.rng
    mean = per_year / 365
    for d in range(365):
        day = gen.year_start + timedelta(days=d)
        factor = 1.15 if day.weekday() < 5 else 0.62
        n = poisson(r, mean * factor)
        for s in sorted(r.randint(6 * 3600, 23 * 3600) for _ in range(n)):
            t = day.replace(hour=0, minute=0, second=0) + timedelta(seconds=s)
            if t < gen.now - timedelta(hours=12):  # over (and recorded) before now
                yield t


def background(gen: Generator) -> Iterator[dict[str, Any]]:
    c, r = gen.cfg, gen.rng
    for t in daily(gen, c.contacts):
        yield contact(gen, gen.next_id("contact", 7), gen.pick_child().id, t)
    places = gen.places
    for t in daily(gen, c.incidents):
        child = gen.pick_child()
        summary, role, action = r.choice(INCIDENTS)
        parts = [(child.id, role)]
        if r.random() < 0.25:
            other = r.choice(gen.adults_of_concern if gen.adults_of_concern and r.random() < 0.3 else gen.adults)
            parts.append((other, "suspect" if role == "victim" else "witness" if role == "suspect" else "subject"))
        where = child.home if "home" in summary else r.choice(places)
        allegation = role in ("victim", "suspect")
        end = t + timedelta(minutes=r.randint(10, 180))
        yield gen.event("police", gen.next_id("incident", 7), "incident", t, end,
                         {"summary": summary, "police_reference": gen.police_ref("INC", t), "action_taken": action}, parts,
                         gen.after(end, 0.5, 30), occurred_at=where, status="allegation" if allegation else "fact",
                         scope=POLICE if r.random() < 0.1 else SHARED)
    for t in daily(gen, c.hospital):
        child = gen.pick_child()
        outcome = weighted(r, HOSPITAL_OUTCOMES)[0]
        yield gen.event("health", gen.next_id("hosp", 7), "hospital_attendance", t, t + timedelta(hours=r.uniform(1, 9)),
                         {"summary": r.choice(HOSPITAL), "outcome": outcome}, [(child.id, "subject")], gen.after(t, 10, 60), scope=HEALTH,
                         notify=outcome.endswith("referral"))
    for t in daily(gen, c.strategy):
        child = gen.pick_child()
        attendees = [(gen.pro(a), "attendee") for a in ("police", "health", "education")[: r.randint(1, 3)]]
        end = t + timedelta(minutes=r.randint(30, 120))
        yield gen.event("csc", gen.next_id("strategy", 6), "strategy_meeting", t, end,
                         {"summary": f"Strategy discussion about {r.choice(CONCERNS)}", "outcome": r.choice(STRATEGY_OUTCOMES)},
                         [(child.id, "subject"), *attendees], gen.after(end, 1, 48), status="professional_judgement")
    for t in daily(gen, c.arrests):
        who = gen.pick_child().id if r.random() < 0.6 else r.choice(gen.adults_of_concern or gen.adults)
        yield gen.event("police", gen.next_id("arrest", 6), "arrest", t, None, {"summary": r.choice(ARRESTS), "police_reference": gen.police_ref("ARR", t)},
                         [(who, "suspect")], gen.after(t, 1, 12), occurred_at=r.choice(places), status="allegation")
    for cid, old, new, when in gen.school_moves:
        yield gen.event("education", gen.next_id("smove", 6), "school_move", when, None,
                         {"summary": f"Moved from {gen.school_names[old]} to {gen.school_names[new]}", "outcome": r.choice(("Managed move", "Parental choice", "Permanent exclusion: new place found", "House move"))},
                         [(cid, "subject")], gen.after(when, 1, 120), occurred_at=new, method="document")
    for cid, old, new, when in gen.placement_moves:
        yield gen.event("csc", gen.next_id("pmove", 6), "placement_move", when, None,
                         {"summary": "Placement moved", "outcome": r.choice(("Planned move", "Placement breakdown", "Move closer to school"))},
                         [(cid, "subject")], gen.after(when, 1, 72), occurred_at=new, method="document")
    yield from missing(gen)


def missing(gen: Generator) -> Iterator[dict[str, Any]]:
    c, r = gen.cfg, gen.rng
    found_places = gen.places
    for child in gen.children:
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
        hours_each = [duration(r) for _ in range(n)]
        busy = sum(h + 6 for h in hours_each) * 3600
        window = 364 * 86400 - busy
        if window <= 0:
            continue
        offsets = sorted(r.uniform(0, window) for _ in range(n))
        elapsed = 0.0
        for s, hours in zip(offsets, hours_each):
            start = gen.year_start + timedelta(seconds=int(s + elapsed))
            elapsed += (hours + 6) * 3600
            x = r.random()
            found_at = [home] if x < 0.55 else [r.choice(found_places)] if x < 0.75 else []
            found_with: list[str] = []
            y = r.random()
            if y < 0.08 and gen.adults_of_concern:
                found_with = [r.choice(gen.adults_of_concern)]
            elif y < 0.2:
                found_with = [gen.pick_child().id]
                if found_with[0] == child.id:
                    found_with = []
            risk = weighted(r, (("no_apparent_risk", 12), ("low", 30), ("medium", 45), ("high", 13)))[0]
            eid = gen.next_id("mis", 6)
            yield missing_episode(gen, eid, child.id, start, hours, found_at, found_with, home if r.random() < 0.5 else None, risk, bool(child.lac))
            if found_with and found_with[0].startswith("child-") and r.random() < 0.5:
                # the friend was missing too, over much the same hours (noise for the "missing together" query)
                friend = found_with[0]
                yield missing_episode(gen, gen.next_id("mis", 6), friend, start + timedelta(minutes=r.randint(-90, 90)), hours, found_at, [child.id], None, risk, False)
