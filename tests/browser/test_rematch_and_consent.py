"""Walks of the rematch requests page and of consent, each person in their own browser
context: leadership acts on a private request; the other party reads only "ended"; the
guide reads the consent, the learner alone changes it."""

import pytest
from playwright.sync_api import expect

from dyad.profiles.factories import GuideProfileFactory
from dyad.programs.factories import MembershipFactory, ProgramFactory
from dyad.programs.models import GuidanceKind, Role
from dyad.relationships import services
from dyad.relationships.factories import make_active_relationship
from dyad.relationships.models import EndReason, Relationship, State

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def people(db):
    program = ProgramFactory(name="Pediatrics Residency", slug="peds")

    def member(role, email, first, last, **kwargs):
        return MembershipFactory(
            program=program,
            role=role,
            user__email=email,
            user__first_name=first,
            user__last_name=last,
            **kwargs,
        ).user

    guide = member(Role.FACULTY, "guide@example.org", "Grace", "Ibe")
    GuideProfileFactory(user=guide, offers={GuidanceKind.MENTORING: 2})
    other = member(Role.FACULTY, "other@example.org", "Omar", "Haddad")
    GuideProfileFactory(user=other, offers={GuidanceKind.MENTORING: 2})
    director = member(Role.DIRECTOR, "director@example.org", "Dana", "Reyes")
    learner = member(Role.RESIDENT, "learner@example.org", "Liam", "Chen", pgy=1)
    relationship = make_active_relationship(
        program=program, learner=learner, guide=guide, acting_user=director
    )
    return {
        "program": program,
        "director": director,
        "coordinator": member(Role.COORDINATOR, "coord@example.org", "Cory", "Nakamura"),
        "learner": learner,
        "guide": guide,
        "relationship": relationship,
    }


@pytest.mark.parametrize("width", [1280, 390])
def test_leader_reassigns_from_the_request_and_the_guide_reads_only_that_it_ended(
    live_server, people, session_for, screenshot, width
):
    rel = people["relationship"]
    services.rematch_request_create(
        relationship=rel, acting_user=people["learner"], reason="Our schedules never meet."
    )
    leader = session_for(people["coordinator"])
    leader.set_viewport_size({"width": width, "height": 900})
    leader.goto(f"{live_server.url}/p/peds/rematch-requests/")
    leader.get_by_role("button", name="Acknowledge").click()
    expect(leader.locator(".message.success")).to_contain_text("Acknowledged")
    screenshot(leader, f"rematch-requests-acknowledged-{width}")

    leader.get_by_role("button", name="End as no-fault rematch and assign a new guide").click()
    expect(leader.locator(".message.success")).to_contain_text("Now choose a new guide")
    expect(leader.get_by_label("Learner")).to_have_value(str(people["learner"].pk))
    screenshot(leader, f"rematch-reassign-prefilled-{width}")
    leader.get_by_label("Guide", exact=True).select_option(label="Omar Haddad (other@example.org)")
    leader.get_by_role("button", name="Propose this pairing").click()
    expect(leader.locator(".message.success")).to_contain_text("Omar Haddad is proposed")

    rel.refresh_from_db()
    assert (rel.state, rel.end_reason) == (State.ENDED, EndReason.REMATCH)
    guide = session_for(people["guide"])
    guide.set_viewport_size({"width": width, "height": 900})
    guide.goto(f"{live_server.url}{rel.get_absolute_url()}")
    expect(guide.get_by_text("Ended", exact=True)).to_be_visible()
    expect(guide.get_by_text("rematch")).to_have_count(0)
    screenshot(guide, f"ended-neutral-for-guide-{width}")

    learner = session_for(people["learner"])
    learner.goto(f"{live_server.url}{rel.get_absolute_url()}")
    expect(learner.get_by_text("No-fault rematch").first).to_be_visible()
    assert Relationship.objects.filter(learner=people["learner"], state=State.PROPOSED).exists()


def test_the_guide_reads_the_consent_and_the_learner_changes_it_alone(
    live_server, people, session_for, screenshot
):
    rel = people["relationship"]
    url = f"{live_server.url}{rel.get_absolute_url()}"
    guide = session_for(people["guide"])
    guide.goto(url)
    guide.get_by_role("link", name="Change the agreement").click()
    expect(
        guide.get_by_text("Only the learner decides what program leadership may see")
    ).to_be_visible()
    expect(guide.get_by_role("checkbox", name="Goals and ILP content")).to_have_count(0)
    screenshot(guide, "agreement-consent-read-only-guide")

    learner = session_for(people["learner"])
    learner.goto(url)
    learner.get_by_role("link", name="Change the agreement").click()
    learner.get_by_label("Goals and ILP content").check()
    learner.get_by_role("button", name="Save as a new version").click()
    expect(learner.locator(".message.success")).to_contain_text("It applies now")
    expect(learner.get_by_role("button", name="I acknowledge this agreement")).to_have_count(0)
    screenshot(learner, "consent-alone-in-force-learner")

    learner.get_by_role("link", name="Change the agreement").click()
    learner.get_by_label("Goals", exact=True).fill("A poster at the spring meeting.")
    learner.get_by_label("Topics discussed").check()
    learner.get_by_role("button", name="Save as a new version").click()
    expect(learner.get_by_text("Waiting:")).to_be_visible()
    screenshot(learner, "consent-waiting-with-new-terms-learner")

    guide.goto(url)
    expect(guide.get_by_role("button", name="I acknowledge this agreement")).to_be_visible()
    screenshot(guide, "agreement-new-terms-guide")
