"""A pair's meeting frequency changes over the relationship's life: "monthly for the first
3 months, then every three months", or a later version of the agreement. Every place that
judges the cadence (relationship page, compliance table, reminders, home) goes through
cadence_of, which follows the phase in force on the day of each meeting."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dyad.lib.cadence import Status
from dyad.meetings import selectors
from dyad.meetings.models import MeetingStatus
from dyad.relationships.factories import (
    acknowledge_both,
    make_guide,
    make_learner,
    make_relationship,
    revise_agreement,
)
from dyad.relationships.models import Frequency
from dyad.reminders.tests.helpers import at, meeting, run, sent

pytestmark = pytest.mark.django_db

START = date(2026, 7, 1)


def planned_pair(program, n=0, **terms):
    """A mentoring pair started on 1 July 2026 whose first agreement, acknowledged that
    day, has `terms`."""
    learner = make_learner(program, "Lee", f"Learner{n}")
    guide = make_guide(program, "Gale", f"Guide{n}")
    with time_machine.travel(at(2026, 7, 1), tick=False):
        rel = make_relationship(program=program, learner=learner, guide=guide, start_date=START)
        revise_agreement(rel, learner, goals="Research, then wellbeing.", **terms)
        acknowledge_both(rel)
    return rel


def held(rel, *days):
    for day in days:
        meeting(rel, at(day.year, day.month, day.day), status=MeetingStatus.HELD)


def status_on(rel, day):
    return selectors.cadence_of([rel], rel.program, day)[rel.pk]


@pytest.fixture
def first_quarter_monthly(program):
    return planned_pair(
        program,
        meeting_frequency=Frequency.MONTHLY,
        later_after_months=3,
        later_frequency=Frequency.QUARTERLY,
    )


@pytest.fixture
def amended(program):
    """Monthly from the start; every three months from 15 November 2026, when both
    acknowledged the second version. Last met on 20 October."""
    rel = planned_pair(program, meeting_frequency=Frequency.MONTHLY)
    held(rel, date(2026, 7, 10), date(2026, 10, 20))
    with time_machine.travel(at(2026, 11, 15), tick=False):
        revise_agreement(rel, rel.learner, meeting_frequency=Frequency.QUARTERLY)
        acknowledge_both(rel)
    return rel


def test_the_plan_reads_as_phases(first_quarter_monthly):
    phases, _ = selectors.agreed_plans([first_quarter_monthly])[first_quarter_monthly.pk]
    assert phases == ((START, "monthly"), (date(2026, 10, 1), "quarterly"))


def test_the_meeting_after_one_in_the_monthly_phase_is_due_the_next_month(first_quarter_monthly):
    held(first_quarter_monthly, date(2026, 7, 10), date(2026, 9, 15))
    assert status_on(first_quarter_monthly, date(2026, 10, 5)).next_due == date(2026, 10, 31)


def test_after_the_first_quarter_three_months_between_meetings_are_on_track(
    first_quarter_monthly,
):
    held(first_quarter_monthly, date(2026, 7, 10), date(2026, 9, 15), date(2026, 10, 12))
    result = status_on(first_quarter_monthly, date(2026, 12, 20))
    assert result.status == Status.ON_TRACK
    assert result.next_due == date(2027, 1, 12)


def test_an_amendment_does_not_forgive_what_was_due_before_it(amended):
    # 20 October was in the monthly phase: the next was due by 30 November.
    result = status_on(amended, date(2026, 12, 5))
    assert result.status == Status.OVERDUE
    assert "one was due by 30 Nov 2026" in result.reasons[0]


def test_an_amendment_applies_from_the_day_both_acknowledged_it(amended):
    held(amended, date(2026, 11, 25))
    result = status_on(amended, date(2027, 1, 20))
    assert result.status == Status.ON_TRACK
    assert result.next_due == date(2027, 2, 25)


def test_a_version_waiting_for_acknowledgement_changes_nothing(program):
    rel = planned_pair(program, meeting_frequency=Frequency.MONTHLY)
    held(rel, date(2026, 10, 20))
    with time_machine.travel(at(2026, 11, 15), tick=False):
        revise_agreement(rel, rel.learner, meeting_frequency=Frequency.QUARTERLY)
    assert status_on(rel, date(2026, 12, 5)).status == Status.OVERDUE
    assert selectors.agreed_plans([rel])[rel.pk][0] == ((START, "monthly"),)


def test_the_compliance_table_judges_with_the_plan(amended):
    page = selectors.compliance_page(amended.program, {}, today=date(2026, 12, 5))
    [row] = [row for row in page["page"] if row["relationship"].pk == amended.pk]
    assert row["result"].status == Status.OVERDUE


def test_reminders_follow_the_phase_of_the_last_meeting(amended):
    # Overdue since 1 December under the monthly phase; the newest version alone (every
    # three months) would have nothing due before January.
    [overdue] = sent(run(at(2026, 12, 5, 8)), "Overdue:", amended.learner)
    assert "30 Nov 2026" in overdue.body


def test_cadence_of_reads_every_plan_in_one_query(program):
    def queries(relationships):
        with CaptureQueriesContext(connection) as captured:
            selectors.cadence_of(relationships, program, date(2026, 12, 5))
        return len(captured.captured_queries)

    pairs = [
        planned_pair(
            program,
            n,
            meeting_frequency=Frequency.MONTHLY,
            later_after_months=n + 1,
            later_frequency=Frequency.QUARTERLY,
        )
        for n in range(5)
    ]
    for rel in pairs:
        held(rel, date(2026, 7, 10), date(2026, 11, 2))
    assert queries(pairs[:1]) == queries(pairs) == 3


def test_the_plans_from_agreements_already_read_are_the_same(amended, program):
    # A version waiting for acknowledgement next to the amended pair, and the first pair's
    # versions read with its own (the home page's prefetch) rather than by agreed_plans.
    waiting = planned_pair(program, 1, meeting_frequency=Frequency.MONTHLY)
    revise_agreement(waiting, waiting.learner, meeting_frequency=Frequency.QUARTERLY)
    pairs = [amended, waiting]
    read = [a for rel in pairs for a in rel.agreements.all()]
    with CaptureQueriesContext(connection) as captured:
        plans = selectors.agreed_plans(pairs, agreements=read)
    assert not captured.captured_queries
    assert plans == selectors.agreed_plans(pairs)
    assert len(plans[amended.pk][0]) == 2
