from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dyad.lib.rollover import Learner, last_day_before, plan_levels, year_label

JULY_2026 = date(2026, 7, 1)


def test_year_label_names_both_years():
    assert year_label(2026) == "2026–27"
    assert year_label(1999) == "1999–00"


def test_last_day_is_the_eve_of_the_year():
    assert last_day_before(2026, 7) == date(2026, 6, 30)
    assert last_day_before(2026, 1) == date(2025, 12, 31)


def test_levels_advance_and_the_highest_graduates():
    plan = plan_levels(
        [Learner(1, 1), Learner(2, 2), Learner(3, 3)], max_pgy=3, year_start=JULY_2026
    )
    assert plan.advances == [(1, 1, 2), (2, 2, 3)]
    assert plan.graduates == [3]
    assert plan.staying == []


def test_an_intern_of_the_new_year_stays_at_pgy_1():
    plan = plan_levels([Learner(1, 1, start=JULY_2026)], max_pgy=3, year_start=JULY_2026)
    assert plan.staying == [1] and not plan.advances


def test_an_intern_who_started_last_year_advances():
    plan = plan_levels([Learner(1, 1, start=date(2025, 7, 1))], max_pgy=3, year_start=JULY_2026)
    assert plan.advances == [(1, 1, 2)]


def test_someone_without_a_level_stays():
    plan = plan_levels([Learner(1, None)], max_pgy=3, year_start=JULY_2026)
    assert plan.staying == [1]


def test_above_the_highest_level_graduates_too():
    plan = plan_levels([Learner(1, 5)], max_pgy=3, year_start=JULY_2026)
    assert plan.graduates == [1]


# Generation is cheap; only a busy machine makes it look slow.
relaxed = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
learners = st.lists(
    st.builds(
        Learner,
        id=st.integers(),
        pgy=st.one_of(st.none(), st.integers(1, 10)),
        start=st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2030, 1, 1))),
    ),
    max_size=15,
    unique_by=lambda learner: learner.id,
)


@relaxed
@given(learners, st.integers(1, 9))
def test_everyone_lands_in_exactly_one_place(people, max_pgy):
    plan = plan_levels(people, max_pgy=max_pgy, year_start=JULY_2026)
    placed = [a[0] for a in plan.advances] + plan.graduates + plan.staying
    assert sorted(placed) == sorted(p.id for p in people)


@relaxed
@given(learners, st.integers(1, 9))
def test_nobody_advances_beyond_the_highest_level(people, max_pgy):
    plan = plan_levels(people, max_pgy=max_pgy, year_start=JULY_2026)
    assert all(to == frm + 1 and to <= max_pgy for _, frm, to in plan.advances)


@relaxed
@given(learners, st.integers(1, 9))
def test_a_newcomer_of_the_year_never_moves(people, max_pgy):
    plan = plan_levels(people, max_pgy=max_pgy, year_start=JULY_2026)
    moved = {a[0] for a in plan.advances} | set(plan.graduates)
    assert not any(p.id in moved for p in people if p.start and p.start >= JULY_2026)
