"""Walks of issue 2: a coordinator imports a roster; a resident finds a guide."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from dyad.profiles.factories import GuideProfileFactory
from dyad.profiles.models import ContentArea
from dyad.programs.factories import MembershipFactory, ProgramFactory
from dyad.programs.models import GuidanceKind, Role
from dyad.relationships.factories import EvaluativeRoleFactory

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

    # The invitations wait for send_invitations, which the timer runs.
    page.get_by_role("link", name="invitations").click()
    waiting = page.locator(".stat", has_text="waiting to be sent")
    expect(waiting.locator(".n")).to_have_text("3")
    call_command("send_invitations", stdout=io.StringIO())
    page.reload()
    sent = page.locator(".stat", has=page.locator(".l", has_text=re.compile("^sent$")))
    expect(sent.locator(".n")).to_have_text("3")
    expect(waiting.locator(".n")).to_have_text("0")
    screenshot(page, "roster-invitations-sent")

    page.goto(f"{live_server.url}/p/peds/people/?role=resident")
    for name in ("Chidera Okafor", "Minh Nguyen", "Sofia Alvarez"):
        expect(page.get_by_role("cell", name=name)).to_be_visible()
    screenshot(page, "people-after-import")


def test_resident_searches_the_directory_and_opens_a_profile(page, live_server, login, screenshot):
    program = ProgramFactory(name="Pediatrics Residency", slug="peds")
    resident = member(program, Role.RESIDENT, "resident@example.org", pgy=1)
    research = ContentArea.objects.get(slug="research", program=None)
    global_health = ContentArea.objects.get(slug="global-health", program=None)
    guides = []
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
        guides.append(guide)
        GuideProfileFactory(
            user=guide,
            bio=bio,
            content_areas=[area],
            offers={
                GuidanceKind.MENTORING: 2,
                GuidanceKind.COACHING: 1,
                GuidanceKind.ADVISING: 1,
            },
        )
    # Ben sits on the Clinical Competency Committee: he evaluates every resident.
    EvaluativeRoleFactory(program=program, evaluator=guides[1])
    # Carla is not taking anyone this year.
    guides[2].guide_profile.accepting_new = False
    guides[2].guide_profile.save()

    login(page, resident)
    page.get_by_role("link", name="Directory").click()
    guide_names = page.locator(".guide-name")
    expect(guide_names).to_have_text(["Amara Diallo", "Ben Hughes", "Carla Moreno"])
    ben = page.locator(".guide-card", has_text="Ben Hughes")
    expect(ben).to_contain_text("Evaluates you as a Clinical Competency Committee member")
    expect(ben).to_contain_text("Coaching · not offered to you")
    carla = page.locator(".guide-card", has_text="Carla Moreno")
    expect(carla).to_contain_text("Not accepting new learners")
    expect(carla).not_to_contain_text("place")
    screenshot(page, "directory")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "directory-390")
    page.set_viewport_size({"width": 1280, "height": 800})

    # The search and filters live in the URL: a reload and the back button keep them.
    page.get_by_label("Search").fill("neonatal")
    page.get_by_role("button", name="Search").click()
    expect(guide_names).to_have_text(["Amara Diallo"])
    expect(page).to_have_url(re.compile(r"q=neonatal"))
    screenshot(page, "directory-search")
    page.get_by_label("Search").fill("")
    page.get_by_label("Accepting new learners").check()
    expect(guide_names).to_have_text(["Amara Diallo", "Ben Hughes"])
    expect(page).to_have_url(re.compile(r"accepting=on"))
    page.reload()
    expect(page.get_by_label("Accepting new learners")).to_be_checked()
    expect(guide_names).to_have_text(["Amara Diallo", "Ben Hughes"])
    page.go_back()
    expect(guide_names).to_have_text(["Amara Diallo"])
    expect(page.get_by_label("Search")).to_have_value("neonatal")
    expect(page.get_by_label("Accepting new learners")).not_to_be_checked()

    page.get_by_role("link", name="Amara Diallo", exact=True).click()
    expect(page.get_by_role("heading", name="Amara Diallo")).to_be_visible()
    expect(page.get_by_text("Neonatal outcomes research")).to_be_visible()
    screenshot(page, "guide-profile")

    page.goto(f"{live_server.url}/p/peds/guides/{guides[1].guide_profile.uuid}/")
    expect(page.get_by_role("note")).to_contain_text(
        "Evaluates you as a Clinical Competency Committee member (from Jul 1, 2024)"
    )
    screenshot(page, "guide-profile-evaluator")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "guide-profile-evaluator-390")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("link", name="Ask Ben to be your guide").click()
    expect(page.get_by_role("radio")).to_have_count(1)
    expect(page.get_by_label("Advising (1 place left)")).to_be_visible()
    expect(page.get_by_text("Not offered to you here")).to_be_visible()
    screenshot(page, "request-form-evaluator")
