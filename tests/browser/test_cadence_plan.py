"""The learner sets "monthly for the first 3 months, then every three months" in the
agreement; once both acknowledge it, the relationship page shows the frequency over time.
On a phone and on a desktop."""

import pytest
from playwright.sync_api import expect

from dyad.lib.dates import format_day
from dyad.lib.expiry import add_months
from dyad.relationships.factories import acknowledge_both
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


def test_the_pair_agrees_on_a_monthly_first_quarter_then_every_three_months(
    live_server, session_for, pair, screenshot
):
    rel = pair["rel"]
    page = session_for(pair["learner"])
    page.set_viewport_size({"width": PHONE, "height": 900})
    page.goto(f"{live_server.url}{rel.get_absolute_url()}")
    page.get_by_role("link", name="Change the agreement").click()
    page.get_by_label("Meeting frequency").select_option(label="Monthly")
    page.get_by_label("Then, after how many months").fill("3")
    page.get_by_label("Meet from then on").select_option(label="Every three months")
    looks_right(page, screenshot, "agreement-cadence-plan-form")
    page.get_by_role("button", name="Save as a new version").click()
    expect(
        page.get_by_text("Monthly for the first 3 months, then every three months")
    ).to_be_visible()

    acknowledge_both(rel)
    page.reload()
    switch = format_day(add_months(rel.start_date, 3))
    plan = page.locator(".cadence-plan")
    expect(plan).to_contain_text(f"Monthly from {format_day(rel.start_date)}")
    expect(plan).to_contain_text(f"Every three months from {switch}")
    looks_right(page, screenshot, "relationship-cadence-plan")
