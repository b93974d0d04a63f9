"""The agreement's frequency and modes drive every place that says when the next meeting
is due: the relationship page, the compliance table, the reminders and the meeting form."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from dyad.lib.cadence import Status
from dyad.meetings import selectors
from dyad.meetings.models import MeetingStatus
from dyad.relationships.factories import (
    acknowledge_both,
    make_active_relationship,
    revise_agreement,
)
from dyad.relationships.models import Frequency
from dyad.reminders.tests.helpers import at, meeting, run, sent

# After the program's monthly first quarter: its own rule now allows 92 days.
TODAY = at(2025, 11, 20)
LAST_MET = at(2025, 11, 10)


@pytest.fixture
def monthly(program):
    """A mentoring pair that agreed to meet monthly (the default), in person or by video."""
    rel = make_active_relationship(program=program, start_date=date(2024, 6, 1))
    revise_agreement(
        rel,
        rel.learner,
        meeting_frequency=Frequency.MONTHLY,
        preferred_modes=["video", "in_person"],
    )
    acknowledge_both(rel)
    meeting(rel, LAST_MET, status=MeetingStatus.HELD)
    return rel


@pytest.fixture
def by_video(monthly):
    revise_agreement(monthly, monthly.learner, preferred_modes=["video"])
    acknowledge_both(monthly)
    return monthly


def cadence_on_page(client, user, rel):
    client.force_login(user)
    with time_machine.travel(TODAY, tick=False):
        response = client.get(rel.get_absolute_url())
    assert response.status_code == 200
    return response.context["cadence"]


def test_the_relationship_page_follows_a_monthly_agreement(client, monthly):
    shown = cadence_on_page(client, monthly.learner, monthly)
    assert shown.next_due == date(2025, 12, 31)
    assert shown.status == Status.ON_TRACK


def test_the_compliance_table_follows_the_same_agreement(client, monthly, director):
    client.force_login(director)
    with time_machine.travel(TODAY, tick=False):
        response = client.get(reverse("meetings:compliance", args=[monthly.program.slug]))
    [row] = response.context["page"]
    assert row["result"].next_due == date(2025, 12, 31)


def test_a_lapsed_monthly_agreement_is_overdue_before_the_program_rule_would_say_so(monthly):
    [result] = selectors.cadence_of([monthly], monthly.program, date(2026, 1, 5)).values()
    assert result.status == Status.OVERDUE


def test_the_due_soon_reminder_gives_the_agreed_due_date(monthly):
    with time_machine.travel(at(2025, 12, 17), tick=False):
        mails = sent(run(at(2025, 12, 17)), "Time to schedule", monthly.learner)
    assert len(mails) == 1
    assert "due by 31 Dec 2025" in mails[0].body


def test_a_pair_that_agreed_on_video_is_never_told_in_person(client, by_video):
    shown = cadence_on_page(client, by_video.guide, by_video)
    assert shown.status == Status.ON_TRACK
    assert shown.in_person_due is None
    assert not [reason for reason in shown.reasons if "in person" in reason]
    assert any(reason.endswith(", by video.") for reason in shown.reasons)


def test_the_meeting_form_starts_in_the_agreed_mode(client, by_video):
    client.force_login(by_video.learner)
    url = reverse("meetings:schedule", args=[by_video.program.slug, by_video.uuid])
    form = client.get(url).context["form"]
    assert form["mode"].value() == "video"


def test_agreed_terms_no_form_offers_leave_the_program_rule_in_place(monthly):
    monthly.agreements.update(meeting_frequency="daily", preferred_modes=["telepathy"])
    [result] = selectors.cadence_of([monthly], monthly.program, date(2025, 11, 20)).values()
    assert result.next_due == date(2026, 2, 10)
