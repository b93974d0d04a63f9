"""The agreement can set a later meeting frequency ("monthly for the first 3 months, then
every three months"); the relationship page shows the frequency over time."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from dyad.relationships.factories import acknowledge_both, make_relationship, revise_agreement
from dyad.relationships.models import Frequency

pytestmark = pytest.mark.django_db


@pytest.fixture
def rel(program, faculty, resident, director):
    with time_machine.travel(datetime(2026, 7, 1, 12, tzinfo=UTC), tick=False):
        rel = make_relationship(
            program=program,
            learner=resident,
            guide=faculty,
            acting_user=director,
            start_date=date(2026, 7, 1),
        )
        acknowledge_both(rel)
    return rel


def edit_url(rel):
    return reverse("relationships:agreement_edit", args=[rel.program.slug, rel.uuid])


def post(rel, **changes):
    current = rel.current_agreement()
    data = {
        "goals": current.goals or "Research.",
        "meeting_frequency": current.meeting_frequency,
        "scheduler": current.scheduler,
        "preferred_modes": current.preferred_modes,
        "confidentiality": current.confidentiality,
        "consent": current.consent,
    }
    return {**data, **changes}


def test_the_pair_sets_monthly_for_three_months_then_every_three_months(client, rel):
    client.force_login(rel.learner)
    response = client.post(
        edit_url(rel),
        post(rel, meeting_frequency="monthly", later_after_months="3", later_frequency="quarterly"),
    )
    assert response.status_code == 302
    agreement = rel.current_agreement()
    assert (agreement.later_after_months, agreement.later_frequency) == (3, "quarterly")
    assert not agreement.is_acknowledged


def test_a_later_frequency_needs_its_month_and_the_month_its_frequency(client, rel):
    client.force_login(rel.learner)
    response = client.post(edit_url(rel), post(rel, later_after_months="3"))
    assert response.status_code == 200
    assert "Choose how often to meet after that month." in response.text
    response = client.post(edit_url(rel), post(rel, later_frequency="quarterly"))
    assert "Say after how many months it changes." in response.text
    assert rel.agreements.count() == 1


def test_the_same_frequency_later_is_no_change(client, rel):
    client.force_login(rel.learner)
    response = client.post(
        edit_url(rel),
        post(
            rel, later_after_months="3", later_frequency=rel.current_agreement().meeting_frequency
        ),
    )
    assert response.status_code == 200
    assert "Nothing has changed" in response.text


def test_the_form_shows_the_plan_of_the_newest_version(client, rel):
    revise_agreement(rel, rel.learner, later_after_months=4, later_frequency=Frequency.BIMONTHLY)
    client.force_login(rel.guide)
    form = client.get(edit_url(rel)).context["form"]
    assert form.initial["later_after_months"] == 4
    assert form.initial["later_frequency"] == "bimonthly"


def test_the_page_shows_the_frequency_over_time(client, rel, director):
    with time_machine.travel(datetime(2026, 11, 15, 12, tzinfo=UTC), tick=False):
        revise_agreement(
            rel,
            rel.learner,
            meeting_frequency=Frequency.MONTHLY,
            later_after_months=6,
            later_frequency=Frequency.QUARTERLY,
        )
        acknowledge_both(rel)
    with time_machine.travel(datetime(2026, 12, 3, 12, tzinfo=UTC), tick=False):
        for viewer in (rel.learner, director):
            client.force_login(viewer)
            page = client.get(rel.get_absolute_url()).text
            assert "Meeting frequency over time" in page
            assert "Monthly from 1 Jul 2026" in page
            assert "Every three months from 1 Jan 2027" in page
            assert "Monthly for the first 6 months, then every three months" in page


def test_an_amendment_keeps_the_frequency_before_it(client, rel):
    with time_machine.travel(datetime(2026, 10, 20, 12, tzinfo=UTC), tick=False):
        revise_agreement(rel, rel.learner, meeting_frequency=Frequency.QUARTERLY)
        acknowledge_both(rel)
        client.force_login(rel.guide)
        response = client.get(rel.get_absolute_url())
    assert [(p["label"], p["day"], p["current"]) for p in response.context["cadence_plan"]] == [
        ("Monthly", date(2026, 7, 1), False),
        ("Every three months", date(2026, 10, 20), True),
    ]
