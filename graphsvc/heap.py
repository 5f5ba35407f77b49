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

_swept = False  # the outermost pause began with a collection (see paused)


@contextmanager
def paused(sweep: bool = False) -> Iterator[None]:
    """No automatic collections inside; restored after (nested uses leave it to the outermost).

    sweep: begin with a collection, for work that makes millions of objects (a bulk import):
    then `settle` inside need not collect, which would walk all of them to free nothing."""
    global _swept
    outermost = gc.isenabled()
    if outermost and sweep:
        gc.collect()
    gc.disable()
    if outermost:
        _swept = sweep
    try:
        yield
    finally:
        if outermost:
            _swept = False
            gc.enable()


def settle() -> None:
    """Collect (unless the pause began with one: what bulk work makes forms no cycles), then
    move what survived (the projection) out of the collector's reach."""
    if not _swept:
        gc.collect()
    gc.freeze()
