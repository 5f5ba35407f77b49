"""Building blocks the report's Markdown sections share."""

from __future__ import annotations

from typing import Any, Callable


def section(heading: str, part: dict[str, Any], body: Callable[[], list[str]]) -> list[str]:
    """A section's lines: a blank line, its heading and a blank line, then its body, or instead
    the error that stopped its part of the run (a failed part must not cost the report)."""
    return ["", heading, "", *([f"error: {part['error']}"] if "error" in part else body())]
