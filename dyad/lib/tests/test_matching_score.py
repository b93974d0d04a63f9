import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from dyad.lib.matching import AVOID, PREFER, Compatibility, Profile, ScoreWeights
from dyad.lib.matching.score import ordinal
from dyad.lib.matching.synthetic import synthetic_round

from .matching_cases import FAST


def _round():
    learners = [
        Profile(content_areas={"research", "global health"}, languages={"Spanish"}),
        Profile(career_goals={"academic medicine"}, interests={"wellness"}),
    ]
    guides = [
        Profile(content_areas={"research", "global health", "QI"}, languages={"Spanish"}),
        Profile(career_goals={"academic medicine"}, interests={"wellness", "music"}),
    ]
    return Compatibility(
        learner_prefs=[[1, 0], []],
        learner_profiles=learners,
        guide_profiles=guides,
        guide_ranks={1: [1, 0]},
        guide_marks={(0, 0): PREFER, (1, 0): AVOID},
    )


def test_reasons_read_in_words():
    assert _round().explain(0, 0).text == (
        "ranked 2nd; guide prefers them; shared: global health, research; speaks Spanish"
    )
    assert _round().explain(1, 1).text == (
        "not on their list; guide ranked them 1st; shared: academic medicine, wellness"
    )
    assert _round().explain(1, 0).text == "not on their list; guide would rather not"


def test_points_add_up_from_the_weights():
    w = ScoreWeights()
    expected = w.rank_points(2) + w.guide_prefer + 2 * w.content_area + w.language
    assert _round().explain(0, 0).points == expected
    assert w.rank_points(1) == w.first_choice
    assert w.rank_points(100) == w.ranked_floor


def test_weights_are_set_per_round():
    compat = _round()
    compat.weights = ScoreWeights(language=50)
    assert compat.explain(0, 0).points - _round().explain(0, 0).points == 44


def test_ordinals():
    words = [ordinal(k) for k in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)]
    assert words == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "101st",
        "111th",
    ]


@FAST
@given(st.integers(0, 10_000))
def test_vectorized_scores_equal_the_per_pair_explanation(seed):
    _, compat = synthetic_round(
        12, 8, list_length=4, seed=seed, mark_share=0.3, guide_rank_share=0.5
    )
    model = compat.model()
    matrix = model.block(np.arange(12))
    explained = [[compat.explain(learner, g).points for g in range(8)] for learner in range(12)]
    assert matrix.tolist() == explained
    cols = np.array([5, 1])
    assert model.block(np.array([3, 0]), cols).tolist() == matrix[[3, 0]][:, cols].tolist()
    learners, guides = np.divmod(np.arange(96), 8)
    assert model.pairs(learners, guides).tolist() == matrix.ravel().tolist()
