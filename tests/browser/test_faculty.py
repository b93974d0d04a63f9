"""The faculty load and the mentoring portfolio in a browser: they fit a phone and pass
axe-core, as a leader and as the guide; sorting and filtering go through the address."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.test_pages import check_page
from tests.world import build_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_load_page_filters_and_sorts_and_fits_a_phone(live_server, session_for, screenshot):
    world = build_world()
    page = session_for(world.user("director"))
    page.goto(f"{live_server.url}{reverse('faculty:load', args=[world.program.slug])}")
    assert not check_page(page, "faculty-load", screenshot, "director")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("Kind").select_option("mentoring")
    page.get_by_label("Sort by").select_option("load")
    page.get_by_label("Order").select_option("desc")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    assert "kind=mentoring" in page.url and "sort=load" in page.url and "dir=desc" in page.url
    expect(page.locator("table.load-table tbody tr").first).to_contain_text("Mentoring")
    page.get_by_role("link", name="FTE", exact=True).click()
    assert "sort=fte" in page.url and "kind=mentoring" in page.url


def test_the_guides_portfolio_fits_a_phone(live_server, session_for, screenshot):
    world = build_world()
    page = session_for(world.user("guide"))
    page.goto(f"{live_server.url}{reverse('faculty:my_portfolio')}")
    expect(page.get_by_role("heading", name="My mentoring portfolio")).to_be_visible()
    expect(page.get_by_text("PORTFOLIO-SUCCESS-SECRET")).to_be_visible()
    assert not check_page(page, "my-portfolio", screenshot, "guide")
