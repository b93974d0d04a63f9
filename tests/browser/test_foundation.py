"""Walks of issue 2: a coordinator imports a roster; a resident finds a guide."""

import pytest
from playwright.sync_api import expect

from dyad.profiles.factories import GuideProfileFactory
from dyad.profiles.models import ContentArea
from dyad.programs.factories import MembershipFactory, ProgramFactory
from dyad.programs.models import GuidanceKind, Role

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROSTER = (
    "\ufeffLast Name,First Name,Email,PGY,Role,Department,Start Date\r\n"
    'Okafor,Chidera,chidera.okafor@example.org,PGY-1,Resident,"Pediatrics, General",07/01/2026\r\n'
    "Nguyen,Minh,minh.nguyen@example.org,1,Resident,Pediatrics,07/01/2026\r\n"
    "Alvarez,Sofia,Sofia.Alvarez@Example.org,2,Resident,Pediatrics,2025-07-01\r\n"
)


def member(program, role, email, **kwargs):
    return MembershipFactory(program=program, role=role, user__email=email, **kwargs).user


def test_coordinator_imports_a_roster_and_sees_the_new_residents(
    page, live_server, login, screenshot, tmp_path
):
    program = ProgramFactory(name="Pediatrics Residency", slug="peds")
    coordinator = member(program, Role.COORDINATOR, "coordinator@example.org")
    roster = tmp_path / "roster.csv"
    roster.write_bytes(ROSTER.encode("utf-8"))

    login(page, coordinator)
    expect(page.get_by_role("heading", name="Pediatrics Residency")).to_be_visible()
    screenshot(page, "coordinator-home")
    page.get_by_role("link", name="Import a roster").click()
    page.locator("input[type=file]").set_input_files(roster)
    page.get_by_role("button", name="Preview the import").click()

    expect(page.get_by_text("chidera.okafor@example.org")).to_be_visible()
    expect(page.get_by_text("sofia.alvarez@example.org")).to_be_visible()
    screenshot(page, "roster-preview")
    page.get_by_role("button", name="Apply this roster").click()
    expect(page.locator(".message.success")).to_be_visible()
    screenshot(page, "roster-applied")

    page.goto(f"{live_server.url}/p/peds/people/?role=resident")
    for name in ("Chidera Okafor", "Minh Nguyen", "Sofia Alvarez"):
        expect(page.get_by_role("cell", name=name)).to_be_visible()
    screenshot(page, "people-after-import")


def test_resident_searches_the_directory_and_opens_a_profile(page, live_server, login, screenshot):
    program = ProgramFactory(name="Pediatrics Residency", slug="peds")
    resident = member(program, Role.RESIDENT, "resident@example.org", pgy=1)
    research = ContentArea.objects.get(slug="research", program=None)
    global_health = ContentArea.objects.get(slug="global-health", program=None)
    for i, (first, last, bio, area) in enumerate(
        [
            ("Amara", "Diallo", "Neonatal outcomes research in low-resource settings.", research),
            ("Ben", "Hughes", "Hospital medicine and teaching on the wards.", global_health),
            ("Carla", "Moreno", "Adolescent health and advocacy.", global_health),
        ]
    ):
        guide = member(program, Role.FACULTY, f"guide{i}@example.org")
        guide.first_name, guide.last_name = first, last
        guide.save()
        GuideProfileFactory(
            user=guide,
            bio=bio,
            content_areas=[area],
            offers={GuidanceKind.MENTORING: 2, GuidanceKind.COACHING: 1},
        )

    login(page, resident)
    page.get_by_role("link", name="Directory").click()
    guide_names = page.locator(".guide-name")
    expect(guide_names).to_have_text(["Amara Diallo", "Ben Hughes", "Carla Moreno"])
    screenshot(page, "directory")
    page.get_by_label("Search").fill("neonatal")
    page.get_by_role("button", name="Search").click()
    expect(guide_names).to_have_text(["Amara Diallo"])
    screenshot(page, "directory-search")
    page.get_by_role("link", name="Amara Diallo", exact=True).click()
    expect(page.get_by_role("heading", name="Amara Diallo")).to_be_visible()
    expect(page.get_by_text("Neonatal outcomes research")).to_be_visible()
    screenshot(page, "guide-profile")
