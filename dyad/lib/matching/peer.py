"""Peer-advisor pairing: every incoming intern gets one senior resident volunteer, spread
as evenly as the volunteers' places and the forbidden pairs allow, then by best fit."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np

from .optimal import optimal_match
from .problem import Problem
from .score import ScoreModel


def balanced_pairing(
    *,
    n_interns: int,
    capacities: Sequence[int],
    loads: Sequence[int],
    scores,
    forbidden: Collection[tuple[int, int]] = (),
) -> tuple[int | None, ...]:
    """Give each intern 0..n-1 one volunteer 0..m-1, or None when none can take them.

    capacities[v]: how many interns volunteer v takes in all; loads[v]: how many they
    have already. scores[i][v]: the pair's compatibility (integers). Pairs in `forbidden`
    are never made. In this order, the answer:

    1. pairs as many interns as possible;
    2. spreads them as evenly as the capacities and forbidden pairs allow, counting the
       interns each volunteer has already: no volunteer's load could be lowered without
       raising that of another to the same or more (loads then differ by at most one
       whenever the capacities and forbidden pairs permit it);
    3. among the most even answers, has the highest total compatibility.

    How: each volunteer's free places become slots, the k-th intern of a volunteer costing
    k * `step` points. These costs grow with the load, so the engine's optimal solver
    (most pairs, then the highest total score) fills the least loaded volunteers first;
    `step` is larger than any difference of total compatibility, so evenness comes first.
    The same input gives the same answer.
    """
    m = len(capacities)
    if len(loads) != m:
        raise ValueError("one load is needed per volunteer")
    scores = np.asarray(scores, dtype=np.int64).reshape(n_interns, m)
    forbidden = {(int(i), int(v)) for i, v in forbidden}
    slot_volunteer, slot_level = [], []
    for volunteer in range(m):
        for level in range(int(loads[volunteer]) + 1, int(capacities[volunteer]) + 1):
            slot_volunteer.append(volunteer)
            slot_level.append(level)
    if not n_interns or not slot_volunteer:
        return (None,) * n_interns
    allowed = np.ones((n_interns, m), dtype=bool)
    for i, v in forbidden:
        allowed[i, v] = False
    spread = int(scores[allowed].max() - scores[allowed].min()) if allowed.any() else 0
    step = n_interns * spread + 1
    volunteer_of = np.asarray(slot_volunteer)
    matrix = scores[:, volunteer_of] - step * np.asarray(slot_level, dtype=np.int64)
    problem = Problem(
        learner_prefs=[[] for _ in range(n_interns)],
        capacities=[1] * len(slot_volunteer),
        scores=ScoreModel.from_matrix(matrix),
        forbidden=frozenset(
            (i, s)
            for s, v in enumerate(slot_volunteer)
            for i in range(n_interns)
            if (i, v) in forbidden
        ),
    )
    # A program's interns and places are few: one exact solve over every pair.
    result = optimal_match(problem, prune=False)
    return tuple(None if s is None else slot_volunteer[s] for s in result.assignment)
