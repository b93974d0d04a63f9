"""The three home pages as a coordinator, a faculty mentor and a resident see them, at a
desktop width and a phone width, with a program that has a little history."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dyad.meetings import services as meeting_services
from dyad.profiles.factories import GuideProfileFactory
from dyad.programs.factories import MembershipFactory, ProgramFactory
from dyad.programs.models import GuidanceKind, Role
from dyad.relationships.factories import (
    make_active_relationship,
    make_guide_request,
    make_relationship,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture
def program_with_history(db):
    program = ProgramFactory(name="Pediatrics Residency", slug="peds", specialty="Pediatrics")
    today = timezone.localdate()

    def member(role, email, first, last, **kwargs):
        return MembershipFactory(
            program=program,
            role=role,
            user__email=email,
            user__first_name=first,
            user__last_name=last,
            **kwargs,
        ).user

    coordinator = member(Role.COORDINATOR, "coord@example.org", "Carmen", "Ortiz")
    member(Role.DIRECTOR, "director@example.org", "Dana", "Reyes")
    guide = member(Role.FACULTY, "guide@example.org", "Grace", "Ibe")
    GuideProfileFactory(user=guide, offers={GuidanceKind.MENTORING: 3, GuidanceKind.COACHING: 1})
    coach = member(Role.FACULTY, "coach@example.org", "Omar", "Haddad")
    GuideProfileFactory(user=coach, offers={GuidanceKind.COACHING: 2, GuidanceKind.ADVISING: 2})
    learner = member(Role.RESIDENT, "learner@example.org", "Liam", "Chen", pgy=2)
    others = [
        member(Role.RESIDENT, f"r{i}@example.org", first, last, pgy=1 + i % 3)
        for i, (first, last) in enumerate(
            [("Ava", "Patel"), ("Noah", "Kim"), ("Mia", "Lopez"), ("Eli", "Brown")]
        )
    ]

    def pair(learner, guide, kind, started_days_ago, met_days_ago=()):
        rel = make_active_relationship(
            program=program,
            learner=learner,
            guide=guide,
            kind=kind,
            start_date=today - timedelta(days=started_days_ago),
        )
        for days in met_days_ago:
            meeting_services.meeting_log(
                relationship=rel,
                acting_user=learner,
                starts_at=timezone.now() - timedelta(days=days),
                duration_minutes=45,
                mode="in_person",
            )
        return rel

    mine = pair(learner, guide, GuidanceKind.MENTORING, 200, [190, 150, 100, 40])
    pair(others[0], guide, GuidanceKind.MENTORING, 150)  # never met: behind
    pair(others[1], coach, GuidanceKind.COACHING, 300, [290, 250, 200])  # overdue
    pair(others[2], coach, GuidanceKind.ADVISING, 60, [50, 20])
    make_relationship(program=program, learner=learner, guide=coach, kind=GuidanceKind.COACHING)
    meeting = meeting_services.meeting_schedule(
        relationship=mine,
        acting_user=learner,
        starts_at=timezone.now() + timedelta(days=4),
        duration_minutes=45,
        mode="in_person",
        place="Clinic B, room 4",
    )
    meeting_services.action_item_add(
        meeting=meeting,
        acting_user=guide,
        text="Send Dr. Ibe a draft of the research question",
        owner=learner,
        due_date=today + timedelta(days=3),
    )
    make_guide_request(program=program, learner=others[3], guide=guide)
    return {"coordinator": coordinator, "guide": guide, "learner": learner}


@pytest.mark.parametrize("width", WIDTHS)
def test_learner_home(live_server, program_with_history, session_for, screenshot, width):
    page = session_for(program_with_history["learner"])
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    page.goto(f"{live_server.url}/p/peds/")
    expect(page.get_by_role("heading", name="Your next step")).to_be_visible()
    expect(page.locator(".next-step")).to_contain_text("acknowledge your agreement")
    expect(page.get_by_text("Not prepared yet")).to_be_visible()
    expect(page.get_by_text("Send Dr. Ibe a draft of the research question")).to_be_visible()
    screenshot(page, f"home-learner-{width}")
    page.locator(".next-step").get_by_role("link", name="Read the agreement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Coaching")
    expect(page.get_by_text("Omar Haddad").first).to_be_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_guide_home(live_server, program_with_history, session_for, screenshot, width):
    page = session_for(program_with_history["guide"])
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    page.goto(f"{live_server.url}/p/peds/")
    table = page.get_by_role("table", name="Your learners")
    expect(table.get_by_role("row")).to_have_count(3)
    expect(table.get_by_role("row").nth(1)).to_contain_text("Ava Patel")
    expect(table).to_contain_text("First meeting missing")
    expect(page.get_by_text("1 request waiting for your answer")).to_be_visible()
    expect(page.get_by_text("of 3 places left")).to_be_visible()
    screenshot(page, f"home-guide-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_leader_home_and_nudge(live_server, program_with_history, session_for, screenshot, width):
    page = session_for(program_with_history["coordinator"])
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    page.goto(f"{live_server.url}/p/peds/")
    charts = page.locator("svg.chart[role=img]")
    expect(charts).to_have_count(4)
    expect(page.get_by_role("img", name="Learners without a guide, by kind")).to_be_visible()
    behind = page.get_by_role("table", name="Pairs behind on meetings")
    expect(behind.get_by_role("row")).to_have_count(3)
    screenshot(page, f"home-leader-{width}")
    behind.get_by_role("row").nth(1).get_by_role("button", name="Remind both").click()
    expect(page.locator(".message.success")).to_contain_text("Reminder sent")
    expect(behind.get_by_role("row").nth(1)).to_contain_text("Reminded")
    expect(
        behind.get_by_role("row").nth(1).get_by_role("button", name="Remind both")
    ).to_have_count(0)
    page.get_by_text("Show as a table").first.click()
    expect(page.get_by_role("columnheader", name="Active pairs")).to_be_visible()
    screenshot(page, f"home-leader-{width}-after-reminder")
