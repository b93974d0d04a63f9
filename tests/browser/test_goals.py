"""A resident drafts a vague goal, reads the SMART feedback, fixes it, plans and checks in;
their mentor sees it all. At phone and desktop widths."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dyad.goals.models import Goal

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def open_from_menu(page, name):
    """Follow a link of the main navigation, opening the Menu first on a phone."""
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible() and menu.get_attribute("aria-expanded") == "false":
        menu.click()
    page.get_by_role("link", name=name, exact=True).click()


WIDTHS = {"390": {"width": 390, "height": 844}, "1280": {"width": 1280, "height": 800}}


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_a_vague_goal_made_smart_planned_and_seen_by_the_mentor(
    live_server, pair, session_for, screenshot, width
):
    learner = session_for(pair["learner"])
    learner.set_viewport_size(WIDTHS[width])
    learner.goto(f"{live_server.url}/p/peds/")
    open_from_menu(learner, "Goals")
    learner.get_by_role("link", name="Set a goal").click()

    learner.get_by_label("Whose goal is it?").select_option(label="Mentoring with Grace Ibe")
    learner.get_by_label("Goal", exact=True).fill("Improve my procedures")
    feedback = learner.locator("#smart-feedback")
    expect(feedback.locator("[data-criterion=specific]")).to_be_visible()
    expect(feedback).to_contain_text("a number, a count, a score, a date")
    screenshot(learner, f"goal-draft-vague-{width}")

    learner.get_by_label("Goal", exact=True).fill(
        "Place 10 peripheral IVs in infants under supervision on the NICU rotation"
    )
    learner.get_by_label("How you will know you got there").fill(
        "10 successful placements signed off in my procedure log"
    )
    target = timezone.localdate() + timedelta(days=90)
    learner.get_by_label("Target date").fill(target.isoformat())
    learner.get_by_label("ACGME competency").select_option(label="Patient care")
    expect(feedback).to_contain_text("This goal is SMART")
    screenshot(learner, f"goal-draft-smart-{width}")
    learner.get_by_role("button", name="Save goal").click()
    expect(learner.locator(".message.success")).to_contain_text("Your goal is SMART")

    learner.get_by_label("Step").fill("Watch the IV placement module")
    learner.get_by_label("Due").fill((timezone.localdate() + timedelta(days=14)).isoformat())
    learner.get_by_role("button", name="Add step").click()
    expect(learner.locator(".message.success")).to_contain_text("Milestone added")
    learner.get_by_role("button", name="Mark “Watch the IV placement module” done").click()
    learner.get_by_label("Progress note").fill("Module done; 2 placements so far.")
    learner.get_by_label("Percent done").fill("20")
    learner.get_by_role("button", name="Check in").click()
    expect(learner.locator(".message.success")).to_contain_text("Progress recorded")
    screenshot(learner, f"goal-learner-{width}")

    goal = Goal.objects.get()
    assert goal.steps.get().done_at is not None
    mentor = session_for(pair["guide"])
    mentor.set_viewport_size(WIDTHS[width])
    mentor.goto(f"{live_server.url}/p/peds/goals/")
    mentor.get_by_role("link", name=goal.title).click()
    expect(mentor.get_by_text("Module done; 2 placements so far.")).to_be_visible()
    expect(mentor.get_by_text("Watch the IV placement module")).to_be_visible()
    expect(mentor.get_by_role("heading", name="Close the goal")).to_have_count(0)
    screenshot(mentor, f"goal-mentor-{width}")

    mentor.get_by_role("link", name="← Goals").click()
    mentor.get_by_role("link", name="successes").click()
    mentor.get_by_role("link", name="Record a success").click()
    mentor.get_by_label("Kind of success").select_option(label="Nomination")
    mentor.get_by_label("Title").fill("Nominated for the residents' humanism award")
    mentor.get_by_label("Date").fill((timezone.localdate() - timedelta(days=3)).isoformat())
    mentor.get_by_label("Linked goal").select_option(label=goal.title)
    mentor.get_by_role("button", name="Record").click()
    expect(mentor.locator(".message.success")).to_contain_text("Recorded in the portfolio")
    screenshot(mentor, f"goal-portfolio-{width}")

    open_from_menu(learner, "Goals")
    expect(learner.get_by_role("link", name=goal.title)).to_be_visible()
    screenshot(learner, f"goal-list-{width}")
    for page in (learner, mentor):
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, f"the goal page scrolls sideways at {width} px"
