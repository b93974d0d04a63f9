"""One way of writing dates and moments, on every page that shows a meeting or a cadence."""

import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.template import Context, Template
from django.urls import reverse

from dyad.lib.dates import format_day, format_moment, format_time
from dyad.meetings.models import MeetingStatus
from dyad.relationships.factories import make_active_relationship
from dyad.reminders.tests.helpers import at, meeting

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# Formats the pages used before: "Dec 31, 2025", "December 31", "31 December".
OTHER_FORMATS = re.compile(
    rf"\b(?:{MONTHS}|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\.? \d{{1,2}}\b"
    rf"|\b\d{{1,2}} (?:{MONTHS})\b"
)
HOUSE_DAY = re.compile(r"\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b")


def test_a_day_is_written_day_first_with_a_short_month_and_the_year():
    assert format_day(date(2025, 12, 31)) == "31 Dec 2025"
    assert format_day(date(2026, 3, 1)) == "1 Mar 2026"


def test_a_moment_has_its_weekday_and_a_twelve_hour_clock():
    assert format_moment(datetime(2025, 12, 31, 16, 30)) == "Wed 31 Dec 2025, 4:30 PM"
    assert format_time(datetime(2025, 12, 31, 0, 5)) == "12:05 AM"
    assert format_time(datetime(2025, 12, 31, 12, 0)) == "12:00 PM"


def render(source, **context):
    return Template("{% load dyad_dates %}" + source).render(Context(context))


def test_the_filters_show_moments_in_the_program_time_zone():
    # 03:00 UTC on 1 January is still 31 December in New York.
    late = datetime(2026, 1, 1, 3, 0, tzinfo=UTC)
    assert render("{{ t|day }}", t=late) == "31 Dec 2025"
    assert render("{{ t|moment }}", t=late) == "Wed 31 Dec 2025, 10:00 PM"
    assert render("{{ t|clock }}", t=late) == "10:00 PM"


def test_an_empty_value_falls_through_to_default():
    assert render('{{ t|day|default:"—" }} {{ t|moment|default:"—" }}', t=None) == "— —"


@pytest.fixture
def pair(program):
    rel = make_active_relationship(program=program, start_date=date(2025, 6, 2))
    meeting(rel, at(2025, 10, 8, 15, 0), status=MeetingStatus.HELD)
    meeting(rel, at(2025, 11, 12, 9, 30), status=MeetingStatus.HELD)
    meeting(rel, at(2025, 12, 3, 16, 0))
    return rel


def _text(client, user, url):
    client.force_login(user)
    with time_machine.travel(at(2025, 11, 20), tick=False):
        response = client.get(url)
    assert response.status_code == 200
    return response.text


def _one_format(text):
    assert not OTHER_FORMATS.findall(text)
    return HOUSE_DAY.findall(text)


def test_the_relationship_page_writes_every_date_one_way(client, pair):
    days = _one_format(_text(client, pair.learner, pair.get_absolute_url()))
    assert "2 Jun 2025" in days  # since
    assert "31 Dec 2025" in days  # next meeting due, in the badge and in the sentence
    assert "Wed 3 Dec 2025, 4:00 PM" in _text(client, pair.learner, pair.get_absolute_url())


def test_the_meeting_page_writes_its_moment_one_way(client, pair):
    upcoming = pair.meetings.get(status=MeetingStatus.SCHEDULED)
    text = _text(client, pair.guide, upcoming.get_absolute_url())
    _one_format(text)
    assert "Wed 3 Dec 2025, 4:00 PM" in text


def test_the_compliance_table_writes_every_date_one_way(client, pair, director):
    url = reverse("meetings:compliance", args=[pair.program.slug])
    days = _one_format(_text(client, director, url))
    assert {"20 Nov 2025", "12 Nov 2025", "31 Dec 2025"} <= set(days)
