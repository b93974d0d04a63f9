"""A resident writes this year's learning plan, adds a learning goal linked to a
competency, shares it with their mentor and downloads it as a PDF; the mentor records the
review, which keeps version 1. At phone and desktop widths."""

from io import BytesIO
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from dyad.goals.models import Ilp, IlpState

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTHS = {"390": {"width": 390, "height": 844}, "1280": {"width": 1280, "height": 800}}


def open_from_menu(page, name):
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible() and menu.get_attribute("aria-expanded") == "false":
        menu.click()
    page.get_by_role("link", name=name, exact=True).click()


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_a_resident_writes_shares_and_exports_their_plan_and_the_mentor_reviews_it(
    live_server, pair, session_for, screenshot, width
):
    learner = session_for(pair["learner"])
    learner.set_viewport_size(WIDTHS[width])
    learner.goto(f"{live_server.url}/p/peds/")
    open_from_menu(learner, "Goals")
    learner.get_by_role("link", name="My learning plan").click()
    learner.get_by_role("button", name="Start my").click()
    expect(learner.locator(".message.success")).to_contain_text("is started")

    learner.get_by_label("Strengths", exact=True).fill("Calm and organised in resuscitations.")
    learner.get_by_label("Areas for growth").fill("Difficult conversations with families.")
    learner.locator("summary", has_text="By ACGME competency").click()
    learner.get_by_label("Interpersonal and communication skills").fill(
        "I avoid delivering bad news; I want practice."
    )
    learner.get_by_label("Strategies", exact=True).fill(
        "Shadow the palliative care team for two sessions."
    )
    learner.get_by_label("Timeline", exact=True).fill("Oct: shadowing\nJan: lead a family meeting")
    screenshot(learner, f"ilp-edit-{width}")
    learner.get_by_role("button", name="Save the plan").click()
    expect(learner.locator(".message.success")).to_contain_text("Plan saved")

    learner.get_by_role("link", name="Add a learning goal").click()
    learner.get_by_label("Goal", exact=True).fill("Lead three family meetings on the wards")
    learner.get_by_label("How you will know you got there").fill(
        "3 meetings led with written feedback from the attending"
    )
    learner.get_by_label("ACGME competency").select_option(
        label="Interpersonal and communication skills"
    )
    learner.get_by_role("button", name="Add goal").click()
    expect(learner.locator(".message.success")).to_contain_text("Learning goal added")

    learner.get_by_role("link", name="Choose who reads it").click()
    learner.get_by_label("Mentoring with Grace Ibe").check()
    learner.get_by_role("button", name="Save").click()
    learner.get_by_role("button", name="Share for review").click()
    expect(learner.locator(".message.success")).to_contain_text("Shared for review")
    expect(learner.locator(".ilp-progress .current")).to_have_text("Shared for review")
    screenshot(learner, f"ilp-learner-{width}")

    with learner.expect_download() as download_info:
        learner.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert (
        download.suggested_filename.startswith("ilp-")
        and "liam-chen" in download.suggested_filename
    )
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF-")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(content)).pages)
    assert "Lead three family meetings" in text and "Calm and organised" in text

    mentor = session_for(pair["guide"])
    mentor.set_viewport_size(WIDTHS[width])
    mentor.goto(f"{live_server.url}/p/peds/ilp/")
    mentor.get_by_role("link", name="Liam Chen · Plan").click()
    expect(mentor.get_by_text("Calm and organised in resuscitations.")).to_be_visible()
    mentor.get_by_role("link", name="Record a review").click()
    mentor.get_by_label("What you agreed").fill("Good start; book the palliative sessions.")
    mentor.get_by_role("button", name="Record the review").click()
    expect(mentor.locator(".message.success")).to_contain_text("version 1")
    mentor.get_by_role("link", name="Version 1").click()
    expect(mentor.get_by_text("Good start; book the palliative sessions.")).to_be_visible()
    screenshot(mentor, f"ilp-version-{width}")

    ilp = Ilp.objects.get()
    assert ilp.state == IlpState.REVIEWED and ilp.reviews.count() == 1
