"""A program director opens the program's figures from the Manage menu, changes the
year, and downloads a table as CSV and the program report; the institution's GME office
opens its page of every program and goes on to the program. At phone and desktop widths."""

from io import BytesIO
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

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
def test_the_director_reads_and_exports_the_figures(
    live_server, pair, session_for, screenshot, width
):
    page = session_for(pair["director"])
    page.set_viewport_size(WIDTHS[width])
    page.goto(f"{live_server.url}/p/peds/")
    open_from_menu(page, "Insight")
    expect(
        page.get_by_role("heading", name="Learners with an active guide, by kind")
    ).to_be_visible()
    # One chart per metric, each named for assistive technology, each with its table.
    expect(page.locator("svg.chart[role=img]")).to_have_count(10)
    expect(page.locator(".insight-metric table")).to_have_count(10)
    page.get_by_label("Academic year").select_option(index=1)
    page.get_by_role("button", name="Show").click()
    screenshot(page, f"insight-program-{width}")

    with page.expect_download() as download:
        page.locator("#metric-meetings").get_by_role("link", name="Download as CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "Figure,Value"

    with page.expect_download() as download:
        page.get_by_role("link", name="Program report (PDF)").click()
    pdf = PdfReader(BytesIO(Path(download.value.path()).read_bytes()))
    assert "Pediatrics Residency" in pdf.pages[0].extract_text()


def test_the_gme_office_goes_from_its_institution_to_a_program(
    live_server, pair, session_for, screenshot
):
    from dyad.accounts.factories import UserFactory
    from dyad.programs.models import InstitutionAdmin

    office = UserFactory(email="gme@example.org", first_name="Grace", last_name="Okafor")
    InstitutionAdmin.objects.create(user=office, institution=pair["rel"].program.institution)
    page = session_for(office)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="GME office").click()
    expect(page.get_by_role("row", name="Pediatrics Residency")).to_be_visible()
    page.get_by_role("link", name="Pediatrics Residency").click()
    expect(page.get_by_role("heading", name="Meetings held")).to_be_visible()
    # No member: no program menu and no people list.
    expect(page.get_by_role("link", name="People (CSV)")).to_have_count(0)
    screenshot(page, "insight-gme-office")
