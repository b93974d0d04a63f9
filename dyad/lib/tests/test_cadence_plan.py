"""A cadence plan: how often a pair meets changes over the relationship's life (rule 6)."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dyad.lib.cadence import (
    AGREED_FREQUENCY,
    CadencePlan,
    CadencePolicy,
    Meeting,
    Status,
    evaluate,
    plan_phases,
    with_agreement,
)
from dyad.lib.tests.test_cadence_properties import FAST, cases

START = date(2026, 7, 1)
MONTHLY = with_agreement(CadencePolicy(), "monthly")
QUARTERLY = with_agreement(CadencePolicy(), "quarterly")
FIRST_QUARTER_MONTHLY = CadencePlan(((START, MONTHLY), (date(2026, 10, 1), QUARTERLY)))


def test_monthly_for_three_months_then_every_three_months():
    versions = [(date(2026, 6, 20), "monthly", 3, "quarterly")]
    assert plan_phases(START, versions) == (
        (START, "monthly"),
        (date(2026, 10, 1), "quarterly"),
    )


def test_an_amendment_adds_a_phase_from_the_day_both_acknowledged_it():
    versions = [(START, "monthly", None, None), (date(2026, 11, 15), "quarterly", None, None)]
    assert plan_phases(START, versions) == (
        (START, "monthly"),
        (date(2026, 11, 15), "quarterly"),
    )


def test_an_amendment_replaces_what_was_planned_after_it_but_not_before():
    versions = [
        (START, "monthly", 3, "quarterly"),
        (date(2026, 8, 10), "weekly", None, None),
    ]
    assert plan_phases(START, versions) == ((START, "monthly"), (date(2026, 8, 10), "weekly"))


def test_repeating_the_plan_in_a_later_version_changes_nothing():
    plan = (START, "monthly", 3, "quarterly")
    again = (date(2026, 12, 1), "monthly", 3, "quarterly")
    assert plan_phases(START, [plan, again]) == plan_phases(START, [plan])


def test_a_version_acknowledged_before_the_start_holds_from_the_start():
    versions = [(date(2026, 5, 1), "weekly", None, None), (date(2026, 6, 1), "monthly", None, None)]
    assert plan_phases(START, versions) == ((START, "monthly"),)


def test_a_version_acknowledged_the_same_day_as_the_one_before_takes_its_place():
    versions = [
        (date(2026, 9, 1), "monthly", 3, "quarterly"),
        (date(2026, 9, 1), "bimonthly", None, None),
    ]
    assert plan_phases(START, versions) == ((START, "bimonthly"),)


def test_no_acknowledged_version_no_phase():
    assert plan_phases(START, []) == ()


def test_the_meeting_after_one_in_the_monthly_phase_is_due_the_next_month():
    # 15 September is in the monthly phase: the next is due by the end of October, although
    # the quarterly phase starts on 1 October.
    met = [Meeting(date(2026, 7, 10), in_person=True), Meeting(date(2026, 9, 15), in_person=True)]
    result = evaluate(FIRST_QUARTER_MONTHLY, START, met, date(2026, 10, 5))
    assert result.next_due == date(2026, 10, 31)
    assert evaluate(QUARTERLY, START, met, date(2026, 10, 5)).next_due == date(2026, 12, 16)


def test_the_meeting_after_one_in_the_quarterly_phase_is_due_within_three_months():
    met = [Meeting(date(2026, 7, 10), in_person=True), Meeting(date(2026, 10, 12), in_person=True)]
    result = evaluate(FIRST_QUARTER_MONTHLY, START, met, date(2026, 11, 20))
    assert result.next_due == date(2027, 1, 12)
    assert result.status == Status.ON_TRACK
    assert evaluate(MONTHLY, START, met, date(2026, 12, 1)).status == Status.OVERDUE


def test_a_lapse_in_the_monthly_phase_stays_overdue_after_it_ends():
    met = [Meeting(date(2026, 7, 10), in_person=True)]
    result = evaluate(FIRST_QUARTER_MONTHLY, START, met, date(2026, 10, 20))
    assert result.status == Status.OVERDUE
    assert result.reasons[0] == "No meeting since 10 Jul 2026; one was due by 31 Aug 2026."


def test_the_program_stays_the_floor_in_every_phase():
    strict = CadencePolicy(monthly_months=12, max_gap_days=30)
    plan = CadencePlan(
        (
            (START, with_agreement(strict, "monthly")),
            (date(2026, 10, 1), with_agreement(strict, "quarterly")),
        )
    )
    assert all(policy == strict for _, policy in plan.phases)


def test_a_plan_refuses_phases_out_of_order_or_of_another_year():
    with pytest.raises(ValueError, match="in order"):
        CadencePlan(((date(2026, 10, 1), QUARTERLY), (START, MONTHLY)))
    with pytest.raises(ValueError, match="academic year"):
        CadencePlan(((START, MONTHLY), (date(2026, 10, 1), CadencePolicy(year_start_month=1))))
    with pytest.raises(ValueError, match="at least one"):
        CadencePlan(())


# --- Properties ---------------------------------------------------------------------------


@FAST
@given(cases())
def test_a_plan_of_one_phase_gives_exactly_the_result_of_its_policy(case):
    policy, start, meetings, today, end = case
    plan = CadencePlan.single(policy, start)
    assert evaluate(plan, start, meetings, today, end) == evaluate(
        policy, start, meetings, today, end
    )


@FAST
@given(cases(), cases(), st.integers(1, 400))
def test_a_phase_that_starts_after_the_day_judged_changes_nothing(case, other, later):
    policy, start, meetings, today, end = case
    other_policy = replace(other[0], year_start_month=policy.year_start_month)
    plan = CadencePlan(((start, policy), (max(today, start) + timedelta(days=later), other_policy)))
    assert evaluate(plan, start, meetings, today, end) == evaluate(
        policy, start, meetings, today, end
    )


frequencies = st.sampled_from(sorted(AGREED_FREQUENCY))
versions = st.lists(
    st.tuples(
        st.dates(date(2025, 1, 1), date(2028, 12, 31)),
        frequencies,
        st.none() | st.integers(1, 24),
        st.none() | frequencies,
    ),
    max_size=6,
)


@FAST
@given(st.dates(date(2025, 1, 1), date(2027, 12, 31)), versions)
def test_phases_start_on_the_first_day_in_order_and_each_changes_the_frequency(start, agreed):
    phases = plan_phases(start, agreed)
    assert bool(phases) == bool(agreed)
    if phases:
        assert phases[0][0] == start
    assert all(a[0] < b[0] and a[1] != b[1] for a, b in zip(phases, phases[1:], strict=False))


@FAST
@given(
    st.dates(date(2025, 1, 1), date(2027, 12, 31)),
    versions.filter(bool),
    st.integers(1, 900),
    st.tuples(frequencies, st.none() | st.integers(1, 24), st.none() | frequencies),
)
def test_a_new_version_never_rewrites_the_past(start, agreed, days, terms):
    """Once a version is in force, a later one changes only what comes after its day."""
    acknowledged = max([start, *(version[0] for version in agreed)]) + timedelta(days=days)
    before = plan_phases(start, agreed)
    after = plan_phases(start, [*agreed, (acknowledged, *terms)])
    assert [p for p in after if p[0] < acknowledged] == [p for p in before if p[0] < acknowledged]
