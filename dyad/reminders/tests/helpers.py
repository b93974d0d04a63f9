"""Builders for reminder tests: a pair with a history of held meetings, meetings at given
moments, and a run of the service at a given moment."""

from datetime import date, datetime

from django.core import mail
from django.utils import timezone

from dyad.meetings.models import Meeting, MeetingStatus
from dyad.meetings.selectors import cadence_of
from dyad.relationships.factories import (
    acknowledge_both,
    make_active_relationship,
    make_guide,
    make_learner,
    revise_agreement,
)
from dyad.relationships.models import Frequency
from dyad.reminders.services import reminders_send


def at(year, month, day, hour=10, minute=0) -> datetime:
    """A moment in the project's time zone."""
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def meeting(relationship, starts_at, *, status=MeetingStatus.SCHEDULED, **fields) -> Meeting:
    fields = {"duration_minutes": 45, "mode": "in_person", "place": "Room 4", **fields}
    return Meeting.objects.create(
        relationship=relationship, starts_at=starts_at, status=status, **fields
    )


def pair(program, learner_name=("Lee", "Learner"), guide_name=("Gale", "Guide"), **kwargs):
    """An active mentoring pair started in June 2024, agreed to meet every three months (the
    program's own rule after the first quarter), that met in person in July, August and
    September 2025: on track in October 2025, its next meeting due by 16 December 2025
    (92 days after 15 September), due soon from 2 December, overdue from 17 December."""
    learner = make_learner(program, *learner_name)
    guide = make_guide(program, *guide_name)
    relationship = make_active_relationship(
        program=program, learner=learner, guide=guide, start_date=date(2024, 6, 1), **kwargs
    )
    revise_agreement(relationship, learner, meeting_frequency=Frequency.QUARTERLY)
    acknowledge_both(relationship)
    for day in (date(2025, 7, 10), date(2025, 8, 12), date(2025, 9, 15)):
        meeting(relationship, at(day.year, day.month, day.day), status=MeetingStatus.HELD)
    return relationship


NEXT_DUE = date(2025, 12, 16)


def status_on(relationship, day):
    return cadence_of([relationship], relationship.program, day)[relationship.pk]


def run(now, **kwargs):
    """Send what is due at `now`; the mails of this run only."""
    before = len(mail.outbox)
    reminders_send(now=now, **kwargs)
    return mail.outbox[before:]


def sent(messages, kind_subject: str, user) -> list:
    """The messages to `user` whose subject starts with `kind_subject`."""
    return [m for m in messages if m.to == [user.email] and m.subject.startswith(kind_subject)]
