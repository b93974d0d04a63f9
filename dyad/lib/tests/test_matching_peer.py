import itertools

from hypothesis import given
from hypothesis import strategies as st

from dyad.lib.matching import pair_peer_advisors

from .matching_cases import FAST


def test_every_intern_gets_a_volunteer_and_loads_differ_by_at_most_one():
    result = pair_peer_advisors(23, 5)
    assert None not in result.assignment
    assert sorted(result.loads) == [4, 4, 5, 5, 5]
    assert result.balanced


def test_score_breaks_ties_between_balanced_pairings():
    result = pair_peer_advisors(2, 2, scores=[[0, 9], [9, 0]])
    assert result.assignment == (1, 0)


def test_interns_who_cannot_be_paired_are_reported():
    result = pair_peer_advisors(3, 2, forbidden={(0, 0), (0, 1)})
    assert result.unpaired == {0: "conflicts with every volunteer (forbidden)"}
    assert result.assignment[1] is not None and result.assignment[2] is not None
    assert pair_peer_advisors(2, 0).unpaired == {
        0: "no senior resident volunteers",
        1: "no senior resident volunteers",
    }


def test_pairing_is_deterministic():
    args = dict(
        forbidden={(1, 2), (3, 0)}, scores=[[i * j % 5 for j in range(4)] for i in range(9)]
    )
    assert pair_peer_advisors(9, 4, **args) == pair_peer_advisors(9, 4, **args)


@st.composite
def peer_rounds(draw):
    n, v = draw(st.integers(1, 6)), draw(st.integers(1, 3))
    forbidden = draw(st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, v - 1))))
    scores = draw(
        st.lists(st.lists(st.integers(0, 9), min_size=v, max_size=v), min_size=n, max_size=n)
    )
    return n, v, forbidden, scores


@FAST
@given(peer_rounds())
def test_most_even_spread_then_best_score_by_brute_force(case):
    n, v, forbidden, scores = case
    result = pair_peer_advisors(n, v, forbidden=forbidden, scores=scores)
    options = [[g for g in range(v) if (i, g) not in forbidden] or [None] for i in range(n)]
    best = None
    for choice in itertools.product(*options):
        loads = [choice.count(g) for g in range(v)]
        key = (
            -sum(x * x for x in loads),
            sum(scores[i][g] for i, g in enumerate(choice) if g is not None),
        )
        best = key if best is None or key > best else best
    ours = result.assignment
    loads = [ours.count(g) for g in range(v)]
    assert list(result.loads) == loads
    assert all((i, g) not in forbidden for i, g in enumerate(ours) if g is not None)
    assert all((ours[i] is None) == (options[i] == [None]) for i in range(n))
    assert (
        -sum(x * x for x in loads),
        sum(scores[i][g] for i, g in enumerate(ours) if g is not None),
    ) == best
    if not forbidden:
        assert result.balanced
