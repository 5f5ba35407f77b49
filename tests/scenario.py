"""A small, hand-built multi-agency scenario with known answers (all names invented)."""

from __future__ import annotations

from graphsvc.bulk import import_records
from graphsvc.model import assertion_id
from records import entity, event, link, value

SHARED = "police|csc|health|mash"

CHILD_REF = "POL-CHILD-1"
DOB_OLD = assertion_id("police", CHILD_REF, "attr:date_of_birth:0")
DOB_FIX_REF = "POL-DOB-FIX"
DOB_FIX = assertion_id("police", DOB_FIX_REF)
HEALTH_DOB_REF = "NHS-DOB-1"
HEALTH_DOB = assertion_id("health", HEALTH_DOB_REF)
INTEL_REF = "POL-INTEL-1"
INTEL = assertion_id("police", INTEL_REF)


def load(store) -> None:
    import_records(store, [
        entity("child-1", "child", source_ref=CHILD_REF, recorded_at="2026-01-02T09:00:00Z",
               attributes={"name": "Robin Testperson", "date_of_birth": "2010-05-06", "identifier": "NHS:9990000001"}),
        entity("adult-1", "adult", source_ref="POL-ADULT-1", scope=SHARED, recorded_at="2026-01-02T09:00:00Z", attributes={"name": "Dale Madeup"}),
        entity("venue-1", "venue", source_ref="POL-VENUE-1", recorded_at="2026-01-02T09:00:00Z", attributes={"name": "Late Night Chicken"}),
        value("child-1", "date_of_birth", "2010-05-06", agency="health", source_ref=HEALTH_DOB_REF, recorded_at="2026-01-03T09:00:00Z", method="document"),
        event("contact-1", "contact", "2026-01-10T11:00:00Z", agency="csc", scope=SHARED, source_ref="CSC-CONTACT-1", recorded_at="2026-01-10T12:00:00Z",
              attributes={"summary": "School reported bruising", "action_taken": "Strategy discussion held", "outcome": "Section 47 enquiry"},
              participants=[{"id": "child-1", "role": "subject"}]),
        event("incident-1", "incident", "2026-02-01T23:00:00Z", agency="police", scope=SHARED, source_ref="POL-INC-1", recorded_at="2026-02-02T08:00:00Z",
              status="allegation", attributes={"summary": "Alleged assault at venue"},
              participants=[{"id": "child-1", "role": "victim"}, {"id": "adult-1", "role": "suspect"}], occurred_at="venue-1"),
        event("mis-1", "missing_episode", "2026-03-01T18:00:00Z", agency="police", scope=SHARED, source_ref="POL-MIS-1", recorded_at="2026-03-02T08:00:00Z",
              ended_on="2026-03-02T02:00:00Z", attributes={"episode_type": "missing", "risk_grade": "medium", "action_taken": "Found by patrol"},
              participants=[{"id": "child-1", "role": "subject"}], found_at=["venue-1"], found_with=["adult-1"]),
        # Police intelligence, for police eyes only.
        link("child-1", "associates_with", "adult-1", agency="police", scope="police", source_ref=INTEL_REF, recorded_at="2026-03-03T08:00:00Z",
             method="third_party", status="allegation", source_reliability="2", information_confidence="C"),
        # The date of birth was wrong; police correct it on 1 April.
        value("child-1", "date_of_birth", "2010-06-05", agency="police", source_ref=DOB_FIX_REF, recorded_at="2026-04-01T09:00:00Z",
              supersedes=DOB_OLD, method="document"),
    ])
