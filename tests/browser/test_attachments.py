"""A learner sends material ahead of a meeting from a phone; the guide opens it."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dyad.meetings import services

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"


def test_learner_attaches_on_a_phone_and_the_guide_downloads(
    live_server, pair, session_for, screenshot, settings, tmp_path
):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    rel = pair["rel"]
    meeting = services.meeting_schedule(
        relationship=rel,
        acting_user=pair["learner"],
        starts_at=timezone.now() + timedelta(days=2),
        duration_minutes=45,
        mode="video",
    )
    learner = session_for(pair["learner"])
    learner.set_viewport_size({"width": 390, "height": 844})
    learner.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    expect(learner.get_by_text("No files yet.")).to_be_visible()
    learner.get_by_label("Attach a file").set_input_files(
        files=[{"name": "setup.exe", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00"}]
    )
    learner.get_by_role("button", name="Attach", exact=True).click()
    expect(learner.locator(".message.error")).to_contain_text("is not a kind of file Dyad keeps")

    learner.get_by_label("Attach a file").set_input_files(
        files=[{"name": "Research idea.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    learner.get_by_role("button", name="Attach", exact=True).click()
    expect(learner.locator(".message.success")).to_contain_text("“Research idea.pdf” attached")
    expect(learner.get_by_role("link", name="Research idea.pdf")).to_be_visible()
    width = learner.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the meeting page scrolls sideways on a phone ({width} px)"
    screenshot(learner, "meeting-attachment-learner-390")

    guide = session_for(pair["guide"])
    guide.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    with guide.expect_download() as download:
        guide.get_by_role("link", name="Research idea.pdf").click()
    assert download.value.suggested_filename == "Research idea.pdf"
    assert Path(download.value.path()).read_bytes() == PDF
    expect(guide.get_by_role("button", name="Remove Research idea.pdf")).to_have_count(0)
    screenshot(guide, "meeting-attachment-guide-1280")

    learner.get_by_role("button", name="Remove Research idea.pdf").click()
    expect(learner.locator(".message.success")).to_contain_text("removed")
    expect(learner.get_by_text("No files yet.")).to_be_visible()
