"""Properties of the cadence engine over random policies, histories and days."""

import random
import subprocess
import sys
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from dyad.lib.cadence import (
    AGREED_FREQUENCY,
    CadencePolicy,
    Meeting,
    Status,
    evaluate,
    with_agreement,
)

FAST = settings(max_examples=300, deadline=None)
ROOT = Path(__file__).resolve().parents[3]

policies = st.builds(
    CadencePolicy,
    year_start_month=st.integers(1, 12),
    first_meeting_in_person=st.booleans(),
    first_meeting_days_midyear=st.integers(0, 120),
    monthly_months=st.integers(0, 12),
    max_gap_days=st.integers(1, 200),
    min_in_person_per_year=st.integers(0, 12),
    due_soon_days=st.integers(0, 60),
)
default_policies = st.builds(
    CadencePolicy, year_start_month=st.integers(1, 12), due_soon_days=st.integers(0, 30)
)
starts = st.dates(date(2022, 1, 1), date(2026, 12, 31))


@st.composite
def cases(draw, policy=policies):
    """A policy, a relationship (start, optional end), its meetings and a day to judge it."""
    start = draw(starts)
    today = start + timedelta(days=draw(st.integers(-30, 1200)))
    end = draw(st.none() | st.integers(0, 1300).map(lambda n: start + timedelta(days=n)))
    meeting = st.builds(
        Meeting,
        date=st.integers(-60, 1300).map(lambda n: start + timedelta(days=n)),
        in_person=st.booleans(),
        held=st.booleans() | st.just(True),
    )
    meetings = draw(st.lists(meeting, max_size=40))
    return draw(policy), start, meetings, today, end


def later_or_equal(after, before) -> bool:
    """None is "nothing due": later than any date."""
    if after is None:
        return True
    return before is not None and after >= before


@FAST
@given(cases())
def test_status_is_always_one_of_the_statuses(case):
    result = evaluate(*case)
    assert isinstance(result.status, Status)
    assert result.in_person_this_year <= result.meetings_this_year
    assert result.reasons


@FAST
@given(cases(), st.booleans())
def test_meeting_today_never_makes_things_worse(case, in_person):
    policy, start, meetings, today, end = case
    before = evaluate(policy, start, meetings, today, end)
    after = evaluate(policy, start, [*meetings, Meeting(today, in_person=in_person)], today, end)
    assert after.status.severity <= before.status.severity
    assert later_or_equal(after.next_due, before.next_due)
    assert later_or_equal(after.in_person_due, before.in_person_due)


@FAST
@given(cases())
def test_next_due_is_never_before_the_last_meeting(case):
    result = evaluate(*case)
    if result.next_due is not None and result.last_meeting is not None:
        assert result.next_due > result.last_meeting


@FAST
@given(cases())
def test_status_agrees_with_the_due_dates(case):
    policy, _, _, today, _ = case
    result = evaluate(*case)
    dues = [d for d in (result.next_due, result.in_person_due) if d is not None]
    if result.ended:
        assert result.next_due is None and result.in_person_due is None
    elif result.status in (Status.ON_TRACK, Status.DUE_SOON):
        assert all(d >= today for d in dues)
        soon = today + timedelta(days=policy.due_soon_days)
        assert (result.status is Status.DUE_SOON) == any(d <= soon for d in dues)
    elif result.status in (Status.OVERDUE, Status.FIRST_MEETING_MISSING):
        assert result.next_due is not None and result.next_due < today


@FAST
@given(cases(), st.randoms(use_true_random=False))
def test_result_does_not_depend_on_meeting_order(case, rng):
    policy, start, meetings, today, end = case
    shuffled = list(meetings)
    rng.shuffle(shuffled)
    assert evaluate(policy, start, shuffled, today, end) == evaluate(*case)


@FAST
@given(cases())
def test_meetings_that_do_not_count_change_nothing_but_the_plan(case):
    policy, start, meetings, today, end = case
    counted = [
        m
        for m in meetings
        if m.held and start <= m.date <= today and (end is None or m.date <= end)
    ]
    full = evaluate(*case)
    bare = evaluate(policy, start, counted, today, end)
    assert replace(full, reasons=(), next_planned=None) == replace(
        bare, reasons=(), next_planned=None
    )


@st.composite
def monthly_in_person(draw):
    """A default policy and an in-person meeting on the same day of every month since the
    relationship started (or from the next month when the day had passed)."""
    policy = draw(default_policies)
    start = draw(starts)
    today = start + timedelta(days=draw(st.integers(0, 1000)))
    end = draw(st.none() | st.integers(0, 1000).map(lambda n: start + timedelta(days=n)))
    day_of_month = draw(st.integers(1, 28))
    year, month = start.year, start.month
    meetings = []
    while True:
        meeting_day = date(year, month, day_of_month)
        if meeting_day > today + timedelta(days=60):
            break
        if meeting_day >= start:
            meetings.append(Meeting(meeting_day, in_person=True))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return policy, start, meetings, today, end


@FAST
@given(monthly_in_person())
def test_monthly_in_person_meetings_are_always_on_track(case):
    policy, _, _, today, _ = case
    result = evaluate(*case)
    assert result.status in (Status.ON_TRACK, Status.DUE_SOON)
    if result.status is Status.DUE_SOON:
        soon = today + timedelta(days=policy.due_soon_days)
        dues = [d for d in (result.next_due, result.in_person_due) if d is not None]
        assert min(dues) <= soon


@FAST
@given(cases())
def test_results_are_deterministic(case):
    assert evaluate(*case) == evaluate(*case)


def test_deterministic_on_a_large_random_history():
    rng = random.Random(7)
    start = date(2023, 3, 14)
    meetings = [
        Meeting(start + timedelta(days=rng.randrange(900)), rng.random() < 0.4, rng.random() < 0.9)
        for _ in range(5000)
    ]
    first = evaluate(CadencePolicy(), start, meetings, date(2025, 11, 15))
    rng.shuffle(meetings)
    assert evaluate(CadencePolicy(), start, meetings, date(2025, 11, 15)) == first


def test_module_imports_no_django():
    code = (
        "import sys, dyad.lib.cadence; "
        "assert not any(m.startswith('django') for m in sys.modules), 'django imported'"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


agreed_terms = st.tuples(
    st.sampled_from(sorted(AGREED_FREQUENCY)),
    st.lists(st.sampled_from(["in_person", "video", "phone"]), unique=True).map(tuple),
)


@FAST
@given(cases(), agreed_terms)
def test_an_agreement_never_lets_a_meeting_fall_due_later(case, terms):
    policy, start, meetings, today, end = case
    program = evaluate(policy, start, meetings, today, end)
    agreed = evaluate(with_agreement(policy, *terms), start, meetings, today, end)
    assert later_or_equal(program.next_due, agreed.next_due)
    if terms[1] and "in_person" not in terms[1]:
        assert agreed.status != Status.IN_PERSON_SHORTFALL
        assert not [reason for reason in agreed.reasons if "in person" in reason]
