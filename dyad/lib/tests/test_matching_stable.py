import numpy as np
import pytest
from hypothesis import given

from dyad.lib.matching import MatchingError, Problem, ScoreModel, blocking_pairs, stable_match
from dyad.lib.matching.synthetic import synthetic_round

from .matching_cases import FAST, assert_feasible, problems


def _problem(prefs, capacities, scores=None, **kwargs):
    n, m = len(prefs), len(capacities)
    matrix = np.zeros((n, m), np.int64) if scores is None else np.array(scores)
    return Problem(prefs, capacities, ScoreModel.from_matrix(matrix), **kwargs)


@FAST
@given(problems())
def test_stable_result_is_feasible_and_has_no_blocking_pair(problem):
    result = stable_match(problem)
    assert_feasible(problem, result.assignment)
    assert blocking_pairs(problem, result.assignment) == []


@FAST
@given(problems())
def test_stable_learners_only_get_guides_they_ranked(problem):
    result = stable_match(problem)
    for learner, guide in enumerate(result.assignment):
        if guide is not None and learner not in problem.pinned_guide:
            assert guide in problem.learner_prefs[learner]


@FAST
@given(problems())
def test_stable_is_deterministic(problem):
    assert stable_match(problem) == stable_match(problem)


def test_guide_keeps_the_learner_it_ranks_higher():
    problem = _problem([[0], [0]], [1], guide_ranks={0: [1, 0]})
    assert stable_match(problem).assignment == (None, 0)


def test_guide_without_ranks_prefers_higher_score_then_lower_id():
    assert stable_match(_problem([[0], [0]], [1], [[5], [9]])).assignment == (None, 0)
    assert stable_match(_problem([[0], [0]], [1], [[7], [7]])).assignment == (0, None)


def test_displaced_learner_moves_down_their_list():
    problem = _problem([[0, 1], [0]], [1, 1], guide_ranks={0: [1, 0]})
    assert stable_match(problem).assignment == (1, 0)


def test_forbidden_pair_is_skipped():
    problem = _problem([[0, 1]], [1, 1], forbidden={(0, 0)})
    assert stable_match(problem).assignment == (1,)


def test_pinned_pair_uses_a_place_and_stays():
    problem = _problem([[0], [0]], [1], guide_ranks={0: [0, 1]}, pinned=[(1, 0)])
    assert stable_match(problem).assignment == (None, 0)
    assert blocking_pairs(problem, (None, 0)) == []


def test_blocking_pairs_finds_an_unstable_assignment():
    problem = _problem([[0, 1], [0, 1]], [1, 1], guide_ranks={0: [0, 1], 1: [0, 1]})
    assert blocking_pairs(problem, (1, 0)) == [(0, 0)]
    assert blocking_pairs(problem, (None, None)) == [(0, 0), (0, 1), (1, 0), (1, 1)]


@pytest.mark.parametrize(
    ("pinned", "message"),
    [
        ([(0, 0), (1, 0)], "guide 0 has 1 place(s) but 2 learners are pinned"),
        ([(0, 1)], "learner 0 is pinned to guide 1, but that pair is forbidden"),
        ([(0, 0), (0, 1)], "learner 0 is pinned to more than one guide"),
        ([(5, 0)], "pinned pair (5, 0) is out of range"),
    ],
)
def test_invalid_pins_are_refused_with_a_clear_message(pinned, message):
    with pytest.raises(MatchingError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _problem([[0], [1]], [1, 1], forbidden={(0, 1)}, pinned=pinned)


def test_invalid_lists_are_refused():
    with pytest.raises(MatchingError, match="ranks guide 0 twice"):
        _problem([[0, 0]], [1])
    with pytest.raises(MatchingError, match="does not exist"):
        _problem([[3]], [1])


def test_popular_guides_everyone_ranks_the_same_few():
    prefs = [[0, 1, 2]] * 30
    problem = _problem(prefs, [2, 2, 2, 5, 5], np.arange(150).reshape(30, 5) % 7)
    result = stable_match(problem)
    assert result.matched == 6
    assert blocking_pairs(problem, result.assignment) == []


def test_institution_like_round_is_stable():
    problem, _ = synthetic_round(600, 300, pins=20, seed=3)
    result = stable_match(problem)
    assert_feasible(problem, result.assignment)
    assert blocking_pairs(problem, result.assignment) == []
    assert result == stable_match(problem)
