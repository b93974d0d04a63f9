"""The personal calendar feed, its settings page and the reset of its secret."""

from datetime import timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from dyad.audit.models import AuditEntry
from dyad.meetings.models import CalendarFeed
from dyad.meetings.tests.test_calendar import NOW, make_meeting, make_pair


@pytest.fixture(autouse=True)
def _frozen(time_machine, settings):
    time_machine.move_to(NOW, tick=False)
    settings.SITE_URL = "https://dyad.example.org"


@pytest.fixture
def relationship(program):
    return make_pair(program)


@pytest.fixture
def learner(relationship):
    return relationship.learner


def feed_path(token):
    return reverse("calendar:feed", args=[token])


def token_of(user):
    return CalendarFeed.objects.get(user=user).token


# --- The feed ----------------------------------------------------------------------------


def test_feed_answers_a_calendar_app_without_login(client, relationship, learner):
    meeting = make_meeting(relationship, starts_at=NOW + timedelta(days=3))
    feed = CalendarFeed.objects.create(user=learner)

    response = client.get(feed_path(feed.token))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert event["UID"] == meeting.ics_uid
    assert event["SUMMARY"] == "Mentoring meeting with Grace Ibe"


def test_feed_path_ends_in_ics(learner):
    feed = CalendarFeed.objects.create(user=learner)

    assert feed_path(feed.token) == f"/calendar/{feed.token}.ics"


@pytest.mark.parametrize("token", ["nope", "a" * 43])
def test_unknown_token_is_404(client, learner, token):
    CalendarFeed.objects.create(user=learner)

    assert client.get(feed_path(token)).status_code == 404


def test_feed_of_a_deactivated_user_is_404(client, learner):
    feed = CalendarFeed.objects.create(user=learner)
    learner.is_active = False
    learner.save()

    assert client.get(feed_path(feed.token)).status_code == 404


def test_feed_is_read_only(client, learner):
    feed = CalendarFeed.objects.create(user=learner)

    assert client.post(feed_path(feed.token)).status_code == 405


@pytest.mark.parametrize("count", [3, 30])
def test_feed_query_count_does_not_grow_with_meetings(
    client, relationship, learner, count, django_assert_num_queries
):
    for day in range(count):
        make_meeting(relationship, starts_at=NOW + timedelta(days=day))
    feed = CalendarFeed.objects.create(user=learner)

    # The feed and its user; the meetings with both parties.
    with django_assert_num_queries(2):
        response = client.get(feed_path(feed.token))

    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == count


# --- The settings page -------------------------------------------------------------------

SETTINGS_URL = "/me/calendar/"
RESET_URL = "/me/calendar/reset/"


def test_urls_are_named():
    assert reverse("calendar:settings") == SETTINGS_URL
    assert reverse("calendar:reset") == RESET_URL


def test_settings_page_needs_login(client):
    response = client.get(SETTINGS_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_first_visit_creates_the_feed_and_shows_its_address(client, learner):
    client.force_login(learner)

    response = client.get(SETTINGS_URL)

    assert response.status_code == 200
    token = token_of(learner)
    assert f"https://dyad.example.org/calendar/{token}.ics" in response.text
    assert f"webcal://dyad.example.org/calendar/{token}.ics" in response.text
    for app in ("Outlook", "Google Calendar", "Apple Calendar"):
        assert app in response.text


def test_later_visits_keep_the_address(client, learner):
    client.force_login(learner)
    client.get(SETTINGS_URL)
    token = token_of(learner)

    client.get(SETTINGS_URL)

    assert token_of(learner) == token


@pytest.mark.parametrize("persona", ["director", "faculty", "outsider", "stranger"])
def test_everyone_sees_only_their_own_address(client, learner, persona, request):
    theirs = CalendarFeed.objects.create(user=learner)
    user = request.getfixturevalue(persona)
    client.force_login(user)

    response = client.get(SETTINGS_URL)

    assert response.status_code == 200
    assert theirs.token not in response.text
    assert token_of(user) in response.text


# --- Reset -------------------------------------------------------------------------------


def test_reset_replaces_the_token_at_once(client, learner):
    old = CalendarFeed.objects.create(user=learner).token
    client.force_login(learner)

    response = client.post(RESET_URL, follow=True)

    assert response.redirect_chain == [(SETTINGS_URL, 302)]
    assert "new address" in response.text
    new = token_of(learner)
    assert new != old
    assert client.get(feed_path(old)).status_code == 404
    assert client.get(feed_path(new)).status_code == 200
    entry = AuditEntry.objects.get(action="calendar.token_reset")
    assert entry.actor == learner
    assert new not in str(entry.data) and old not in str(entry.data)


def test_reset_before_any_visit_creates_the_feed(client, learner):
    client.force_login(learner)

    client.post(RESET_URL)

    assert CalendarFeed.objects.filter(user=learner).exists()


def test_reset_needs_post(client, learner):
    feed = CalendarFeed.objects.create(user=learner)
    client.force_login(learner)

    assert client.get(RESET_URL).status_code == 405
    assert token_of(learner) == feed.token


def test_reset_needs_login(client, learner):
    feed = CalendarFeed.objects.create(user=learner)

    response = client.post(RESET_URL)

    assert response.status_code == 302
    assert token_of(learner) == feed.token


def test_reset_touches_only_ones_own_feed(client, learner, faculty):
    theirs = CalendarFeed.objects.create(user=learner)
    client.force_login(faculty)

    client.post(RESET_URL)

    assert token_of(learner) == theirs.token
