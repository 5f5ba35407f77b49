"""The cyclic garbage collector: as graphsvc's processes run it, and around bulk work.

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
# Objects made (less those freed) between collections of the youngest generation; CPython's
# default is 700. A pattern read makes some 10^5 objects that live until it returns (the rows
# of a Neo4j answer, the links built from them), and every 700 the collector walked those
# made so far again, freeing nothing. Measured at large-la, sharedContexts on Neo4j through
# the store, 120 calls each: p50 79.5 ms at 700, 67.9 at 5,000, 66.7 at 20,000, 64.8 at 100,000.
YOUNG_GENERATION = 10_000


def for_service() -> None:
    """The collector as every graphsvc process runs it (the CLI's commands, the server, the
    bench and the servers it starts): collections of the youngest generation less often."""
    gc.set_threshold(YOUNG_GENERATION, *gc.get_threshold()[1:])


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
