"""Meeting due soon, overdue (to whoever schedules), and escalation to coordinators."""

from datetime import date, timedelta

import pytest

from dyad.lib.cadence import Status
from dyad.meetings.models import CadencePolicy
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import Role
from dyad.relationships.factories import acknowledge_both, make_relationship, revise_agreement
from dyad.relationships.models import Scheduler
from dyad.relationships.services import relationship_end
from dyad.reminders.models import ReminderLog
from dyad.reminders.tests.helpers import NEXT_DUE, at, meeting, pair, run, sent, status_on


@pytest.fixture
def rel(program):
    return pair(program)


def test_the_pair_fixture_has_the_statuses_the_tests_rely_on(rel):
    assert status_on(rel, date(2025, 12, 1)).status == Status.ON_TRACK
    assert status_on(rel, date(2025, 12, 2)).status == Status.DUE_SOON
    assert status_on(rel, date(2025, 12, 2)).next_due == NEXT_DUE
    assert status_on(rel, NEXT_DUE).status == Status.DUE_SOON
    assert status_on(rel, NEXT_DUE + timedelta(days=1)).status == Status.OVERDUE


def test_due_soon_goes_to_the_learner_by_default(rel):
    assert not run(at(2025, 12, 1))
    mails = run(at(2025, 12, 2))
    assert [m.subject for m in mails] == ["Time to schedule: Mentoring meeting with Gale Guide"]
    assert mails[0].to == [rel.learner.email]
    assert "due by 16 Dec 2025" in mails[0].body
    assert f"/p/{rel.program.slug}/relationships/{rel.uuid}/meetings/new/" in mails[0].body


def test_no_due_soon_when_a_meeting_is_scheduled_in_time(rel):
    meeting(rel, at(2025, 12, 15))
    assert not run(at(2025, 12, 2))


def test_a_meeting_scheduled_after_the_due_date_does_not_count(rel):
    meeting(rel, at(2025, 12, 20))
    assert len(sent(run(at(2025, 12, 2)), "Time to schedule", rel.learner)) == 1


def test_overdue_the_day_after_the_due_date(rel):
    run(at(2025, 12, 2))  # the due-soon reminder
    assert not run(at(2025, 12, 16, 23, 45))
    mails = run(at(2025, 12, 17, 0, 15))
    assert [m.subject for m in mails] == ["Overdue: Mentoring meeting with Gale Guide"]
    assert mails[0].to == [rel.learner.email]
    assert "was due by 16 Dec 2025" in mails[0].body


def test_overdue_is_sent_once_per_missed_due_date(rel):
    assert len(run(at(2025, 12, 17))) == 1
    assert not run(at(2025, 12, 24))


def test_no_overdue_once_a_meeting_is_scheduled(rel):
    meeting(rel, at(2026, 1, 5))
    assert not run(at(2025, 12, 20))


def test_the_guide_is_reminded_when_the_agreement_in_force_says_so(rel):
    revise_agreement(rel, rel.learner, scheduler=Scheduler.GUIDE)
    acknowledge_both(rel)
    mails = run(at(2025, 12, 17))
    assert [m.to for m in mails] == [[rel.guide.email]]
    assert mails[0].subject == "Overdue: Mentoring meeting with Lee Learner"


def test_an_unacknowledged_revision_does_not_move_the_duty(rel):
    revise_agreement(rel, rel.learner, scheduler=Scheduler.GUIDE)
    mails = run(at(2025, 12, 17))
    assert [m.to for m in mails] == [[rel.learner.email]]


def test_first_meeting_missing_counts_as_overdue(program):
    new = pair(program, ("Ada", "New"), ("Bo", "Mentor"))
    new.meetings.all().delete()
    new.start_date = date(2025, 9, 1)
    new.save()
    assert status_on(new, date(2025, 10, 15)).status == Status.FIRST_MEETING_MISSING
    mails = run(at(2025, 10, 15))
    assert [m.subject for m in mails] == ["Overdue: Mentoring meeting with Bo Mentor"]
    assert "was due by 1 Oct 2025" in mails[0].body


def test_escalation_to_coordinators_after_the_grace_period(rel, coordinator, director):
    run(at(2025, 12, 17))
    assert not run(at(2025, 12, 30))  # 14 days overdue: still within the grace period
    mails = run(at(2025, 12, 31))  # 15 days
    assert [(m.to, m.subject) for m in mails] == [
        ([coordinator.email], "Overdue for 15 days: Lee Learner and Gale Guide")
    ]
    body = mails[0].body
    assert "Lee Learner (learner) and Gale Guide (guide)" in body
    assert "15 days overdue for a meeting (due by 16 Dec 2025)" in body
    assert f"/p/{rel.program.slug}/compliance/" in body


def test_escalation_follows_the_programs_grace_period(rel, coordinator):
    CadencePolicy.objects.create(program=rel.program, kind=rel.kind, escalation_grace_days=3)
    assert not sent(run(at(2025, 12, 19)), "Overdue for", coordinator)
    assert len(sent(run(at(2025, 12, 20)), "Overdue for 4 days", coordinator)) == 1


def test_escalation_goes_to_every_active_coordinator_and_no_one_else(rel, coordinator):
    second = MembershipFactory(program=rel.program, role=Role.COORDINATOR).user
    gone = MembershipFactory(program=rel.program, role=Role.COORDINATOR, is_active=False).user
    left = MembershipFactory(program=rel.program, role=Role.COORDINATOR, user__is_active=False)
    mails = run(at(2025, 12, 31))
    escalated = sorted(m.to[0] for m in mails if m.subject.startswith("Overdue for"))
    assert escalated == sorted([coordinator.email, second.email])
    assert gone.email not in escalated
    assert left.user.email not in escalated


def test_no_escalation_once_a_meeting_is_scheduled(rel, coordinator):
    meeting(rel, at(2026, 1, 5))
    assert not run(at(2025, 12, 31))


def test_ended_relationships_get_no_cadence_reminder(rel, coordinator, director):
    relationship_end(relationship=rel, acting_user=director, reason="completed")
    for day in (2, 17, 31):
        assert not run(at(2025, 12, day))
    assert not ReminderLog.objects.exists()


def test_proposed_relationships_get_no_cadence_reminder(program, coordinator):
    make_relationship(program=program, start_date=date(2024, 6, 1))
    assert not run(at(2025, 12, 31))
