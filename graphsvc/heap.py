"""The cyclic garbage collector around bulk work.

Importing or opening a large store makes millions of long-lived objects. Each automatic
collection walks every object made so far, so during bulk work they cost a quarter of the
time and free nothing (assertions form no cycles). After it, the survivors are frozen out of
the collector's reach, or every later full collection pauses requests for seconds.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused() -> Iterator[None]:
    """No automatic collections inside; restored after (nested uses leave it to the outermost)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def settle() -> None:
    """Collect once, then move what survived (the projection) out of the collector's reach."""
    gc.collect()
    gc.freeze()
