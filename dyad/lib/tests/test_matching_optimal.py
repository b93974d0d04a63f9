import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from dyad.lib.matching import (
    Problem,
    ScoreModel,
    fill_unmatched,
    optimal_match,
    stable_match,
)
from dyad.lib.matching.synthetic import synthetic_round

from .matching_cases import FAST, assert_feasible, lp_optimum, problems


def _objective(result):
    return result.matched, result.total_score


@FAST
@given(problems())
def test_optimal_equals_an_independent_lp_solver(problem):
    result = optimal_match(problem)
    assert_feasible(problem, result.assignment)
    assert result.proof.passed
    assert _objective(result) == lp_optimum(problem)


@FAST
@given(problems(max_learners=12, max_guides=6), st.integers(1, 3))
def test_pruned_solve_with_proof_equals_the_unpruned_solve(problem, candidates):
    pruned = optimal_match(problem, candidates=candidates, per_place=0, add_per_learner=1)
    full = optimal_match(problem, prune=False)
    assert pruned.proof.passed
    assert _objective(pruned) == _objective(full)


@FAST
@given(problems())
def test_optimal_is_deterministic(problem):
    assert optimal_match(problem) == optimal_match(problem)


@FAST
@given(problems())
def test_fill_keeps_stable_pairs_and_places_as_many_as_possible(problem):
    stable = stable_match(problem)
    filled = fill_unmatched(problem, stable.assignment)
    assert_feasible(problem, filled.assignment)
    for learner, guide in enumerate(stable.assignment):
        if guide is not None:
            assert filled.assignment[learner] == guide
    kept = Problem(
        problem.learner_prefs,
        problem.capacities,
        problem.scores,
        forbidden=problem.forbidden,
        pinned=[(learner, g) for learner, g in enumerate(stable.assignment) if g is not None],
    )
    assert _objective(filled) == lp_optimum(kept)


@FAST
@given(problems(), st.data())
def test_fill_places_later_learners_only_where_the_others_cannot_go(problem, data):
    learners = range(problem.n_learners)
    later = data.draw(st.sets(st.sampled_from(learners))) if learners else set()
    stable = stable_match(problem)
    filled = fill_unmatched(problem, stable.assignment, later=later).assignment
    assert_feasible(problem, filled)
    for learner, guide in enumerate(stable.assignment):
        if guide is not None:
            assert filled[learner] == guide
    waiting = [learner for learner in later if stable.assignment[learner] is None]
    held_back = {(learner, g) for learner in waiting for g in range(problem.n_guides)}
    without_later = Problem(
        problem.learner_prefs,
        problem.capacities,
        problem.scores,
        forbidden=set(problem.forbidden_set) | held_back,
    )
    others = fill_unmatched(without_later, stable.assignment).assignment
    placed_others = sum(1 for x, g in enumerate(others) if g is not None and x not in later)
    assert placed_others == sum(1 for x, g in enumerate(filled) if g is not None and x not in later)
    # Then as many of the later learners as the places left allow.
    plain = fill_unmatched(problem, stable.assignment).assignment
    assert sum(g is not None for g in filled) <= sum(g is not None for g in plain)


def test_popular_guides_need_the_proof_to_reach_the_rest():
    # Everyone ranks the same three guides; the others only have profile-like scores.
    rng = np.random.default_rng(7)
    n, m = 60, 40
    scores = rng.integers(0, 20, size=(n, m))
    scores[:, :3] += 100
    prefs = [[0, 1, 2]] * n
    caps = [2] * m
    problem = Problem(prefs, caps, ScoreModel.from_matrix(scores), forbidden={(0, 5), (1, 0)})
    pruned = optimal_match(problem, candidates=3, per_place=0)
    assert pruned.proof.passed
    assert pruned.proof.rounds > 1 and pruned.proof.pairs_added > 0
    assert pruned.matched == n
    assert _objective(pruned) == _objective(optimal_match(problem, prune=False))
    assert _objective(pruned) == lp_optimum(problem)


def test_unranked_guides_are_used_when_needed():
    problem = Problem([[0], [0]], [1, 1], ScoreModel.from_matrix([[50, 1], [40, 2]]))
    assert optimal_match(problem).assignment == (0, 1)


def test_more_matched_beats_a_higher_score():
    scores = [[100, 0], [100, -50]]
    problem = Problem([[0], [0]], [1, 1], ScoreModel.from_matrix(scores))
    result = optimal_match(problem)
    assert result.matched == 2
    assert result.assignment == (1, 0)


def test_every_pair_forbidden_leaves_learners_unmatched():
    problem = Problem([[0]], [1], ScoreModel.zeros(1, 1), forbidden={(0, 0)})
    assert optimal_match(problem).assignment == (None,)


def test_institution_like_round_matches_the_unpruned_solve():
    problem, _ = synthetic_round(400, 200, pins=10, seed=5)
    pruned = optimal_match(problem)
    assert pruned.proof.passed
    assert _objective(pruned) == _objective(optimal_match(problem, prune=False))
