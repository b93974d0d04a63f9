"""A resident reads the year's expectations on a phone and acknowledges them; the director
follows who has, at desktop width."""

import pytest
from playwright.sync_api import expect

from dyad.expectations.factories import acknowledge, send_year
from dyad.expectations.models import ExpectationsRequest
from dyad.expectations.selectors import current_year
from dyad.programs.factories import MembershipFactory, ProgramFactory
from dyad.programs.models import Role

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NAMES = [
    ("Ana", "Okafor"),
    ("Ben", "Liu"),
    ("Carla", "Mendes"),
    ("Dev", "Patel"),
    ("Eva", "Novak"),
    ("Farid", "Haddad"),
]


@pytest.fixture
def year_sent(db):
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

    director = member(Role.DIRECTOR, "Elena", "Marquez")
    member(Role.COORDINATOR, "Tanya", "Brooks")
    residents = [member(Role.RESIDENT, f, n, pgy=1 + i % 3) for i, (f, n) in enumerate(NAMES)]
    faculty = [member(Role.FACULTY, f, n) for f, n in (("Samuel", "Adeyemi"), ("Grace", "Ibe"))]
    year = current_year(program)
    send_year(program, year, director)
    for person in residents[1:4]:
        acknowledge(program, year, "learners", person)
    acknowledge(program, year, "guides", faculty[0])
    return {"program": program, "director": director, "resident": residents[0], "year": year}


def test_a_resident_acknowledges_on_a_phone(live_server, year_sent, session_for, screenshot):
    page = session_for(year_sent["resident"])
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/p/peds/")
    page.get_by_role("link", name="Read and acknowledge").click()
    expect(page.get_by_role("heading", name="Meeting standards")).to_be_visible()
    expect(page.get_by_text("Private notes: only their author ever reads them")).to_be_visible()
    screenshot(page, "expectations-acknowledge-390")
    page.get_by_role("button", name="I have read and accept these expectations").click()
    expect(page.locator(".message.success")).to_contain_text("acknowledgement is recorded")
    request = ExpectationsRequest.objects.get(person=year_sent["resident"])
    assert request.acknowledged_version == 1


def test_the_director_follows_who_has_acknowledged(live_server, year_sent, session_for, screenshot):
    page = session_for(year_sent["director"])
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/p/peds/expectations/")
    expect(page.get_by_text("3 / 6")).to_be_visible()
    screenshot(page, "expectations-status-1280")
    page.get_by_label("Show").select_option(label="Not yet acknowledged")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("row", name="Ben Liu")).to_have_count(0)
    expect(page.get_by_role("row").filter(has_text="Ana Okafor")).to_have_count(1)


def test_the_director_agrees_to_the_consent_terms_from_home(
    live_server, year_sent, session_for, screenshot
):
    page = session_for(year_sent["director"])
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/p/peds/")
    page.get_by_role("link", name="Read the consent terms").click()
    page.get_by_label("I have read the consent terms above").check()
    screenshot(page, "expectations-leadership-390")
    page.get_by_role("button", name="Record my agreement").click()
    expect(page.locator(".message.success")).to_contain_text("agreement is recorded")
    page.goto(f"{live_server.url}/p/peds/")
    expect(page.get_by_role("link", name="Read the consent terms")).to_have_count(0)
