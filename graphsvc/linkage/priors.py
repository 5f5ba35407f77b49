"""What a match looks like when the store's records cannot say: m probabilities from domain
knowledge, for the comparisons EM could not estimate sensibly.

EM learns m (how often each level occurs among true matches) from the pairs it is given. In a
store with few or no duplicates yet (a new deployment; the large-la demo before identities are
planted) it converges on something else: an exact surname or date of birth counting *against*
a match. A trained comparison whose agreement level does not favour a match, or whose
disagreement level does not count against one, or that was left untrained, takes these instead.
"""

from __future__ import annotations

from typing import Any

# comparison -> m for its levels after the null level, in the order model.comparisons lists them
M: dict[str, tuple[float, ...]] = {
    "first_name": (0.85, 0.06, 0.05, 0.025, 0.014, 0.001),  # exact, nickname, JW .92, JW .8, swapped, other
    "surname": (0.85, 0.06, 0.03, 0.02, 0.04),  # exact, JW .92, Soundex, JW .8, other (names change)
    "dob": (0.9, 0.025, 0.07, 0.005),  # exact, day/month swapped, one field off, other (model.DIFFERENT_DOB_M)
    "gender": (0.97, 0.03),
    "postcode": (0.6, 0.15, 0.25),  # exact, district, other (people move)
    "nhs": (0.98, 0.02),
    "upn": (0.98, 0.02),
    "pnc": (0.98, 0.02),
}


def _sensible(levels: list[dict[str, Any]]) -> bool:
    """The first level (agreement) favours a match, and the last (the rest), if EM saw it among
    matches at all, counts against one."""
    first, last = levels[0], levels[-1]
    if first.get("m_probability") is None or first.get("u_probability") is None:
        return False
    if last.get("m_probability") is None or last.get("u_probability") is None:
        return first["m_probability"] > first["u_probability"]
    return first["m_probability"] > first["u_probability"] and last["m_probability"] < last["u_probability"]


def checked(splink: dict[str, Any]) -> list[str]:
    """In place: a comparison of the trained model that is not _sensible takes the prior m of
    every level; one that is takes them only for the levels EM never saw among matches (Splink
    would use a flat default there). Returns the names of the comparisons replaced outright,
    kept in the saved model so a reader knows which were not learned."""
    replaced = []
    for comparison in splink["comparisons"]:
        name = comparison["output_column_name"]
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        if name not in M or len(M[name]) != len(levels):
            continue
        outright = not _sensible(levels)
        for level, m in zip(levels, M[name]):
            if not level.get("fix_m_probability") and (outright or level.get("m_probability") is None):
                level["m_probability"] = m
        if outright:
            replaced.append(name)
    return replaced
