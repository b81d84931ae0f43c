"""Estimates the matcher's Fellegi-Sunter weights from data: u from random pairs, m and the match share by EM on
blocked pairs (one pass per blocking rule, each field's m taken from the passes that did not block on it).
"""

# The EM runs on the counts of comparison patterns (a few hundred distinct vectors however many pairs), with u held at
# its random-pair estimate, as Splink does: blocked pairs are not a sample of the non-matches.

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from hub.identity.matching import FIELDS, LEVELS, Person, compare

Vector = tuple[int | None, ...]
Probabilities = dict[str, list[float]]


def level_shares(vectors: Iterable[Vector], *, smoothing: float = 1.0) -> Probabilities:
    """Per field, the share of each level among the vectors that have the field (add-`smoothing` counts)."""
    counts = {f: [smoothing] * LEVELS[f] for f in FIELDS}
    for vector in vectors:
        for f, level in zip(FIELDS, vector):
            if level is not None:
                counts[f][level] += 1
    return {f: [c / sum(levels) for c in levels] for f, levels in counts.items()}


def random_pairs(people: Sequence[Person], *, count: int, seed: int = 16) -> list[Vector]:
    """Comparison vectors of `count` random pairs of distinct people (nearly all non-matches)."""
    rng = random.Random(seed)
    vectors = []
    for _ in range(count):
        a, b = rng.sample(range(len(people)), 2)
        vectors.append(compare(people[a], people[b]))
    return vectors


def _initial_m() -> Probabilities:
    """A start that says matches mostly agree: the top level 0.9, the rest shared out."""
    start: Probabilities = {}
    for f in FIELDS:
        n = LEVELS[f]
        start[f] = [0.1 / (n - 1)] * (n - 1) + [0.9]
    return start


def em(patterns: Counter[Vector], *, u: Probabilities, m: Probabilities, free: set[str], share: float = 0.1,
       iterations: int = 200, tolerance: float = 1e-9) -> tuple[float, Probabilities]:
    """EM over pattern counts with u fixed: (match share, m) of the `free` fields (the others are left out of the
    likelihood: the pass blocked on them)."""
    m = {f: list(levels) for f, levels in m.items()}
    total = sum(patterns.values())
    for _ in range(iterations):
        weighted: list[tuple[Vector, float]] = []
        for vector, n in patterns.items():
            pm, pu = share, 1.0 - share
            for f, level in zip(FIELDS, vector):
                if level is not None and f in free:  # a field the pass blocked on agrees by construction: it tells nothing
                    pm *= m[f][level]
                    pu *= u[f][level]
            weighted.append((vector, n * pm / (pm + pu)))
        new_share = sum(g for _, g in weighted) / total
        for f_index, f in enumerate(FIELDS):
            if f not in free:
                continue
            counts = [1.0] * LEVELS[f]  # one pseudo-count: a level never seen among matches gets no certainty
            for vector, g in weighted:
                level = vector[f_index]
                if level is not None:
                    counts[level] += g
            m[f] = [c / sum(counts) for c in counts]
        converged = abs(new_share - share) < tolerance
        share = new_share
        if converged:
            break
    return share, m


def estimate(
    people: Sequence[Person],
    passes: Sequence[tuple[str, Callable[[Person], str | None], set[str]]],
    *,
    pairs_for: Callable[[Callable[[Person], str | None]], Iterable[tuple[Person, Person]]],
    random_count: int = 200_000,
) -> dict[str, object]:
    """u from random pairs of `people`; per pass (name, blocking key, fields it blocks on) an EM on the pairs
    `pairs_for(key)` gives; each field's m the mean of the passes that left it free. Returns the weights document's
    "fields" and "estimation" parts."""
    u = level_shares(random_pairs(people, count=random_count))
    collected: dict[str, list[list[float]]] = {f: [] for f in FIELDS}
    runs = []
    for name, key, blocked in passes:
        patterns = Counter(compare(a, b) for a, b in pairs_for(key))
        free = {f for f in FIELDS if f not in blocked}
        share, m = em(patterns, u=u, m=_initial_m(), free=free)
        runs.append({"blocking": name, "pairs": sum(patterns.values()), "patterns": len(patterns), "match_share": share})
        for f in free:
            if any(vector[FIELDS.index(f)] is not None for vector in patterns):
                collected[f].append(m[f])
    fields: dict[str, object] = {}
    for f in FIELDS:
        if not collected[f]:
            continue
        mean = [sum(levels[i] for levels in collected[f]) / len(collected[f]) for i in range(LEVELS[f])]
        fields[f] = {
            "levels": [
                {"level": i, "m": mean[i], "u": u[f][i], "weight": math.log2(mean[i] / u[f][i])} for i in range(LEVELS[f])
            ],
            "estimated": True,
        }
    return {"fields": fields, "estimation": {"random_pairs": random_count, "passes": runs}}
