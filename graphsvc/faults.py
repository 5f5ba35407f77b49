"""Named crash points, for the crash tests only: GRAPHSVC_FAULT=<name> kills this process
outright (SIGKILL: no cleanup, no flush, as `kill -9`) when it reaches the point of that name;
<name>#<n> at the n-th time it does. Each write and import passes its points in order (see
tests/test_audit_atomicity.py). Unset, as always outside the tests, a point is one comparison."""

from __future__ import annotations

import os
import signal

_NAME, _, _NTH = (os.environ.get("GRAPHSVC_FAULT") or "").partition("#")
_ARMED = _NAME or None  # read once: the tests set it for the process they start
_seen = 0


def point(name: str) -> None:
    global _seen
    if _ARMED is not None and name == _ARMED:
        _seen += 1
        if _seen >= int(_NTH or 1):
            os.kill(os.getpid(), signal.SIGKILL)
