"""The fictional local authority's agencies, the access scopes its records carry, and where
source references start."""

from __future__ import annotations

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
