"""A coordinator creates an API token, copies it once and revokes it; a resident reads and
downloads what Dyad holds about them. On a phone and on a desktop."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_pages import DESKTOP, PHONE, axe_violations, describe, horizontal_overflow

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def looks_right(page, screenshot, name):
    for width in (PHONE, DESKTOP):
        page.set_viewport_size({"width": width, "height": 900})
        assert horizontal_overflow(page) <= 1, f"{name} scrolls sideways at {width}px"
        assert not [describe(v) for v in axe_violations(page)]
        screenshot(page, f"{name}-{width}")


def test_a_leader_creates_a_token_sees_it_once_and_revokes_it(
    live_server, session_for, pair, screenshot
):
    page = session_for(pair["director"])
    page.set_viewport_size({"width": PHONE, "height": 900})
    page.goto(f"{live_server.url}/p/peds/people/")
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("Nightly roster sync")
    page.get_by_label("roster:read Read the roster").check()
    page.get_by_label("roster:write Sync the roster").check()
    page.get_by_role("button", name="Create token").click()

    expect(page.get_by_label("Copy it now")).to_have_value(re.compile(r"^dyad_\S{40,}$"))
    expect(page.get_by_role("table")).to_contain_text("Nightly roster sync")
    looks_right(page, screenshot, "api-tokens-created")

    page.reload()
    expect(page.get_by_label("Copy it now")).to_have_count(0)
    page.get_by_role("button", name="Revoke Nightly roster sync").click()
    expect(page.get_by_text("revoked: it no longer opens the API")).to_be_visible()
    looks_right(page, screenshot, "api-tokens-revoked")


def test_a_resident_reads_their_data_and_downloads_it(live_server, session_for, pair, screenshot):
    page = session_for(pair["learner"])
    page.set_viewport_size({"width": DESKTOP, "height": 900})
    page.goto(f"{live_server.url}/p/peds/")
    page.get_by_role("link", name="My data").click()

    expect(page.get_by_role("heading", name="Everything Dyad holds about you")).to_be_visible()
    expect(page.get_by_role("heading", name="Your pairings")).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    looks_right(page, screenshot, "my-data")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as JSON").click()
    assert download.value.suggested_filename.startswith("dyad-my-data-")
