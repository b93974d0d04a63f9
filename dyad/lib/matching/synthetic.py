"""Synthetic match rounds for benchmarks and tests: deterministic for a given seed.

Popularity is skewed (Zipf-like): a few guides are on almost every list, many are on none,
as in real rounds where everyone asks for the same well-known faculty.
"""

from __future__ import annotations

import numpy as np

from .problem import Problem
from .score import AVOID, PREFER, Compatibility, Profile, ScoreWeights

CONTENT_AREAS = [f"area {i}" for i in range(25)]
CAREER_GOALS = [f"goal {i}" for i in range(8)]
INTERESTS = [f"interest {i}" for i in range(30)]
LANGUAGES = ["Spanish", "French", "Mandarin", "Arabic", "Hindi", "Tagalog"]


def _profile(rng, areas, goals, interests, languages) -> Profile:
    def pick(values, low, high):
        count = int(rng.integers(low, high + 1))
        return [values[i] for i in rng.choice(len(values), size=count, replace=False)]

    return Profile(
        content_areas=pick(CONTENT_AREAS, *areas),
        career_goals=pick(CAREER_GOALS, *goals),
        interests=pick(INTERESTS, *interests),
        languages=pick(LANGUAGES, *languages),
    )


def popular_lists(rng, n_learners, n_guides, length, skew) -> list[list[int]]:
    """Each learner's list of `length` distinct guides, drawn with Zipf-like popularity."""
    length = min(length, n_guides)
    weights = 1.0 / np.arange(1, n_guides + 1) ** skew
    by_popularity = rng.permutation(n_guides)
    cdf = np.cumsum(weights / weights.sum())
    lists = []
    for _ in range(n_learners):
        chosen: dict[int, None] = {}
        while len(chosen) < length:
            draws = np.searchsorted(cdf, rng.random(3 * length), side="right")
            for d in by_popularity[np.minimum(draws, n_guides - 1)].tolist():
                chosen.setdefault(d)
        lists.append(list(chosen)[:length])
    return lists


def synthetic_round(
    n_learners: int,
    n_guides: int,
    *,
    list_length: int = 20,
    max_capacity: int = 3,
    skew: float = 1.0,
    seed: int = 0,
    forbidden_share: float = 0.01,
    guide_rank_share: float = 0.05,
    mark_share: float = 0.02,
    pins: int = 0,
    weights: ScoreWeights | None = None,
) -> tuple[Problem, Compatibility]:
    rng = np.random.default_rng(seed)
    prefs = popular_lists(rng, n_learners, n_guides, list_length, skew)
    capacities = rng.integers(1, max_capacity + 1, size=n_guides).tolist()
    learner_profiles = [_profile(rng, (1, 3), (1, 2), (2, 4), (0, 1)) for _ in range(n_learners)]
    guide_profiles = [_profile(rng, (2, 5), (1, 3), (2, 5), (0, 2)) for _ in range(n_guides)]

    listed_by: dict[int, list[int]] = {}
    for learner, guides in enumerate(prefs):
        for guide in guides:
            listed_by.setdefault(guide, []).append(learner)
    guide_ranks = {
        guide: [int(x) for x in rng.permutation(listed_by[guide])]
        for guide in sorted(listed_by)
        if rng.random() < guide_rank_share
    }
    marks = {}
    for learner, guides in enumerate(prefs):
        for guide in guides:
            if rng.random() < mark_share:
                marks[learner, guide] = PREFER if rng.random() < 0.7 else AVOID

    forbidden = set()
    for learner in np.flatnonzero(rng.random(n_learners) < forbidden_share).tolist():
        if prefs[learner] and rng.random() < 0.5:
            forbidden.add((learner, prefs[learner][int(rng.integers(len(prefs[learner])))]))
        forbidden.add((learner, int(rng.integers(n_guides))))

    pinned = []
    room = list(capacities)
    for learner in rng.permutation(n_learners)[:pins].tolist():
        options = [g for g in prefs[learner] if room[g] > 0 and (learner, g) not in forbidden]
        if options:
            room[options[0]] -= 1
            pinned.append((learner, options[0]))

    compat = Compatibility(
        learner_prefs=prefs,
        learner_profiles=learner_profiles,
        guide_profiles=guide_profiles,
        guide_ranks=guide_ranks,
        guide_marks=marks,
        weights=weights or ScoreWeights(),
    )
    problem = Problem(
        learner_prefs=prefs,
        capacities=capacities,
        scores=compat.model(),
        guide_ranks=guide_ranks,
        forbidden=frozenset(forbidden),
        pinned=tuple(pinned),
    )
    return problem, compat
