"""Calendar entries for meetings: e-mail invitations with an .ics, and the personal feed.

Nothing confidential ever goes into an entry (SPEC M4, M11): the title names the kind of
meeting and the other party, the location is the room or the video link, and that is all.
Preparation, summaries, topics, action items and private notes stay in Dyad.
"""

import hashlib
import secrets
from datetime import timedelta
from email.mime.text import MIMEText
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateformat import format as date_format
from icalendar import PARTSTAT, ROLE, STATUS, Calendar, Event, vCalAddress, vDuration

from dyad.audit.actions import AuditAction
from dyad.audit.services import audit_log
from dyad.lib.dates import format_moment, format_time
from dyad.meetings.models import CalendarFeed, Meeting, MeetingMode, MeetingStatus

PRODID = "-//Dyad//Dyad//EN"
FEED_PAST_DAYS = 90
# Calendar apps poll a subscribed feed; ask for an hourly refresh (Google decides alone).
FEED_REFRESH = timedelta(hours=1)
# A feed stays cached this long (seconds) unless what it shows changes first.
FEED_CACHE_SECONDS = 24 * 3600


def meeting_title(meeting: Meeting, recipient) -> str:
    """'Mentoring meeting with Grace Ibe', as the recipient sees it."""
    relationship = meeting.relationship
    if recipient.pk == relationship.learner_id:
        other = relationship.guide
    elif recipient.pk == relationship.guide_id:
        other = relationship.learner
    else:
        raise ValueError("Only the two parties of a meeting receive its calendar entry.")
    return f"{relationship.get_kind_display()} meeting with {other.full_name or other.email}"


def meeting_location(meeting: Meeting) -> str:
    if meeting.mode == MeetingMode.VIDEO and meeting.link:
        return meeting.link
    return meeting.place or meeting.link


def _organizer() -> vCalAddress:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    return vCalAddress.new(address, cn="Dyad")


def _attendee(meeting: Meeting, user) -> vCalAddress:
    # Whoever scheduled the meeting has accepted it; the other party has yet to answer.
    # RSVP is off: Dyad does not read calendar replies, changes are made in Dyad.
    accepted = meeting.created_by_id == user.pk
    return vCalAddress.new(
        user.email,
        cn=user.full_name or user.email,
        role=ROLE.REQ_PARTICIPANT,
        partstat=PARTSTAT.ACCEPTED if accepted else PARTSTAT.NEEDS_ACTION,
        rsvp=False,
    )


def meeting_event(meeting: Meeting, recipient, *, cancel: bool = False, stamp=None) -> Event:
    """One VEVENT for a meeting as `recipient` sees it. The UID is the same for every
    version of the meeting; SEQUENCE is the meeting's, raised by each change. DTSTAMP is
    `stamp`, by default now (an invitation: when it is sent)."""
    relationship = meeting.relationship
    cancelled = cancel or meeting.status == MeetingStatus.CANCELLED
    event = Event.new(
        uid=meeting.ics_uid,
        sequence=meeting.ics_sequence,
        stamp=stamp or timezone.now(),
        start=meeting.starts_at.astimezone(ZoneInfo("UTC")),
        end=meeting.ends_at.astimezone(ZoneInfo("UTC")),
        summary=meeting_title(meeting, recipient),
        status=STATUS.CANCELLED if cancelled else STATUS.CONFIRMED,
        organizer=_organizer(),
        attendees=[
            _attendee(meeting, relationship.learner),
            _attendee(meeting, relationship.guide),
        ],
    )
    if location := meeting_location(meeting):
        event.add("location", location)
    if meeting.link:
        event.add("description", meeting.link)
    return event


def _calendar(**properties) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    for name, value in properties.items():
        calendar.add(name.replace("_", "-"), value)
    return calendar


def invitation_ics(meeting: Meeting, recipient, *, cancel: bool = False) -> bytes:
    """The .ics of an invitation (METHOD:REQUEST) or of its cancellation (METHOD:CANCEL)."""
    calendar = _calendar(method="CANCEL" if cancel else "REQUEST")
    calendar.add_component(meeting_event(meeting, recipient, cancel=cancel))
    return calendar.to_ical()


def _subject(meeting: Meeting, recipient, *, cancel: bool) -> str:
    if cancel:
        prefix = "Cancelled"
    elif meeting.ics_sequence > 0:
        prefix = "Updated"
    else:
        prefix = "Invitation"
    return f"{prefix}: {meeting_title(meeting, recipient)}"


def _when(meeting: Meeting) -> str:
    """'Tue 14 Oct 2025, 3:00 PM – 3:45 PM EDT', in the program's time zone; the zone is
    named because a calendar may show the invitation elsewhere."""
    zone = ZoneInfo(settings.TIME_ZONE)
    starts, ends = meeting.starts_at.astimezone(zone), meeting.ends_at.astimezone(zone)
    return f"{format_moment(starts)} – {format_time(ends)} {date_format(ends, 'T')}"


def invitation_message(meeting: Meeting, recipient, *, cancel: bool = False):
    """The e-mail to one party: a short text and the .ics, both as the text/calendar
    alternative (which Outlook and Gmail turn into an invitation) and as invite.ics."""
    method = "CANCEL" if cancel else "REQUEST"
    ics = invitation_ics(meeting, recipient, cancel=cancel).decode()
    body = render_to_string(
        "meetings/email/invitation.txt",
        {
            "recipient": recipient,
            "meeting": meeting,
            "title": meeting_title(meeting, recipient),
            "when": _when(meeting),
            "where": meeting_location(meeting),
            "cancel": cancel,
            "updated": meeting.ics_sequence > 0,
            "site_url": settings.SITE_URL,
        },
    )
    message = EmailMultiAlternatives(
        _subject(meeting, recipient, cancel=cancel), body, None, [recipient.email]
    )
    message.attach_alternative(ics, f"text/calendar; method={method}")
    attachment = MIMEText(ics, "calendar", "utf-8")
    attachment.set_param("method", method)
    attachment.add_header("Content-Disposition", "attachment", filename="invite.ics")
    message.attach(attachment)
    return message


def send_invitation(meeting: Meeting, *, cancel: bool = False) -> None:
    """E-mail both parties the meeting's invitation (or its cancellation) once the
    current transaction commits. Call it after ics_sequence has been raised for a change.

    The messages are written now, so that they show the meeting as it is at this point
    even if the object changes before the commit; nothing is sent if it rolls back."""
    relationship = meeting.relationship
    messages = [
        invitation_message(meeting, user, cancel=cancel)
        for user in (relationship.learner, relationship.guide)
        if user.is_active and user.email
    ]

    transaction.on_commit(lambda: get_connection().send_messages(messages))


# --- The personal feed ------------------------------------------------------------------


def feed_meetings(user):
    """The user's meetings of the last FEED_PAST_DAYS days and onwards, cancelled ones
    included (so that calendars that had them drop them), in one query."""
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    return (
        Meeting.objects.for_party(user)
        .filter(starts_at__gte=since)
        .select_related("relationship__learner", "relationship__guide")
        .order_by("starts_at")
    )


def _values(row) -> tuple:
    return tuple(getattr(row, field.attname) for field in row._meta.concrete_fields)


def feed_ics(user) -> bytes:
    """The user's feed, written once per state of what it shows and then read from the
    cache (calendar apps poll it): the key is a digest of every column of the meetings,
    their relationships and both parties that the feed read, so that any change to any of
    them gives a new key. Each entry's DTSTAMP is when its meeting last changed: in a
    published calendar, when its information was last revised (RFC 5545)."""
    meetings = list(feed_meetings(user))
    rows = [
        (
            _values(m),
            _values(m.relationship),
            _values(m.relationship.learner),
            _values(m.relationship.guide),
        )
        for m in meetings
    ]
    digest = hashlib.sha256(
        repr((rows, settings.DEFAULT_FROM_EMAIL, FEED_REFRESH)).encode()
    ).hexdigest()
    key = f"calendar:feed:{user.pk}:{digest}"
    ics = cache.get(key)
    if ics is None:
        calendar = _calendar(x_wr_calname="Dyad", name="Dyad")
        calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(FEED_REFRESH))
        for meeting in meetings:
            calendar.add_component(meeting_event(meeting, user, stamp=meeting.updated_at))
        ics = calendar.to_ical()
        cache.set(key, ics, FEED_CACHE_SECONDS)
    return ics


def feed_for_user(user) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def feed_reset_token(*, user, acting_user) -> CalendarFeed:
    """A new secret: the old feed address stops working at once."""
    feed = feed_for_user(user)
    feed.token = secrets.token_urlsafe()
    feed.save(update_fields=["token"])
    audit_log(action=AuditAction.CALENDAR_TOKEN_RESET, actor=acting_user, target=feed)
    return feed
