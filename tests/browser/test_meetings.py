"""Walks of the meetings issue: learner, guide and leader each in their own context."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dyad.meetings.models import Meeting
from dyad.relationships.factories import acknowledge_both, revise_agreement

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_schedule_prepare_log_and_keep_a_private_note(live_server, pair, session_for, screenshot):
    rel = pair["rel"]
    learner = session_for(pair["learner"])
    learner.goto(f"{live_server.url}{rel.get_absolute_url()}")
    learner.get_by_role("link", name="Schedule a meeting").click()
    day = timezone.localdate() + timedelta(days=7)
    learner.get_by_label("Date").fill(day.isoformat())
    learner.get_by_label("Time").fill("16:30")
    learner.get_by_label("Mode").select_option(label="In person")
    learner.get_by_label("Place").fill("Clinic B, room 4")
    learner.get_by_role("button", name="Schedule a meeting").click()
    expect(learner.locator(".message.success")).to_contain_text("calendar invitation")

    learner.get_by_label("Goals for this meeting").fill("Choose between two research projects.")
    learner.get_by_role("button", name="Save preparation").click()
    expect(learner.locator(".message.success")).to_contain_text("Preparation saved")
    learner.get_by_role("textbox", name="Private note").fill(
        "LEARNER PRIVATE: nervous about asking."
    )
    learner.get_by_role("button", name="Save private note").click()
    screenshot(learner, "meeting-learner")
    meeting_url = learner.url

    # The meeting takes place (moved into the past), then the guide records it.
    Meeting.objects.update(starts_at=timezone.now() - timedelta(hours=3))
    guide = session_for(pair["guide"])
    guide.goto(meeting_url)
    expect(guide.get_by_text("Choose between two research projects.")).to_be_visible()
    expect(guide.get_by_text("LEARNER PRIVATE")).to_have_count(0)
    guide.get_by_role("button", name="We met").click()
    expect(guide.get_by_text("Held", exact=True)).to_be_visible()
    guide.get_by_label("Shared summary").fill("We picked the NICU feeding project.")
    guide.get_by_role("button", name="Save summary").click()
    guide.get_by_role("textbox", name="Action item").fill("Email Dr. Park about the data set")
    guide.get_by_role("button", name="Add action item").click()
    expect(guide.get_by_text("Email Dr. Park about the data set")).to_be_visible()
    guide.get_by_role("textbox", name="Private note").fill(
        "GUIDE PRIVATE: check in about workload."
    )
    guide.get_by_role("button", name="Save private note").click()
    screenshot(guide, "meeting-guide")

    learner.reload()
    expect(learner.get_by_text("GUIDE PRIVATE")).to_have_count(0)
    expect(learner.get_by_role("textbox", name="Private note")).to_have_value(
        "LEARNER PRIVATE: nervous about asking."
    )

    leader = session_for(pair["director"])
    leader.goto(meeting_url)
    expect(leader.get_by_text("Held", exact=True)).to_be_visible()
    for secret in ("LEARNER PRIVATE", "GUIDE PRIVATE", "NICU feeding", "research projects"):
        expect(leader.get_by_text(secret)).to_have_count(0)
    screenshot(leader, "meeting-leader-no-consent")


def test_leader_reads_the_compliance_table(live_server, pair, session_for, screenshot):
    leader = session_for(pair["director"])
    leader.get_by_role("link", name="Cadence").click()
    expect(leader.get_by_role("heading", name="Meeting cadence")).to_be_visible()
    row = leader.get_by_role("row").filter(has_text="Liam Chen")
    expect(row).to_contain_text("Grace Ibe")
    expect(row.locator(".badge")).to_be_visible()
    screenshot(leader, "compliance-table")
    leader.get_by_label("Kind").select_option(label="Coaching")
    leader.get_by_role("button", name="Filter").click()
    expect(leader.get_by_text("No relationship matches.")).to_be_visible()


def test_a_pair_that_agreed_on_video_sees_its_own_cadence_and_no_early_we_met(
    live_server, pair, session_for, screenshot
):
    rel = pair["rel"]
    revise_agreement(rel, rel.learner, meeting_frequency="monthly", preferred_modes=["video"])
    acknowledge_both(rel)
    learner = session_for(pair["learner"])
    learner.goto(f"{live_server.url}{rel.get_absolute_url()}")
    cadence = learner.locator("#meetings-h").locator("xpath=ancestor::section")
    expect(cadence).to_contain_text("by video")
    expect(cadence).not_to_contain_text("in person")
    screenshot(learner, "relationship-agreed-video")

    learner.get_by_role("link", name="Schedule a meeting").click()
    expect(learner.get_by_label("Mode")).to_have_value("video")
    learner.get_by_label("Date").fill((timezone.localdate() + timedelta(days=3)).isoformat())
    learner.get_by_label("Time").fill("08:15")
    learner.get_by_label("Video link").fill("https://video.example/liam")
    learner.get_by_role("button", name="Schedule a meeting").click()
    expect(learner.locator(".message.success")).to_contain_text("calendar invitation")
    expect(learner.get_by_role("button", name="Cancel meeting")).to_be_visible()
    expect(learner.get_by_role("button", name="We met")).to_have_count(0)
    screenshot(learner, "meeting-future-no-we-met")
