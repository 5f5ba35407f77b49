"""Seeded generator of SYNTHETIC demo data: JSON Lines import records for a fictional local authority.

No real personal data: person names are drawn from the small built-in lists in names.py and combined
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

The package: names.py and texts.py (the vocabulary), agencies.py and scales.py, records.py (the
generator's state and record builders), planted_patterns.py, population.py and
events.py (the background), stream.py (the order, and JSON Lines).
"""

from __future__ import annotations

from .agencies import PREFIX, SCOPES
from .names import FIRST_NAMES, SURNAMES
from .planted_patterns import (ADULT_OF_CONCERN, CORRECTED_CHILD, HOTSPOT, PAIR, PAIR_EPISODES, PHONE, PLANTED, POLICE_INCIDENT, REPEAT_CHILD,
                      REPEAT_EPISODES, SIBLING_PARENT, SIBLINGS, VEHICLE, WRONG_CHILD, YJS_CHILD, planted)
from .scales import DEFAULT_NOW, SCALES
from .stream import count_assertions, generate, write

__all__ = ["generate", "write", "PLANTED", "planted", "SCALES", "DEFAULT_NOW", "count_assertions", "FIRST_NAMES", "SURNAMES",
           # the agencies' source-ref prefixes and the scopes records carry, and the planted patterns' ids
           "PREFIX", "SCOPES", "HOTSPOT", "REPEAT_CHILD", "PAIR", "ADULT_OF_CONCERN", "CORRECTED_CHILD", "SIBLINGS", "SIBLING_PARENT", "YJS_CHILD",
           "WRONG_CHILD", "VEHICLE", "PHONE", "REPEAT_EPISODES", "PAIR_EPISODES", "POLICE_INCIDENT"]
