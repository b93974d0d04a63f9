"""The pure balanced pairing: every intern paired if possible, loads as even as the places
and forbidden pairs allow, then the best fit; plain inputs, no database."""

import itertools
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from dyad.lib.matching.peer import balanced_pairing

FAST = settings(max_examples=150, deadline=None)


def loads_after(assignment, loads):
    out = list(loads)
    for volunteer in assignment:
        if volunteer is not None:
            out[volunteer] += 1
    return out


@st.composite
def roomy_cases(draw):
    """Capacities that allow an even spread: each volunteer can take its even share."""
    n_volunteers = draw(st.integers(1, 8))
    n_interns = draw(st.integers(0, 40))
    share = -(-n_interns // n_volunteers)
    capacities = [share + draw(st.integers(0, 3)) for _ in range(n_volunteers)]
    scores = [[draw(st.integers(0, 60)) for _ in range(n_volunteers)] for _ in range(n_interns)]
    return n_interns, capacities, scores


@FAST
@given(roomy_cases())
def test_loads_differ_by_at_most_one_when_capacities_allow(case):
    n_interns, capacities, scores = case
    loads = [0] * len(capacities)
    assignment = balanced_pairing(
        n_interns=n_interns, capacities=capacities, loads=loads, scores=scores
    )
    assert None not in assignment
    after = loads_after(assignment, loads)
    assert max(after) - min(after) <= 1
    assert all(load <= cap for load, cap in zip(after, capacities, strict=True))


@st.composite
def any_cases(draw):
    n_volunteers = draw(st.integers(1, 6))
    n_interns = draw(st.integers(0, 15))
    capacities = [draw(st.integers(0, 4)) for _ in range(n_volunteers)]
    loads = [draw(st.integers(0, cap)) for cap in capacities]
    scores = [[draw(st.integers(-20, 60)) for _ in range(n_volunteers)] for _ in range(n_interns)]
    pairs = list(itertools.product(range(n_interns), range(n_volunteers)))
    forbidden = draw(
        st.sets(st.sampled_from(pairs), max_size=len(pairs)) if pairs else st.just(set())
    )
    return n_interns, capacities, loads, scores, forbidden


@FAST
@given(any_cases())
def test_never_forbidden_never_over_capacity_and_no_transfer_evens_the_loads(case):
    n_interns, capacities, loads, scores, forbidden = case
    assignment = balanced_pairing(
        n_interns=n_interns, capacities=capacities, loads=loads, scores=scores, forbidden=forbidden
    )
    assert len(assignment) == n_interns
    after = loads_after(assignment, loads)
    assert all(load <= cap for load, cap in zip(after, capacities, strict=True))
    for intern, volunteer in enumerate(assignment):
        assert (intern, volunteer) not in forbidden
    # No intern could move from a volunteer to one with two fewer interns and room left.
    for intern, a in enumerate(assignment):
        if a is None:
            # Nor could an unpaired intern go to anyone with room.
            assert all(
                after[b] >= capacities[b] or (intern, b) in forbidden
                for b in range(len(capacities))
            )
            continue
        for b in range(len(capacities)):
            movable = (intern, b) not in forbidden and after[b] < capacities[b]
            assert not (movable and after[a] >= after[b] + 2)


def brute_force(n_interns, capacities, loads, scores, forbidden):
    """The best answer by enumeration: most pairs, then the most even (smallest sum of
    squared loads), then the highest total score."""
    options = [None, *range(len(capacities))]
    best = None
    for assignment in itertools.product(options, repeat=n_interns):
        after = loads_after(assignment, loads)
        if any(load > cap for load, cap in zip(after, capacities, strict=True)):
            continue
        if any((i, v) in forbidden for i, v in enumerate(assignment)):
            continue
        paired = sum(v is not None for v in assignment)
        evenness = -sum(load * load for load in after)
        total = sum(scores[i][v] for i, v in enumerate(assignment) if v is not None)
        key = (paired, evenness, total)
        if best is None or key > best:
            best = key
    return best


def test_matches_brute_force_on_small_random_cases():
    rng = random.Random(20240701)
    for _ in range(150):
        n_interns, n_volunteers = rng.randint(0, 5), rng.randint(1, 3)
        capacities = [rng.randint(0, 3) for _ in range(n_volunteers)]
        loads = [rng.randint(0, cap) for cap in capacities]
        scores = [[rng.randint(0, 30) for _ in range(n_volunteers)] for _ in range(n_interns)]
        forbidden = {
            (i, v) for i in range(n_interns) for v in range(n_volunteers) if rng.random() < 0.2
        }
        assignment = balanced_pairing(
            n_interns=n_interns,
            capacities=capacities,
            loads=loads,
            scores=scores,
            forbidden=forbidden,
        )
        after = loads_after(assignment, loads)
        got = (
            sum(v is not None for v in assignment),
            -sum(load * load for load in after),
            sum(scores[i][v] for i, v in enumerate(assignment) if v is not None),
        )
        assert got == brute_force(n_interns, capacities, loads, scores, forbidden)


def test_existing_interns_count_in_the_balance():
    # Volunteer 0 already has two interns: the newcomers go to volunteer 1 first.
    assignment = balanced_pairing(n_interns=3, capacities=[3, 3], loads=[2, 0], scores=[[9, 0]] * 3)
    assert sorted(loads_after(assignment, [2, 0])) == [2, 3]
    assert assignment.count(1) >= 2


def test_fit_breaks_ties_between_equally_even_pairings():
    # Two interns, two volunteers with one place each: either way is even.
    assert balanced_pairing(
        n_interns=2, capacities=[1, 1], loads=[0, 0], scores=[[0, 50], [40, 0]]
    ) == (1, 0)


def test_evenness_comes_before_fit():
    # Everyone fits volunteer 0 best, but they are shared out.
    assignment = balanced_pairing(
        n_interns=4, capacities=[4, 4], loads=[0, 0], scores=[[90, 0]] * 4
    )
    assert sorted(assignment) == [0, 0, 1, 1]


def test_forbidden_pair_is_never_made_even_at_the_cost_of_evenness():
    assignment = balanced_pairing(
        n_interns=3,
        capacities=[3, 3],
        loads=[0, 0],
        scores=[[0, 0]] * 3,
        forbidden={(0, 1), (1, 1), (2, 1)},
    )
    assert assignment == (0, 0, 0)


def test_no_volunteer_or_no_place_leaves_everyone_unpaired():
    assert balanced_pairing(n_interns=2, capacities=[], loads=[], scores=[[], []]) == (None, None)
    assert balanced_pairing(n_interns=1, capacities=[1], loads=[1], scores=[[5]]) == (None,)


def test_same_input_same_answer():
    rng = random.Random(7)
    scores = [[rng.randint(0, 10) for _ in range(5)] for _ in range(12)]
    first = balanced_pairing(n_interns=12, capacities=[3] * 5, loads=[0] * 5, scores=scores)
    for _ in range(3):
        assert (
            balanced_pairing(n_interns=12, capacities=[3] * 5, loads=[0] * 5, scores=scores)
            == first
        )
