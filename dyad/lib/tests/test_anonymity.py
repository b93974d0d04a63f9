"""The groups a survey's results may show: worked examples, and a property checked by exact
linear algebra, independent of how `shown_groups` decides."""

from fractions import Fraction
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from dyad.lib.anonymity import EVERYONE, THRESHOLD, classes, shown_groups

LEARNER, GUIDE = "audience:learner", "audience:guide"


def people(*spec):
    """(count, attributes) pairs → a population."""
    return [frozenset(attributes) for count, attributes in spec for _ in range(count)]


def test_fewer_than_five_answered_shows_nothing():
    assert shown_groups(people((4, {LEARNER})), [LEARNER]) == []


def test_five_answered_shows_everyone_only():
    assert shown_groups(people((5, {LEARNER})), [LEARNER]) == [EVERYONE]


def test_both_audiences_of_five_or_more_are_shown():
    population = people((6, {LEARNER}), (5, {GUIDE}))
    assert shown_groups(population, [LEARNER, GUIDE]) == [EVERYONE, LEARNER, GUIDE]


def test_a_group_whose_complement_is_small_is_withheld():
    # Everyone minus the 7 learners would be the 3 guides.
    population = people((7, {LEARNER}), (3, {GUIDE}))
    assert shown_groups(population, [LEARNER, GUIDE]) == [EVERYONE]


def test_two_overlapping_groups_that_differ_by_few_are_not_both_shown():
    # "has a mentor" (6) and "has a coach" (6) share 4: each minus the other is 2 people.
    population = people((4, {"mentor", "coach"}), (2, {"mentor"}), (2, {"coach"}), (4, set()))
    shown = shown_groups(population, ["mentor", "coach"])
    assert shown == [EVERYONE, "mentor"]
    assert all(n >= THRESHOLD for n in classes(population, shown).values())


def test_the_order_of_candidates_decides_which_of_two_conflicting_groups_is_kept():
    population = people((4, {"mentor", "coach"}), (2, {"mentor"}), (2, {"coach"}), (4, set()))
    assert shown_groups(population, ["coach", "mentor"]) == [EVERYONE, "coach"]


def test_a_group_of_everyone_or_of_nobody_is_not_offered():
    population = people((6, {LEARNER}))
    assert shown_groups(population, [LEARNER, GUIDE]) == [EVERYONE]


def test_the_same_respondents_in_another_order_give_the_same_groups():
    population = people((5, {LEARNER, "pgy:1"}), (6, {LEARNER, "pgy:2"}), (5, {GUIDE}))
    candidates = [LEARNER, GUIDE, "pgy:1", "pgy:2"]
    assert shown_groups(population, candidates) == shown_groups(population[::-1], candidates)


# --- the property -------------------------------------------------------------------------


def null_space(rows: list[list[Fraction]], width: int) -> list[list[Fraction]]:
    """A basis of {x : row · x = 0 for every row}, by Gauss–Jordan elimination."""
    matrix = [list(row) for row in rows]
    pivots: list[int] = []
    r = 0
    for c in range(width):
        pivot = next((i for i in range(r, len(matrix)) if matrix[i][c] != 0), None)
        if pivot is None:
            continue
        matrix[r], matrix[pivot] = matrix[pivot], matrix[r]
        lead = matrix[r][c]
        matrix[r] = [value / lead for value in matrix[r]]
        for i in range(len(matrix)):
            if i != r and matrix[i][c] != 0:
                factor = matrix[i][c]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[r], strict=True)]
        pivots.append(c)
        r += 1
    basis = []
    for free in (c for c in range(width) if c not in pivots):
        x = [Fraction(0)] * width
        x[free] = Fraction(1)
        for i, c in enumerate(pivots):
            x[c] = -matrix[i][free]
        basis.append(x)
    return basis


def isolated_sets(population, shown, smallest=1, largest=THRESHOLD - 1):
    """Sets of `smallest`–`largest` respondents whose indicator vector is a combination of
    the shown groups' indicator vectors (over the rationals, so over the integers too)."""
    width = len(population)
    rows = [
        [Fraction(1 if group == EVERYONE or group in person else 0) for person in population]
        for group in shown
    ]
    # v is in the span of the rows exactly when it is orthogonal to their null space.
    kernel = null_space(rows, width) if rows else None
    found = []
    for size in range(smallest, largest + 1):
        for subset in combinations(range(width), size):
            if kernel is None:
                continue
            if all(sum(n[i] for i in subset) == 0 for n in kernel):
                found.append(subset)
    return found


ATTRIBUTES = ["audience:learner", "pgy:1", "pgy:2", "has:mentor", "has:coach"]
populations = st.lists(st.frozensets(st.sampled_from(ATTRIBUTES)), min_size=0, max_size=13)


@settings(max_examples=150, deadline=None)
@given(populations, st.permutations(ATTRIBUTES))
def test_no_combination_of_shown_groups_isolates_fewer_than_five(population, candidates):
    shown = shown_groups(population, candidates)
    if len(population) < THRESHOLD:
        assert shown == []
    assert isolated_sets(population, shown) == []


def test_the_check_finds_a_person_isolated_by_two_nested_groups():
    """The property's check itself: "has a mentor" (6) minus "has a coach" (5, all of whom
    have a mentor) is one person, everyone minus "has a mentor" four: the check finds both."""
    population = people((5, {"mentor", "coach"}), (1, {"mentor"}), (4, set()))
    assert isolated_sets(population, [EVERYONE, "mentor", "coach"]) == [(5,), (6, 7, 8, 9)]
    assert shown_groups(population, ["mentor", "coach"]) == [EVERYONE, "coach"]
