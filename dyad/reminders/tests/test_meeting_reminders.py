"""Upcoming meeting, preparation due, and the nudge to log a meeting that has passed."""

from datetime import timedelta

import pytest

from dyad.meetings.models import MeetingStatus, Preparation
from dyad.relationships.services import relationship_end
from dyad.reminders.models import Kind, ReminderLog
from dyad.reminders.tests.helpers import at, meeting, pair, run, sent

# The pair is on track at this moment: only meeting reminders can be due.
NOW = at(2025, 10, 15, 10, 0)


@pytest.fixture
def rel(program):
    return pair(program)


def test_upcoming_goes_to_both_parties_a_day_ahead(rel):
    meeting(rel, NOW + timedelta(hours=23))
    mails = run(NOW)
    assert [m.subject for m in sent(mails, "Reminder:", rel.learner)] == [
        "Reminder: Mentoring meeting with Gale Guide"
    ]
    assert [m.subject for m in sent(mails, "Reminder:", rel.guide)] == [
        "Reminder: Mentoring meeting with Lee Learner"
    ]


def test_upcoming_not_before_the_last_24_hours(rel):
    meeting(rel, NOW + timedelta(hours=25))
    assert not sent(run(NOW), "Reminder:", rel.learner)
    assert len(sent(run(NOW + timedelta(hours=1, minutes=15)), "Reminder:", rel.learner)) == 1


def test_upcoming_shows_the_time_and_links_to_the_meeting(rel, settings):
    m = meeting(rel, at(2025, 10, 16, 9, 0))
    (mail,) = sent(run(NOW), "Reminder:", rel.learner)
    assert "Thu 16 Oct 2025, 9:00 AM to 9:45 AM" in mail.body
    assert f"{settings.SITE_URL}/p/{rel.program.slug}/meetings/{m.uuid}/" in mail.body


def test_a_rescheduled_meeting_is_a_new_occurrence(rel):
    m = meeting(rel, NOW + timedelta(hours=20))
    assert len(sent(run(NOW), "Reminder:", rel.learner)) == 1
    m.starts_at, m.ics_sequence = NOW + timedelta(hours=22), 1
    m.save()
    assert len(sent(run(NOW + timedelta(minutes=15)), "Reminder:", rel.learner)) == 1


def test_no_reminder_for_cancelled_or_past_meetings(rel):
    meeting(rel, NOW + timedelta(hours=3), status=MeetingStatus.CANCELLED)
    meeting(rel, NOW - timedelta(hours=1))
    assert not [m for m in run(NOW) if m.subject.startswith(("Reminder:", "Prepare"))]


def test_preparation_due_goes_to_the_learner_within_48_hours(rel):
    meeting(rel, NOW + timedelta(hours=47))
    mails = run(NOW)
    assert [m.subject for m in sent(mails, "Prepare", rel.learner)] == [
        "Prepare for your Mentoring meeting with Gale Guide"
    ]
    assert not sent(mails, "Prepare", rel.guide)


def test_preparation_not_before_48_hours(rel):
    meeting(rel, NOW + timedelta(hours=49))
    assert not run(NOW)


def test_no_preparation_reminder_once_the_learner_has_prepared(rel):
    m = meeting(rel, NOW + timedelta(hours=30))
    Preparation.objects.create(meeting=m, goals="Talk about fellowship applications")
    assert not sent(run(NOW), "Prepare", rel.learner)


def test_an_empty_preparation_still_needs_doing(rel):
    m = meeting(rel, NOW + timedelta(hours=30))
    Preparation.objects.create(meeting=m, goals="  ", progress="", obstacles="\n")
    assert len(sent(run(NOW), "Prepare", rel.learner)) == 1


def test_log_your_meeting_two_hours_after_its_end(rel):
    meeting(rel, NOW - timedelta(hours=2, minutes=44), duration_minutes=45)  # ended 1:59 ago
    assert not run(NOW)
    mails = run(NOW + timedelta(minutes=1))
    assert [m.subject for m in sent(mails, "How did it go?", rel.learner)] == [
        "How did it go? Mentoring meeting with Gale Guide"
    ]
    assert len(sent(mails, "How did it go?", rel.guide)) == 1


def test_no_nudge_for_a_meeting_with_an_outcome(rel):
    meeting(rel, NOW - timedelta(hours=5), status=MeetingStatus.HELD)
    meeting(rel, NOW - timedelta(hours=5), status=MeetingStatus.MISSED)
    assert not run(NOW)


def test_no_nudge_for_meetings_forgotten_long_ago(rel):
    meeting(rel, NOW - timedelta(days=15))
    assert not run(NOW)


def test_meetings_of_an_ended_relationship_trigger_nothing(rel, director):
    meeting(rel, NOW + timedelta(hours=5))
    meeting(rel, NOW - timedelta(hours=5))
    relationship_end(relationship=rel, acting_user=director, reason="completed")
    assert not run(NOW)
    assert not ReminderLog.objects.exists()


def test_the_log_records_each_reminder_as_sent(rel):
    meeting(rel, NOW + timedelta(hours=5))
    run(NOW)
    rows = ReminderLog.objects.order_by("key")
    assert sorted((r.kind, r.recipient_id) for r in rows) == sorted(
        [
            (Kind.UPCOMING, rel.learner.pk),
            (Kind.UPCOMING, rel.guide.pk),
            (Kind.PREPARATION, rel.learner.pk),
        ]
    )
    assert all(r.sent_at is not None for r in rows)
