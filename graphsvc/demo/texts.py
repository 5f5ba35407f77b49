"""What the synthetic records say: concerns, outcomes and summaries, drawn at random (the
weighted ones end with their weight)."""

from __future__ import annotations

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

