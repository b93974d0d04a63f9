"""Walks of the relationships issue, with the learner, the guide and a leader each in
their own browser context."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from dyad.profiles.factories import GuideProfileFactory
from dyad.programs.factories import MembershipFactory, ProgramFactory
from dyad.programs.models import GuidanceKind, Role
from dyad.relationships.models import Relationship, State

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def people(db):
    program = ProgramFactory(name="Pediatrics Residency", slug="peds")

    def member(role, email, first, last, **kwargs):
        user = MembershipFactory(
            program=program,
            role=role,
            user__email=email,
            user__first_name=first,
            user__last_name=last,
            **kwargs,
        ).user
        return user

    guide = member(Role.FACULTY, "guide@example.org", "Grace", "Ibe")
    GuideProfileFactory(user=guide, offers={GuidanceKind.MENTORING: 2, GuidanceKind.COACHING: 1})
    return {
        "program": program,
        "director": member(Role.DIRECTOR, "director@example.org", "Dana", "Reyes"),
        "learner": member(Role.RESIDENT, "learner@example.org", "Liam", "Chen", pgy=1),
        "guide": guide,
    }


def assign(page, live_server, learner_label, guide_label, kind="Mentoring"):
    page.goto(f"{live_server.url}/p/peds/relationships/")
    page.get_by_role("link", name="Assign a guide").click()
    page.get_by_label("Learner").select_option(label=learner_label)
    page.get_by_label("Guide", exact=True).select_option(label=guide_label)
    page.get_by_label("Kind").select_option(label=kind)
    page.get_by_role("button", name="Propose this pairing").click()


def test_leader_assigns_and_both_acknowledge_the_agreement(
    live_server, people, session_for, screenshot
):
    leader = session_for(people["director"])
    assign(leader, live_server, "Liam Chen (learner@example.org)", "Grace Ibe (guide@example.org)")
    expect(leader.locator(".message.success")).to_contain_text("proposed")
    expect(leader.get_by_text("Proposed", exact=True)).to_be_visible()
    screenshot(leader, "relationship-proposed-leader")
    detail_url = leader.url

    learner = session_for(people["learner"])
    learner.get_by_role("link", name="My pairings").click()
    expect(learner.get_by_text("agreement to acknowledge")).to_be_visible()
    learner.get_by_role("link", name="Grace Ibe").click()
    learner.get_by_role("link", name="Change the agreement").click()
    learner.get_by_label("Goals", exact=True).fill(
        "Choose a research project; prepare for fellowship."
    )
    learner.get_by_label("Goals and ILP content").check()
    learner.get_by_role("button", name="Save as a new version").click()
    expect(learner.locator(".message.success")).to_contain_text("version 2")
    learner.get_by_role("button", name="I acknowledge this agreement").click()
    expect(learner.locator(".message.success")).to_contain_text("Acknowledged")
    screenshot(learner, "agreement-learner-acknowledged")

    guide = session_for(people["guide"])
    guide.goto(detail_url)
    expect(guide.get_by_text("Choose a research project")).to_be_visible()
    guide.get_by_role("button", name="I acknowledge this agreement").click()
    expect(guide.locator(".message.success")).to_contain_text("You both have acknowledged")
    expect(guide.get_by_text("Active", exact=True)).to_be_visible()

    # The learner let leadership see goals: the director now reads them.
    leader.reload()
    expect(leader.get_by_text("Active", exact=True)).to_be_visible()
    expect(leader.get_by_text("Choose a research project")).to_be_visible()
    screenshot(leader, "relationship-active-leader")
    assert Relationship.objects.get().state == State.ACTIVE


def test_learner_asks_privately_to_end_and_leader_ends_without_fault(
    live_server, people, session_for, screenshot
):
    leader = session_for(people["director"])
    assign(leader, live_server, "Liam Chen (learner@example.org)", "Grace Ibe (guide@example.org)")
    detail_url = leader.url

    learner = session_for(people["learner"])
    learner.goto(detail_url)
    learner.get_by_text("This pairing is not working").click()
    learner.get_by_label("What is not working?").fill("Our schedules never meet.")
    learner.get_by_role("button", name="Send to program leadership").click()
    expect(learner.locator(".message.success")).to_contain_text("privately")

    guide = session_for(people["guide"])
    guide.goto(detail_url)
    expect(guide.get_by_text("Our schedules never meet")).to_have_count(0)
    expect(guide.get_by_text("You asked program leadership")).to_have_count(0)
    screenshot(guide, "rematch-invisible-to-guide")

    leader.goto(f"{live_server.url}/p/peds/rematch-requests/")
    expect(leader.get_by_text("Our schedules never meet")).to_be_visible()
    screenshot(leader, "rematch-requests-leader")
    leader.goto(detail_url)
    leader.get_by_label("Reason").select_option(label="No-fault rematch")
    leader.get_by_label("Do not pair these two again").check()
    leader.get_by_role("button", name="End relationship").click()
    expect(leader.locator(".message.success")).to_contain_text("ended")
    expect(leader.get_by_text("Ended", exact=True)).to_be_visible()

    notices = [m for m in mail.outbox if "has ended" in m.subject]
    assert sorted(m.to[0] for m in notices) == ["guide@example.org", "learner@example.org"]
    assert all("schedules" not in m.body for m in mail.outbox)

    # The pair is now refused by the assignment form, with the reason shown.
    assign(leader, live_server, "Liam Chen (learner@example.org)", "Grace Ibe (guide@example.org)")
    expect(leader.get_by_role("alert")).to_contain_text("do not re-pair")
    screenshot(leader, "do-not-repair-refused")


def test_learner_requests_a_guide_from_the_directory_and_the_guide_accepts(
    live_server, people, session_for, screenshot
):
    learner = session_for(people["learner"])
    learner.get_by_role("link", name="Directory").click()
    learner.get_by_role("link", name="Grace Ibe", exact=True).click()
    expect(learner.get_by_text("2 of 2 places left")).to_be_visible()
    learner.get_by_role("link", name="Ask Grace to be your guide").click()
    learner.get_by_label("Mentoring").check()
    learner.get_by_label("Message").fill("I hope to learn from your work in neonatal research.")
    screenshot(learner, "request-form")
    learner.get_by_role("button", name="Send the request").click()
    expect(learner.get_by_role("heading", name="Requests you sent")).to_be_visible()
    expect(learner.get_by_role("button", name="Withdraw")).to_be_visible()

    guide = session_for(people["guide"])
    guide.get_by_role("link", name="Requests").click()
    expect(guide.get_by_text("I hope to learn from your work")).to_be_visible()
    screenshot(guide, "requests-guide")
    guide.get_by_role("button", name="Accept").click()
    expect(guide.get_by_role("heading", name="Mentoring")).to_be_visible()
    expect(guide.get_by_text("Proposed", exact=True)).to_be_visible()

    learner.get_by_role("link", name="My pairings").click()
    expect(learner.get_by_role("link", name="Grace Ibe")).to_be_visible()
    learner.get_by_role("link", name="Directory").click()
    learner.get_by_role("link", name="Grace Ibe", exact=True).click()
    expect(learner.get_by_text("1 of 2 places left")).to_be_visible()
    screenshot(learner, "guide-profile-after-accept")
