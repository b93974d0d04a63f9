"""A director refers a resident to coaching; the resident ranks their values and shows
them to the coach, who reads them. At phone and desktop widths, with screenshots."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from dyad.coaching.factories import make_coach, offer_all
from dyad.coaching.models import Referral

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTHS = {"390": {"width": 390, "height": 844}, "1280": {"width": 1280, "height": 800}}
SHOTS = Path("/tmp/shots-coaching")


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def open_from_menu(page, name):
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible() and menu.get_attribute("aria-expanded") == "false":
        menu.click()
    page.get_by_role("link", name=name, exact=True).click()


def no_sideways_scroll(page):
    assert page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth") <= 1


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_a_referral_then_the_values_exercise_shared_with_the_coach(
    live_server, pair, session_for, screenshot, width
):
    program = pair["rel"].program
    offer_all(program)
    coach = make_coach(program, "Cora", "Lee")
    director = session_for(pair["director"])
    director.set_viewport_size(WIDTHS[width])
    director.goto(f"{live_server.url}/p/peds/")
    open_from_menu(director, "Coaching")
    shot(director, f"overview-empty-{width}")
    director.get_by_role("link", name="Refer a resident").click()
    director.get_by_label("Resident").select_option(label="Liam Chen")
    director.get_by_label("Coach").select_option(label="Cora Lee")
    director.get_by_label("Start").fill("2026-12-07")
    director.get_by_label("Planned end").fill("2027-04-07")
    director.get_by_label("How often they meet").select_option(label="Every two weeks")
    no_sideways_scroll(director)
    shot(director, f"refer-form-{width}")
    director.get_by_role("button", name="Refer").click()
    expect(director.locator(".message.success")).to_contain_text("Referred")
    expect(director.get_by_role("heading", level=1)).to_have_text("Targeted (referred) coaching")
    expect(director.get_by_text("Referred by Dana Reyes")).to_be_visible()
    shot(director, f"engagement-{width}")
    referral = Referral.objects.get()
    assert referral.engagement.relationship.guide == coach
    director.goto(f"{live_server.url}/p/peds/coaching/")
    expect(director.locator("table").first).to_contain_text("Targeted (referred)")
    no_sideways_scroll(director)
    shot(director, f"overview-{width}")

    learner = session_for(pair["learner"])
    learner.set_viewport_size(WIDTHS[width])
    learner.goto(f"{live_server.url}/p/peds/")
    open_from_menu(learner, "Coaching")
    expect(learner.get_by_role("link", name="Coaching with Cora Lee")).to_be_visible()
    learner.get_by_role("link", name="My values").click()
    learner.get_by_label("Add a value of your own").fill("being present")
    learner.get_by_role("button", name="Save my values").click()
    expect(learner.locator(".message.success")).to_be_visible()
    learner.get_by_label("Value number 1.", exact=True).select_option("Being present")
    learner.get_by_label("Value number 2.", exact=True).select_option("Curiosity")
    learner.get_by_label("Value number 3.", exact=True).select_option("Family")
    learner.get_by_label("When did you last feel").fill("Teaching the new interns at night.")
    learner.get_by_role("button", name="Save my values").click()
    expect(learner.locator(".message.success")).to_be_visible()
    learner.get_by_label("My coach Cora Lee").check()
    learner.get_by_role("button", name="Save who sees them").click()
    expect(learner.locator(".message.success")).to_contain_text("who sees your values")
    no_sideways_scroll(learner)
    shot(learner, f"values-{width}")

    reader = session_for(coach)
    reader.set_viewport_size(WIDTHS[width])
    reader.goto(f"{live_server.url}/p/peds/coaching/mine/")
    reader.get_by_role("link", name="Values of Liam Chen").click()
    expect(reader.locator("ol.rank-list")).to_contain_text("Being present")
    expect(reader.get_by_text("Teaching the new interns at night.")).to_be_visible()
    no_sideways_scroll(reader)
    shot(reader, f"values-shared-{width}")


def test_every_page_of_the_external_coach_fits_a_phone_and_passes_axe(
    live_server, session_for, screenshot
):
    """The external coach's pages (their home, their coachee's engagement and values),
    as every other persona's are checked in test_pages."""
    from tests.browser.test_pages import PHONE, check_page, pages_for
    from tests.world import build_world

    world = build_world()
    page = session_for(world.user("external_coach"))
    problems = []
    for label, path in pages_for(world, "external_coach"):
        page.set_viewport_size({"width": PHONE, "height": 900})
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, f"{label}: {response.status}"
        problems += check_page(page, label, screenshot, "external_coach")
        shot(page, f"external-coach-{label}")
    assert not problems, "\n".join(problems)
