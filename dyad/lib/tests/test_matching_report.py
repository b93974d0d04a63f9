import subprocess
import sys

from dyad.lib.matching import (
    Problem,
    ScoreModel,
    match_stats,
    stable_match,
    unmatched_reasons,
)


def _problem():
    prefs = [[0], [0], [], [1], [0, 2]]
    return Problem(
        prefs,
        [1, 1, 0, 1],
        ScoreModel.zeros(5, 4),
        guide_ranks={0: [0, 1, 4]},
        forbidden={(3, 1), (4, 2)},
    )


def test_every_unmatched_learner_gets_a_reason():
    problem = _problem()
    assignment = stable_match(problem).assignment
    assert assignment == (0, None, None, None, None)
    assert unmatched_reasons(problem, assignment) == {
        1: "no ranked guide had room; 2 other guides still have room",
        2: "ranked no guide; 2 other guides still have room",
        3: "every ranked guide conflicted (forbidden); 1 other guide still has room",
        4: "no ranked guide had room (1 ranked guide conflicted); 2 other guides still have room",
    }


def test_reason_when_ranked_guides_take_no_one():
    problem = Problem([[2]], [1, 1, 0], ScoreModel.zeros(1, 3))
    assert unmatched_reasons(problem, (None,)) == {
        0: "no ranked guide takes learners this round; 2 other guides still have room"
    }


def test_statistics():
    problem = Problem([[0, 1], [0, 1], [1, 0], [0]], [2, 1, 1], ScoreModel.zeros(4, 3))
    stats = match_stats(problem, (0, 1, 0, None))
    assert (stats.matched, stats.first_choice, stats.top_three) == (3, 1, 3)
    assert stats.share_matched == 0.75 and stats.share_first_choice == 0.25
    assert stats.guide_loads == {0: 1, 1: 1, 2: 1}
    assert (stats.places, stats.guides_full, stats.guides_idle) == (4, 2, 1)


def test_the_engine_does_not_import_django():
    code = (
        "import sys, dyad.lib.matching; "
        "print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
