"""Scored candidate pairs, as import records of same_person_as / possibly_same_person links.

Each candidate carries Splink's match probability and weight and, per comparison, the level
it fell in and the match weight it added (what Splink's waterfall chart shows). Its scope is
the conjunction of the scopes of every assertion the two rows were built from: a derived
assertion may never be seen by someone who could not see its evidence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Optional, Sequence

from .. import scope as scopes
from ..settings import BY_NAME
from .model import Model, linker
from .people import PersonRow

# The defaults of the settings GRAPHSVC_LINKAGE_REVIEW, _ACCEPT and _AGENCY (settings.py).
REVIEW_THRESHOLD: float = BY_NAME["GRAPHSVC_LINKAGE_REVIEW"].default
ACCEPT_THRESHOLD: float = BY_NAME["GRAPHSVC_LINKAGE_ACCEPT"].default
AGENCY: str = BY_NAME["GRAPHSVC_LINKAGE_AGENCY"].default
RECORDED_BY = "linkage-splink"
SAME, POSSIBLY = "same_person_as", "possibly_same_person"
METHOD = "matched_probabilistic"


@dataclass(frozen=True)
class Candidate:
    left: str  # the lower id of the pair
    right: str
    probability: float
    match_weight: float
    evidence: dict[str, Any]  # comparison -> {"level", "match_weight"}; and the prior
    scope: str
    assertions: tuple[str, ...]  # the ids of the assertions the pair was computed from


def scope_of(rows: Iterable[PersonRow]) -> str:
    """Every distinct non-empty scope of the rows' assertions, each parenthesised, joined with
    `&` (an empty scope is visible to any reader, so adds nothing); "" when all are empty."""
    found = sorted({s for row in rows for s in row.evidence.values() if s})
    expression = "&".join(f"({s})" for s in found)
    scopes.validate(expression)  # each part was valid when written: so is their conjunction
    return expression


def _levels(model: Model) -> dict[str, dict[int, str]]:
    """For each comparison, its gamma value -> the level's label. Splink numbers the null level
    -1 and the others from (their count - 1) down to 0, in the order listed."""
    out: dict[str, dict[int, str]] = {}
    for comparison in model.splink["comparisons"]:
        levels = comparison["comparison_levels"]
        rest = [lv for lv in levels if not lv.get("is_null_level")]
        labels = {len(rest) - 1 - i: lv.get("label_for_charts") or lv["sql_condition"] for i, lv in enumerate(rest)}
        if len(rest) != len(levels):
            labels[-1] = "missing on one side or both"
        out[comparison["output_column_name"]] = labels
    return out


def _evidence(pair: dict[str, Any], levels: dict[str, dict[int, str]], prior: float) -> dict[str, Any]:
    """The waterfall of one pair: the prior match weight, then each comparison's level, match
    weight and term-frequency adjustment; they sum to the pair's match weight. Levels and
    weights only, never the compared values: the evidence names no one."""
    out: dict[str, Any] = {"prior": {"match_weight": round(prior, 4)}}
    for name, labels in levels.items():
        gamma = int(pair[f"gamma_{name}"])
        found = {"level": labels.get(gamma, str(gamma)), "match_weight": round(float(pair.get(f"mw_{name}") or 0), 4)}
        if pair.get(f"mw_tf_adj_{name}"):
            found["tf_adjustment"] = round(float(pair[f"mw_tf_adj_{name}"]), 4)
        out[name] = found
    return out


def predict(model: Model, rows: Sequence[PersonRow], review: float = REVIEW_THRESHOLD) -> list[Candidate]:
    """Every pair the blocking rules find with probability at or above `review`, by pair."""
    by_id = {row.id: row for row in rows}
    if len(by_id) < 2:
        return []
    scored = linker([row.features() for row in rows], model).inference.predict(threshold_match_probability=review)
    levels = _levels(model)
    chance = float(model.splink["probability_two_random_records_match"])
    prior = math.log2(chance / (1 - chance))
    out = []
    for pair in scored.as_record_list():
        left, right = sorted((pair["unique_id_l"], pair["unique_id_r"]))
        two = (by_id[left], by_id[right])
        out.append(Candidate(left, right, float(pair["match_probability"]), float(pair["match_weight"]),
                             _evidence(pair, levels, prior), scope_of(two), tuple(sorted({*two[0].evidence, *two[1].evidence}))))
    return sorted(out, key=lambda c: (c.left, c.right))


def to_records(candidates: Iterable[Candidate], model: Model, review: float = REVIEW_THRESHOLD, accept: float = ACCEPT_THRESHOLD,
               agency: str = AGENCY, recorded_by: str = RECORDED_BY) -> list[dict[str, Any]]:
    """An import record for each candidate at or above `review`: same_person_as from `accept`,
    possibly_same_person below it. The source_ref names the predicate and the pair, so a rerun
    makes the same assertion ids (model.assertion_id)."""
    out = []
    for c in candidates:
        if c.probability < review:
            continue
        predicate = SAME if c.probability >= accept else POSSIBLY
        record: dict[str, Any] = {
            "type": "assertion", "subject": c.left, "predicate": predicate, "object": c.right,
            # ingest takes exactly these two keys (vocabulary.VALUED_LINKS)
            "value": {"probability": round(c.probability, 6),
                      "evidence": {"model": model.version, "match_weight": round(c.match_weight, 4), "waterfall": c.evidence}},
            "agency": agency, "recorded_by": recorded_by, "source_ref": source_ref(predicate, c.left, c.right),
            "method": METHOD, "status": "opinion", "scope": c.scope,
        }
        out.append(record)
    return out


def source_ref(predicate: str, left: str, right: str) -> str:
    return f"linkage:{predicate}:{left}:{right}"


def pair_key(left: str, right: str) -> tuple[str, str]:
    return (left, right) if left <= right else (right, left)


def find(candidates: Sequence[Candidate], left: str, right: str) -> Optional[Candidate]:
    key = pair_key(left, right)
    return next((c for c in candidates if (c.left, c.right) == key), None)
