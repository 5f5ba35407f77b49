"""The vocabulary's terms as the schema's descriptions name them: taken from vocabulary.py,
so a description lists exactly the terms the service accepts and gives out."""

from __future__ import annotations

from typing import Iterable, Mapping

from .. import vocabulary as v


def either(names: Iterable[str]) -> str:
    """'a, b or c'."""
    *rest, last = names
    return f"{', '.join(rest)} or {last}" if rest else last


def grades(definitions: Mapping[str, str]) -> str:
    """'1 (reliable), 2 (untested) or 3 (not reliable)': each grade with its definition's first clause."""
    return either(f"{g} ({d[0].lower()}{d[1:].split(':')[0].rstrip('.')})" for g, d in definitions.items())


METHOD = f"How the information was obtained: {either(v.METHODS)}."
STATUS = f"Whether it is recorded as {either(v.STATUSES)}."
RELIABILITY = f"How reliable the source is (police 3x5x2 grading): {grades(v.SOURCE_RELIABILITY)}. Null if not graded."
CONFIDENCE = f"How far the information can be trusted (police 3x5x2 grading): {grades(v.INFORMATION_CONFIDENCE)}. Null if not graded."
HANDLING = f"The condition on onward sharing: {either(v.HANDLING)}."
ROLE = (f"How the subject takes part in the link: in an event, {either(v.INVOLVEMENT_ROLES)}; in a family, "
        f"{either(v.FAMILY_ROLES)}. Null if the link has no role.")
