"""A whole match round in the browser: the leader opens it, two learners rank in their own
contexts, the leader runs, forbids and pins, runs again, compares and publishes, and a
learner finds the proposed pairing."""

import pytest
from playwright.sync_api import expect

from dyad.matching.models import MatchRound, RoundState
from dyad.profiles.factories import GuideProfileFactory, LearnerProfileFactory
from dyad.profiles.models import ContentArea
from dyad.programs.factories import MembershipFactory, ProgramFactory
from dyad.programs.models import GuidanceKind, Role
from dyad.relationships.models import Origin, Relationship, State

PROFESSOR = "Associate Professor of Pediatrics"  # the factory's title

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def cohort(db):
    program = ProgramFactory(name="Pediatrics Residency", slug="peds")
    area = {a.slug: a for a in ContentArea.objects.filter(program=None)}

    def member(role, email, first, last, **kwargs):
        return MembershipFactory(
            program=program,
            role=role,
            user__email=email,
            user__first_name=first,
            user__last_name=last,
            **kwargs,
        ).user

    def guide(email, first, last, places, areas, **profile):
        user = member(Role.FACULTY, email, first, last)
        GuideProfileFactory(
            user=user,
            offers={GuidanceKind.MENTORING: places},
            content_areas=[area[a] for a in areas],
            **profile,
        )
        return user

    def learner(email, first, last, areas=(), **profile):
        user = member(Role.RESIDENT, email, first, last, pgy=1)
        if areas:
            LearnerProfileFactory(user=user, **profile).content_areas_sought.set(
                [area[a] for a in areas]
            )
        return user

    return {
        "director": member(Role.DIRECTOR, "director@example.org", "Dana", "Reyes"),
        "liam": learner("liam@example.org", "Liam", "Chen", ["research"]),
        "maya": learner("maya@example.org", "Maya", "Ortiz", ["wellness"], languages=["Spanish"]),
        "noah": learner("noah@example.org", "Noah", "Park"),
        "senior": member(Role.RESIDENT, "senior@example.org", "Sara", "Lind", pgy=3),
        "grace": guide("grace@example.org", "Grace", "Ibe", 1, ["research", "wellness"]),
        "omar": guide("omar@example.org", "Omar", "Haddad", 2, ["quality-improvement"]),
        "priya": guide(
            "priya@example.org",
            "Priya",
            "Shah",
            1,
            ["wellness"],
            languages=["English", "Spanish"],
            title="Assistant Professor",
        ),
    }


def rank(page, live_server, *labels):
    page.goto(f"{live_server.url}/p/peds/")
    page.get_by_role("link", name="My rankings").first.click()
    page.get_by_role("link", name="Rank your guides").click()
    for position, label in enumerate(labels, start=1):
        ordinal = {1: "1st", 2: "2nd", 3: "3rd"}[position]
        page.get_by_label(f"{ordinal} choice").select_option(label=label)
    page.get_by_role("button", name="Save my list").click()
    expect(page.locator(".message.success")).to_contain_text("Your list is saved")


def test_a_whole_round_from_opening_to_a_proposed_pairing(
    live_server, cohort, session_for, screenshot
):
    leader = session_for(cohort["director"])
    leader.get_by_role("link", name="Match rounds").click()
    leader.get_by_role("link", name="Open a round").click()
    leader.get_by_label("Name", exact=True).fill("Mentors for the interns")
    leader.get_by_label("PGY-1", exact=True).check()
    expect(leader.get_by_label("Grace Ibe — 1 of 1 place left")).to_be_checked()
    screenshot(leader, "match-round-open")
    leader.get_by_role("button", name="Open the round").click()
    expect(leader.locator(".message.success")).to_contain_text("3 learners can rank")
    expect(leader.get_by_text("no list yet")).to_have_count(3)
    match_round = MatchRound.objects.get()
    assert set(match_round.learners.values_list("first_name", flat=True)) == {
        "Liam",
        "Maya",
        "Noah",
    }

    # Two learners rank, each in their own browser; Noah sends no list.
    liam = session_for(cohort["liam"])
    rank(liam, live_server, f"Grace Ibe — {PROFESSOR}", f"Omar Haddad — {PROFESSOR}")
    expect(liam.get_by_text("your 1st choice")).to_have_count(1)
    grace_card = liam.locator(".guide-card").filter(has_text="Grace Ibe")
    expect(grace_card.locator(".fit")).to_have_text("In common: Research")
    screenshot(liam, "match-rank-learner")
    maya = session_for(cohort["maya"])
    rank(maya, live_server, f"Grace Ibe — {PROFESSOR}", "Priya Shah — Assistant Professor")
    expect(maya.get_by_text("speaks Spanish")).to_be_visible()

    # A guide marks a learner; learners never see it.
    omar = session_for(cohort["omar"])
    omar.get_by_role("link", name="My rankings").first.click()
    omar.get_by_role("link", name="Mark learners").click()
    omar.get_by_label("Your view of Noah Park").select_option(label="Prefer")
    omar.get_by_role("button", name="Save my marks").click()
    expect(omar.locator(".message.success")).to_contain_text("Your marks are saved")
    screenshot(omar, "match-marks-guide")

    # Run 1, stable: Liam and Maya both want Grace, who has one place.
    leader.reload()
    expect(leader.get_by_text("list sent · 2")).to_have_count(2)
    expect(leader.get_by_text("marked 1")).to_be_visible()
    screenshot(leader, "match-round-detail")
    # The fill step is on by default; this first run shows the stable result alone.
    leader.get_by_label("Fill unmatched learners with guides who have room").uncheck()
    leader.get_by_role("button", name="Run the round").click()
    expect(leader.get_by_role("heading", name="Run 1")).to_be_visible()
    pairs = leader.locator("table.pairs tbody tr")
    expect(pairs).to_have_count(2)
    expect(leader.locator("table.unmatched")).to_contain_text("Ranked no guide")
    screenshot(leader, "match-run-1")

    # Liam keeps Grace in run 1; forbid that pair, pin Noah to Priya, and run again.
    liam_row = pairs.filter(has_text="Liam Chen")
    expect(liam_row).to_contain_text("Grace Ibe")
    liam_row.get_by_role("button", name="Forbid").click()
    expect(leader.locator(".message.success")).to_contain_text("are forbidden")
    noah_row = leader.locator("table.unmatched tbody tr").filter(has_text="Noah Park")
    noah_row.get_by_label("Guide for Noah Park").select_option(label="Omar Haddad")
    noah_row.get_by_role("button", name="Pin").click()
    expect(leader.locator(".message.success")).to_contain_text("is pinned to Noah Park")
    leader.get_by_role("button", name="Run the round").click()

    expect(leader.get_by_role("heading", name="Run 2")).to_be_visible()
    changes = leader.locator("section.changes")
    expect(changes).to_contain_text("added Noah Park → Omar Haddad")
    expect(changes).to_contain_text("changed Liam Chen: Grace Ibe → Omar Haddad")
    expect(changes).to_contain_text("changed Maya Ortiz: Priya Shah → Grace Ibe")
    expect(leader.locator("table.stats-table")).to_contain_text("3 of 3 (100 %)")
    noah_pair = leader.locator("table.pairs tbody tr").filter(has_text="Noah Park")
    expect(noah_pair).to_contain_text("pinned by program leadership")
    expect(noah_pair).to_contain_text("guide prefers them")
    screenshot(leader, "match-run-2-compared")

    # The learners see no result before publication.
    liam.reload()
    expect(liam.get_by_text("Your result")).to_have_count(0)

    leader.get_by_role("link", name="Publish this run").click()
    expect(leader.get_by_text("Publishing proposes 3 mentoring relationships")).to_be_visible()
    screenshot(leader, "match-publish-confirm")
    leader.get_by_role("button", name="Publish and propose 3 relationships").click()
    expect(leader.locator(".message.success")).to_contain_text("Published: 3 mentoring")
    expect(leader.locator(".badge.round-published")).to_have_text("Published")
    leader.get_by_role("link", name="Match rounds", exact=True).click()
    expect(leader.locator("table")).to_contain_text("Mentors for the interns")
    screenshot(leader, "match-rounds-list")
    match_round.refresh_from_db()
    assert match_round.state == RoundState.PUBLISHED
    made = Relationship.objects.filter(origin=Origin.MATCHED, state=State.PROPOSED)
    assert {(r.learner.first_name, r.guide.first_name) for r in made} == {
        ("Liam", "Omar"),
        ("Maya", "Grace"),
        ("Noah", "Omar"),
    }

    # Liam finds his proposed pairing, and his own result on the round's page.
    liam.get_by_role("link", name="My pairings").click()
    expect(liam.get_by_role("link", name="Omar Haddad")).to_be_visible()
    expect(liam.get_by_text("Proposed", exact=True)).to_be_visible()
    expect(liam.get_by_text("agreement to acknowledge")).to_be_visible()
    screenshot(liam, "match-learner-pairings")
    liam.go_back()
    liam.reload()
    expect(liam.get_by_text("You are paired with Omar Haddad")).to_be_visible()
    expect(liam.get_by_text("Grace Ibe").first).to_be_visible()  # the pool, still listed
    expect(liam.locator(".outcome")).not_to_contain_text("Maya")
    screenshot(liam, "match-learner-result")


def test_a_learner_with_a_mentor_is_left_out_until_the_leader_includes_them(
    live_server, cohort, session_for, screenshot
):
    from dyad.relationships.services import relationship_create

    relationship_create(
        program=cohort["liam"].memberships.get().program,
        learner=cohort["maya"],
        guide=cohort["omar"],
        kind=GuidanceKind.MENTORING,
        origin=Origin.ASSIGNED,
        acting_user=cohort["director"],
    )
    leader = session_for(cohort["director"])
    leader.get_by_role("link", name="Match rounds").click()
    leader.get_by_role("link", name="Open a round").click()
    leader.get_by_label("PGY-1", exact=True).check()
    leader.get_by_role("button", name="Open the round").click()
    success = leader.locator(".message.success")
    expect(success).to_contain_text("2 learners can rank")
    expect(success).to_contain_text("1 learner who already has a mentor is left out")
    expect(leader.get_by_text("left out: already has a mentor: Omar Haddad")).to_be_visible()
    screenshot(leader, "match-round-left-out")

    leader.get_by_label("Also pair learners who already have a mentor").check()
    leader.get_by_role("button", name="Save", exact=True).click()
    expect(success).to_contain_text("now take part in the next run")
    expect(leader.get_by_text("already has a mentor: Omar Haddad")).to_be_visible()
    expect(leader.get_by_text("left out:")).to_have_count(0)

    # Nobody ranked: the fill step places all three by fit, Maya after the others.
    leader.get_by_role("button", name="Run the round").click()
    expect(leader.get_by_role("heading", name="Run 1")).to_be_visible()
    expect(leader.locator("table.pairs tbody tr")).to_have_count(3)
    warning = leader.locator(".second-guides")
    expect(warning).to_contain_text("1 learner would have two mentors")
    expect(warning).to_contain_text("Maya Ortiz would have a second mentor")
    screenshot(leader, "match-run-second-mentor")
    leader.get_by_role("link", name="Publish this run").click()
    expect(leader.locator(".second-guides")).to_contain_text("Maya Ortiz would have a second")
