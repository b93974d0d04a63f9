"""Calendar invitations: the .ics of a meeting and the e-mails that carry it."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import NoReverseMatch
from icalendar import Calendar

from dyad.meetings import calendar
from dyad.meetings.models import (
    ActionItem,
    Meeting,
    MeetingStatus,
    Preparation,
    PrivateNote,
    Summary,
)
from dyad.profiles.models import MeetingMode
from dyad.programs.models import GuidanceKind
from dyad.relationships.factories import make_active_relationship, make_guide, make_learner

NOW = datetime(2025, 10, 1, 12, 0, tzinfo=UTC)
# Tuesday 14 October 2025, 3 PM in New York (EDT, UTC-4).
STARTS = datetime(2025, 10, 14, 19, 0, tzinfo=UTC)
VIDEO_LINK = "https://video.example.org/room/42"


@pytest.fixture(autouse=True)
def _frozen(time_machine, settings):
    time_machine.move_to(NOW, tick=False)
    settings.TIME_ZONE = "America/New_York"
    settings.DEFAULT_FROM_EMAIL = "Dyad <dyad@example.org>"
    settings.SITE_URL = "https://dyad.example.org"


def make_pair(program, kind=GuidanceKind.MENTORING, **kwargs):
    """An active relationship between Ada Okafor (learner) and Grace Ibe (guide)."""
    learner = make_learner(program, "Ada", "Okafor", user__email="ada@example.org")
    guide = make_guide(program, "Grace", "Ibe", offers={kind: 2})
    return make_active_relationship(
        program=program, learner=learner, guide=guide, kind=kind, **kwargs
    )


def make_meeting(relationship, **kwargs):
    fields = {
        "starts_at": STARTS,
        "mode": MeetingMode.VIDEO,
        "link": VIDEO_LINK,
        "created_by": relationship.learner,
    }
    return Meeting.objects.create(relationship=relationship, **{**fields, **kwargs})


def parse(ics: bytes):
    """The calendar and its only event."""
    cal = Calendar.from_ical(ics)
    (event,) = cal.walk("VEVENT")
    return cal, event


def meeting_url_or_skip(meeting) -> str:
    try:
        return meeting.get_absolute_url()
    except NoReverseMatch:
        pytest.skip("The meetings:detail URL does not exist yet: cannot check the link.")


@pytest.fixture
def relationship(program):
    return make_pair(program)


@pytest.fixture
def meeting(relationship):
    return make_meeting(relationship)


# --- The .ics ----------------------------------------------------------------------------


def test_invitation_has_the_properties_calendars_need(meeting):
    cal, event = parse(calendar.invitation_ics(meeting, meeting.relationship.learner))

    assert cal["PRODID"] == "-//Dyad//Dyad//EN"
    assert cal["VERSION"] == "2.0"
    assert cal["CALSCALE"] == "GREGORIAN"
    assert cal["METHOD"] == "REQUEST"
    assert event["UID"] == meeting.ics_uid == f"meeting-{meeting.uuid}@dyad"
    assert event["SEQUENCE"] == 0
    assert event.DTSTAMP == NOW
    assert event.start == STARTS
    assert event.start.tzinfo is not None
    assert event.end == STARTS + timedelta(minutes=45)
    assert event["STATUS"] == "CONFIRMED"
    assert event["LOCATION"] == VIDEO_LINK
    assert event["DESCRIPTION"] == VIDEO_LINK


def test_invitation_names_dyad_as_organizer_and_both_parties_as_attendees(meeting):
    _, event = parse(calendar.invitation_ics(meeting, meeting.relationship.learner))

    organizer = event["ORGANIZER"]
    assert organizer == "mailto:dyad@example.org"
    assert organizer.params["CN"] == "Dyad"
    attendees = {str(a).removeprefix("mailto:"): a.params for a in event["ATTENDEE"]}
    learner, guide = meeting.relationship.learner, meeting.relationship.guide
    assert set(attendees) == {learner.email, guide.email}
    assert attendees[learner.email]["CN"] == "Ada Okafor"
    assert attendees[guide.email]["CN"] == "Grace Ibe"
    assert {p["ROLE"] for p in attendees.values()} == {"REQ-PARTICIPANT"}
    # The learner scheduled it; the guide has yet to answer.
    assert attendees[learner.email]["PARTSTAT"] == "ACCEPTED"
    assert attendees[guide.email]["PARTSTAT"] == "NEEDS-ACTION"


def test_summary_names_the_other_party_for_each_recipient(meeting):
    learner, guide = meeting.relationship.learner, meeting.relationship.guide

    _, for_learner = parse(calendar.invitation_ics(meeting, learner))
    _, for_guide = parse(calendar.invitation_ics(meeting, guide))

    assert for_learner["SUMMARY"] == "Mentoring meeting with Grace Ibe"
    assert for_guide["SUMMARY"] == "Mentoring meeting with Ada Okafor"


@pytest.mark.parametrize(
    ("kind", "title"),
    [
        (GuidanceKind.COACHING, "Coaching meeting with Grace Ibe"),
        (GuidanceKind.ADVISING, "Advising meeting with Grace Ibe"),
        (GuidanceKind.PEER_MENTORING, "Peer mentoring meeting with Grace Ibe"),
    ],
)
def test_summary_names_the_kind_of_relationship(program, kind, title):
    meeting = make_meeting(make_pair(program, kind=kind))

    _, event = parse(calendar.invitation_ics(meeting, meeting.relationship.learner))

    assert event["SUMMARY"] == title


def test_in_person_meeting_is_located_in_its_room_without_description(relationship):
    meeting = make_meeting(relationship, mode=MeetingMode.IN_PERSON, link="", place="Room 4B")

    _, event = parse(calendar.invitation_ics(meeting, relationship.guide))

    assert event["LOCATION"] == "Room 4B"
    assert "DESCRIPTION" not in event


def test_only_the_parties_receive_an_entry(meeting, director):
    with pytest.raises(ValueError):
        calendar.invitation_ics(meeting, director)


def test_uid_stays_and_sequence_grows_across_versions(meeting):
    learner = meeting.relationship.learner
    _, first = parse(calendar.invitation_ics(meeting, learner))

    meeting.starts_at += timedelta(days=1)
    meeting.ics_sequence += 1
    meeting.save()
    _, moved = parse(calendar.invitation_ics(meeting, learner))
    meeting.ics_sequence += 1
    meeting.status = MeetingStatus.CANCELLED
    meeting.save()
    cal, cancelled = parse(calendar.invitation_ics(meeting, learner, cancel=True))

    assert first["UID"] == moved["UID"] == cancelled["UID"] == meeting.ics_uid
    assert (first["SEQUENCE"], moved["SEQUENCE"], cancelled["SEQUENCE"]) == (0, 1, 2)
    assert moved.start == STARTS + timedelta(days=1)
    assert cal["METHOD"] == "CANCEL"
    assert cancelled["STATUS"] == "CANCELLED"


def test_cancellation_is_cancelled_even_before_the_status_is_saved(meeting):
    cal, event = parse(calendar.invitation_ics(meeting, meeting.relationship.guide, cancel=True))

    assert cal["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"


# --- The e-mails -------------------------------------------------------------------------


def calendar_parts(message):
    """(content type, method, filename, ics) of each text/calendar part of a sent mail."""
    return [
        (
            part.get_content_type(),
            part.get_param("method"),
            part.get_filename(),
            part.get_payload(decode=True),
        )
        for part in message.message().walk()
        if part.get_content_type() == "text/calendar"
    ]


def send(meeting, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        calendar.send_invitation(meeting, **kwargs)


def test_invitations_go_to_both_parties_once_the_transaction_commits(
    meeting, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        calendar.send_invitation(meeting)
        assert mailoutbox == []

    assert len(callbacks) == 1
    subjects = {m.to[0]: m.subject for m in mailoutbox}
    assert subjects == {
        "ada@example.org": "Invitation: Mentoring meeting with Grace Ibe",
        meeting.relationship.guide.email: "Invitation: Mentoring meeting with Ada Okafor",
    }


def test_invitation_mail_carries_the_ics_as_text_calendar(
    meeting, mailoutbox, django_capture_on_commit_callbacks
):
    send(meeting, django_capture_on_commit_callbacks)

    message = next(m for m in mailoutbox if m.to == ["ada@example.org"])
    parts = calendar_parts(message)
    # The alternative that Outlook and Gmail show as an invitation, and invite.ics.
    assert [(t, m, f) for t, m, f, _ in parts] == [
        ("text/calendar", "REQUEST", None),
        ("text/calendar", "REQUEST", "invite.ics"),
    ]
    for *_, ics in parts:
        cal, event = parse(ics)
        assert cal["METHOD"] == "REQUEST"
        assert event["SUMMARY"] == "Mentoring meeting with Grace Ibe"


def test_updated_invitation_says_so(meeting, mailoutbox, django_capture_on_commit_callbacks):
    meeting.ics_sequence = 1
    meeting.save()

    send(meeting, django_capture_on_commit_callbacks)

    message = next(m for m in mailoutbox if m.to == ["ada@example.org"])
    assert message.subject == "Updated: Mentoring meeting with Grace Ibe"
    assert "has changed" in message.body
    assert {parse(ics)[1]["SEQUENCE"] for *_, ics in calendar_parts(message)} == {1}


def test_cancellation_mail_carries_a_cancel_message(
    meeting, mailoutbox, django_capture_on_commit_callbacks
):
    meeting.ics_sequence = 1
    meeting.status = MeetingStatus.CANCELLED
    meeting.save()

    send(meeting, django_capture_on_commit_callbacks, cancel=True)

    assert len(mailoutbox) == 2
    message = next(m for m in mailoutbox if m.to == ["ada@example.org"])
    assert message.subject == "Cancelled: Mentoring meeting with Grace Ibe"
    assert "cancelled" in message.body
    parts = calendar_parts(message)
    assert {(m, f) for _, m, f, _ in parts} == {("CANCEL", None), ("CANCEL", "invite.ics")}
    cal, event = parse(parts[1][3])
    assert (cal["METHOD"], event["STATUS"], event["SEQUENCE"]) == ("CANCEL", "CANCELLED", 1)
    assert event["UID"] == meeting.ics_uid


def test_mail_body_gives_time_in_program_zone_place_and_link(
    meeting, mailoutbox, django_capture_on_commit_callbacks
):
    send(meeting, django_capture_on_commit_callbacks)

    body = next(m for m in mailoutbox if m.to == ["ada@example.org"]).body
    assert "Tue 14 Oct 2025, 3:00 PM – 3:45 PM EDT" in body
    assert VIDEO_LINK in body
    assert f"https://dyad.example.org{meeting_url_or_skip(meeting)}" in body


def test_inactive_party_is_not_mailed(meeting, mailoutbox, django_capture_on_commit_callbacks):
    guide = meeting.relationship.guide
    guide.is_active = False
    guide.save()

    send(meeting, django_capture_on_commit_callbacks)

    assert [m.to for m in mailoutbox] == [["ada@example.org"]]


# --- Nothing confidential ----------------------------------------------------------------

SECRETS = ["Zanzibar", "Quixotic", "Xylophone", "Marmalade", "Ouagadougou", "Kumquat"]


@pytest.fixture
def confidential_meeting(program):
    """A meeting whose preparation, summary, action item, private note and agreement all
    hold words that must never leave Dyad."""
    relationship = make_pair(program, goals="Ouagadougou fellowship application")
    meeting = make_meeting(relationship)
    Preparation.objects.create(
        meeting=meeting, goals="Zanzibar plans", progress="Quixotic", obstacles="Kumquat"
    )
    Summary.objects.create(meeting=meeting, text="We talked about Quixotic burnout.")
    ActionItem.objects.create(meeting=meeting, text="Marmalade draft", owner=relationship.learner)
    PrivateNote.objects.create(meeting=meeting, author=relationship.guide, text="Xylophone")
    return meeting


def unfolded(data: bytes) -> str:
    # Long ICS lines are folded; a word cut in two must still be found.
    return data.decode().replace("\r\n ", "").replace("\n ", "")


def everything_in(message) -> str:
    parts = [message.subject, message.body]
    for part in message.message().walk():
        if not part.is_multipart():
            parts.append(unfolded(part.get_payload(decode=True)))
    return "\n".join(parts)


def test_no_confidential_text_in_any_mail(
    confidential_meeting, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = confidential_meeting
    send(meeting, django_capture_on_commit_callbacks)
    meeting.ics_sequence = 1
    send(meeting, django_capture_on_commit_callbacks)
    meeting.ics_sequence = 2
    send(meeting, django_capture_on_commit_callbacks, cancel=True)

    assert len(mailoutbox) == 6
    for message in mailoutbox:
        text = everything_in(message)
        assert "Grace Ibe" in text or "Ada Okafor" in text  # the check reads the content
        assert [word for word in SECRETS if word.lower() in text.lower()] == []


def test_no_confidential_text_in_the_feed(confidential_meeting):
    relationship = confidential_meeting.relationship
    for user in (relationship.learner, relationship.guide):
        text = unfolded(calendar.feed_ics(user))
        assert confidential_meeting.ics_uid in text
        assert [word for word in SECRETS if word.lower() in text.lower()] == []


# --- The feed ----------------------------------------------------------------------------


def test_feed_has_the_users_meetings_from_ninety_days_ago(relationship, program):
    learner = relationship.learner
    old = make_meeting(relationship, starts_at=NOW - timedelta(days=91))
    held = make_meeting(relationship, starts_at=NOW - timedelta(days=89), status="held")
    upcoming = make_meeting(relationship, starts_at=NOW + timedelta(days=7))
    cancelled = make_meeting(relationship, starts_at=NOW + timedelta(days=8), status="cancelled")
    someone_elses = make_meeting(
        make_active_relationship(program=program, guide=relationship.guide)
    )

    cal = Calendar.from_ical(calendar.feed_ics(learner))

    assert "METHOD" not in cal
    assert cal["X-WR-CALNAME"] == "Dyad"
    assert cal["PRODID"] == "-//Dyad//Dyad//EN"
    assert cal["X-PUBLISHED-TTL"].to_ical() == b"PT1H"
    events = {e["UID"]: e for e in cal.walk("VEVENT")}
    assert set(events) == {held.ics_uid, upcoming.ics_uid, cancelled.ics_uid}
    assert old.ics_uid not in events and someone_elses.ics_uid not in events
    assert events[held.ics_uid]["STATUS"] == "CONFIRMED"
    assert events[cancelled.ics_uid]["STATUS"] == "CANCELLED"
    assert {e["SUMMARY"] for e in events.values()} == {"Mentoring meeting with Grace Ibe"}


def test_guide_feed_names_each_learner(relationship, program):
    other = make_active_relationship(
        program=program,
        learner=make_learner(program, "Ben", "Adeyemi"),
        guide=relationship.guide,
        kind=GuidanceKind.MENTORING,
    )
    make_meeting(relationship)
    make_meeting(other)

    cal = Calendar.from_ical(calendar.feed_ics(relationship.guide))

    assert sorted(e["SUMMARY"] for e in cal.walk("VEVENT")) == [
        "Mentoring meeting with Ada Okafor",
        "Mentoring meeting with Ben Adeyemi",
    ]


@pytest.mark.parametrize("count", [3, 30])
def test_feed_takes_one_query_whatever_the_number_of_meetings(
    relationship, count, django_assert_num_queries
):
    for day in range(count):
        make_meeting(relationship, starts_at=NOW + timedelta(days=day))
    learner = relationship.learner

    with django_assert_num_queries(1):
        ics = calendar.feed_ics(learner)

    assert len(Calendar.from_ical(ics).walk("VEVENT")) == count
