"""The feed is written once per state of what it shows, then read from the cache: any
change to a meeting, its pair or the parties gives a fresh feed, the same as one written
from scratch."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from icalendar import Calendar

from dyad.meetings import calendar, services
from dyad.meetings.models import Meeting
from dyad.meetings.tests.test_calendar import NOW, STARTS, make_meeting, make_pair

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine, settings):
    time_machine.move_to(NOW, tick=False)
    settings.TIME_ZONE = "America/New_York"
    settings.DEFAULT_FROM_EMAIL = "Dyad <dyad@example.org>"


@pytest.fixture
def relationship(program):
    return make_pair(program)


def fresh(user) -> bytes:
    cache.clear()
    return calendar.feed_ics(user)


def summaries(ics: bytes) -> list[str]:
    return [str(e["SUMMARY"]) for e in Calendar.from_ical(ics).walk("VEVENT")]


def test_a_cached_feed_is_the_feed(relationship):
    make_meeting(relationship)
    learner = relationship.learner
    first = calendar.feed_ics(learner)
    assert calendar.feed_ics(learner) == first == fresh(learner)


def test_each_entry_is_stamped_when_its_meeting_last_changed(relationship):
    meeting = make_meeting(relationship)
    (event,) = Calendar.from_ical(calendar.feed_ics(relationship.learner)).walk("VEVENT")
    assert meeting.updated_at == event.DTSTAMP


@pytest.mark.parametrize(
    "change",
    ["reschedule", "cancel", "new meeting", "rename the guide", "raw update", "change the kind"],
)
def test_every_change_gives_a_fresh_feed(relationship, change, time_machine):
    meeting = make_meeting(relationship)
    learner, guide = relationship.learner, relationship.guide
    before = calendar.feed_ics(learner)
    time_machine.move_to(NOW + timedelta(minutes=5), tick=False)
    if change == "reschedule":
        services.meeting_reschedule(
            meeting=meeting,
            acting_user=learner,
            starts_at=STARTS + timedelta(days=1),
            duration_minutes=60,
            mode="in_person",
            place="Room 4",
        )
    elif change == "cancel":
        services.meeting_cancel(meeting=meeting, acting_user=learner)
    elif change == "new meeting":
        make_meeting(relationship, starts_at=STARTS + timedelta(days=7))
    elif change == "rename the guide":
        guide.first_name = "Gabriela"
        guide.save()
    elif change == "raw update":
        # A change that does not touch updated_at still shows.
        Meeting.objects.filter(pk=meeting.pk).update(place="Room 9", mode="in_person")
    elif change == "change the kind":
        relationship.kind = "coaching"
        relationship.save()
    after = calendar.feed_ics(learner)
    assert after != before
    assert after == fresh(learner)
    if change == "rename the guide":
        assert summaries(after) == ["Mentoring meeting with Gabriela Ibe"]


def test_each_party_reads_their_own_feed(relationship):
    make_meeting(relationship)
    learner_feed = calendar.feed_ics(relationship.learner)
    guide_feed = calendar.feed_ics(relationship.guide)
    assert summaries(learner_feed) == ["Mentoring meeting with Grace Ibe"]
    assert summaries(guide_feed) == ["Mentoring meeting with Ada Okafor"]
