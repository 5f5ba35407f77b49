"""How much a demo generates (small, large-la) and the fixed "now" its times end before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

DEFAULT_NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)

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
