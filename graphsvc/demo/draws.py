"""Seeded draws the generator makes beyond the random module's own."""

from __future__ import annotations

import math
import random
from typing import Any


def weighted(rng: random.Random, pairs: tuple) -> Any:
    total = sum(p[-1] for p in pairs)
    x = rng.random() * total
    for p in pairs:
        x -= p[-1]
        if x < 0:
            return p
    return pairs[-1]


def poisson(rng: random.Random, mean: float) -> int:
    if mean > 30:
        return max(0, int(round(rng.gauss(mean, math.sqrt(mean)))))
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k
