"""Random small match rounds for property tests, and an independent LP solver."""

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from dyad.lib.matching import Problem, ScoreModel

# The project's autouse fixtures are function-scoped; they do not touch these inputs.
FAST = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@st.composite
def problems(draw, max_learners=7, max_guides=4, pins=True, ranks=True, max_capacity=3):
    n = draw(st.integers(0, max_learners))
    m = draw(st.integers(0, max_guides))
    capacities = draw(st.lists(st.integers(0, max_capacity), min_size=m, max_size=m))
    prefs = []
    for _ in range(n):
        order = draw(st.permutations(range(m)))
        prefs.append(list(order[: draw(st.integers(0, m))]))
    scores = draw(
        st.lists(st.lists(st.integers(-20, 60), min_size=m, max_size=m), min_size=n, max_size=n)
    )
    pairs = st.tuples(st.integers(0, max(n - 1, 0)), st.integers(0, max(m - 1, 0)))
    forbidden = draw(st.sets(pairs, max_size=n * m // 3)) if n and m else set()
    guide_ranks = {}
    if ranks and n:
        for guide in range(m):
            if draw(st.booleans()):
                ranked = draw(st.permutations(range(n)))
                guide_ranks[guide] = list(ranked[: draw(st.integers(0, n))])
    pinned = []
    if pins and n and m:
        room = list(capacities)
        seen = set()
        for learner, guide in draw(st.lists(pairs, max_size=3)):
            if learner in seen or room[guide] <= 0 or (learner, guide) in forbidden:
                continue
            seen.add(learner)
            room[guide] -= 1
            pinned.append((learner, guide))
    matrix = np.array(scores, dtype=np.int64).reshape(n, m)
    return Problem(
        learner_prefs=prefs,
        capacities=capacities,
        scores=ScoreModel.from_matrix(matrix),
        guide_ranks=guide_ranks,
        forbidden=frozenset(forbidden),
        pinned=tuple(pinned),
    )


def lp_optimum(problem: Problem) -> tuple[int, int]:
    """(matched, total score) by HiGHS, in two stages: most pairs, then best score.

    The bipartite b-matching polytope is integral, so the LP optimum is the integer one.
    """
    n, m = problem.n_learners, problem.n_guides
    pinned = problem.pinned_guide
    caps = problem.free_capacities
    pairs = [
        (learner, g)
        for learner in range(n)
        for g in range(m)
        if learner not in pinned and caps[g] > 0 and (learner, g) not in problem.forbidden_set
    ]
    pinned_score = sum(problem.scores.pair(learner, g) for learner, g in pinned.items())
    if not pairs:
        return len(pinned), pinned_score
    score = np.array([problem.scores.pair(learner, g) for learner, g in pairs], dtype=float)
    a = np.zeros((n + m, len(pairs)))
    for k, (learner, g) in enumerate(pairs):
        a[learner, k] = 1
        a[n + g, k] = 1
    b = np.concatenate([np.ones(n), caps.clip(0)])
    first = linprog(-np.ones(len(pairs)), A_ub=a, b_ub=b, bounds=(0, 1), method="highs")
    most = round(-first.fun)
    second = linprog(
        -score,
        A_ub=a,
        b_ub=b,
        A_eq=np.ones((1, len(pairs))),
        b_eq=[most],
        bounds=(0, 1),
        method="highs",
    )
    return most + len(pinned), round(-second.fun) + pinned_score


def assert_feasible(problem: Problem, assignment) -> None:
    loads = np.bincount(
        [g for g in assignment if g is not None], minlength=problem.n_guides
    ).tolist()
    assert all(load <= cap for load, cap in zip(loads, problem.capacities, strict=True))
    assert not [
        (learner, g)
        for learner, g in enumerate(assignment)
        if g is not None and (learner, g) in problem.forbidden_set
    ]
    assert all(assignment[learner] == g for learner, g in problem.pinned)
