"""A semi-annual survey from end to end: the director schedules and opens it, a resident
answers on a phone, the director closes it and finds the results withheld until five or
more have answered."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dyad.programs.factories import MembershipFactory, ProgramFactory
from dyad.programs.models import Role
from dyad.surveys.factories import past_responses
from dyad.surveys.models import Cycle, Invitation

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def people(db):
    program = ProgramFactory(name="Pediatrics Residency", slug="peds")

    def member(role, first, last, **kw):
        return MembershipFactory(
            program=program,
            role=role,
            user__first_name=first,
            user__last_name=last,
            user__email=f"{first.lower()}.{last.lower()}@example.org",
            **kw,
        ).user

    return {
        "director": member(Role.DIRECTOR, "Elena", "Marquez"),
        "resident": member(Role.RESIDENT, "Priya", "Raman", pgy=2),
        "faculty": member(Role.FACULTY, "Samuel", "Adeyemi"),
    }


def test_a_survey_cycle_from_scheduling_to_results(live_server, people, session_for, screenshot):
    today = timezone.localdate()
    leader = session_for(people["director"])
    leader.goto(f"{live_server.url}/p/peds/surveys/")
    leader.get_by_role("link", name="Schedule a survey").click()
    leader.get_by_label("Name").fill("Mid-year check")
    leader.get_by_label("Opens on").fill(today.isoformat())
    leader.get_by_label("Closes on").fill((today + timedelta(days=14)).isoformat())
    leader.get_by_role("button", name="Schedule").click()
    leader.get_by_role("button", name="Open now and send the links").click()
    expect(leader.get_by_text("2 people have been sent a link")).to_be_visible()
    cycle = Cycle.objects.get(name="Mid-year check")
    assert Invitation.objects.filter(cycle=cycle).count() == 2  # a learner and a guide

    resident = session_for(people["resident"])
    resident.set_viewport_size({"width": 390, "height": 844})
    resident.goto(f"{live_server.url}/p/peds/")
    resident.get_by_role("link", name="Answer the survey").click()
    # Wait for the form: all() does not wait, and would find the home page's no radios.
    expect(resident.get_by_role("button", name="Send my answers")).to_be_visible()
    radios = resident.locator("input[type=radio]")
    names = list(dict.fromkeys(r.get_attribute("name") for r in radios.all()))
    assert len(names) == 3  # the learners' two scales and one choice
    for name in names:
        resident.locator(f"input[type=radio][name='{name}']").last.check()
    resident.get_by_role("button", name="Send my answers").click()
    expect(resident.get_by_text("your answers were recorded, apart from your name")).to_be_visible()
    screenshot(resident, "survey-answered-390")
    assert Invitation.objects.get(cycle=cycle, user=people["resident"]).answered

    leader.goto(f"{live_server.url}/p/peds/surveys/{cycle.uuid}/")
    leader.get_by_role("button", name="Close now").click()
    expect(leader.get_by_text("Closed: the results can be read.")).to_be_visible()
    leader.goto(f"{live_server.url}/p/peds/surveys/{cycle.uuid}/results/")
    expect(leader.get_by_text("fewer than 5, so the results are withheld")).to_be_visible()

    # Five more learners' answers (people since gone): now six, and the results show.
    past_responses(cycle, 5, scale=5)
    leader.reload()
    expect(leader.get_by_text("so the results are withheld")).to_have_count(0)
    expect(leader.locator("svg[role=img]").first).to_be_visible()
    screenshot(leader, "survey-results-1280")
