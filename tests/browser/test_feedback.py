"""A coachee names raters and opens a 360° feedback; raters answer through the links they
were e-mailed, without an account; the coach reads the results, with the group of fewer
than three withheld. At phone and desktop widths."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dyad.feedback.factories import make_coaching
from dyad.programs.factories import MembershipFactory, ProgramFactory
from dyad.programs.models import GuidanceKind, Role
from dyad.relationships.factories import make_guide

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTHS = {"390": {"width": 390, "height": 844}, "1280": {"width": 1280, "height": 800}}
SHOTS = Path("/tmp/shots-feedback")
RATERS = [
    ("Peers", "Maya Okafor", "maya@example.org"),
    ("Peers", "Tom Reilly", "tom@example.org"),
    ("Peers", "Priya Nair", "priya@example.org"),
    ("Nurses and staff", "Rosa Lima", "rosa@example.org"),
]


@pytest.fixture
def coaching(db):
    program = ProgramFactory(name="Pediatrics Residency", slug="peds")
    director = MembershipFactory(program=program, role=Role.DIRECTOR).user
    coachee = MembershipFactory(
        program=program,
        role=Role.CHIEF_RESIDENT,
        user__email="chief@example.org",
        user__first_name="Liam",
        user__last_name="Chen",
    ).user
    coach = make_guide(program, "Grace", "Ibe", offers={GuidanceKind.COACHING: 2})
    return make_coaching(program, learner=coachee, guide=coach, acting_user=director)


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def links_in(mailoutbox):
    return {
        m.to[0]: re.search(r"https?://\S+/feedback/answer/\S+/", m.body).group(0)
        for m in mailoutbox
        if "/feedback/answer/" in m.body
    }


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_raters_answer_through_their_links_and_the_coach_reads_the_results(
    live_server, coaching, session_for, browser, mailoutbox, settings, width
):
    settings.SITE_URL = live_server.url
    coachee = session_for(coaching.learner)
    coachee.set_viewport_size(WIDTHS[width])
    coachee.goto(f"{live_server.url}{coaching.get_absolute_url()}")
    coachee.get_by_role("link", name="360° feedback").click()
    coachee.get_by_role("link", name="Prepare a 360° feedback").click()
    coachee.get_by_role("button", name="Prepare").click()
    expect(coachee.locator(".message.success")).to_contain_text("default questions")
    shot(coachee, f"cycle-draft-coachee-{width}")

    coachee.get_by_role("link", name="Name your raters").click()
    for group, name, email in RATERS:
        coachee.get_by_label("Group", exact=True).select_option(label=group)
        coachee.get_by_label("Name", exact=True).fill(name)
        coachee.get_by_label("E-mail", exact=True).fill(email)
        coachee.get_by_role("button", name="Add", exact=True).click()
        expect(coachee.locator(".message.success")).to_contain_text(f"{name} added")
    expect(coachee.locator(".fb-warn")).to_contain_text("Fewer than 3")
    shot(coachee, f"raters-coachee-{width}")

    coachee.get_by_role("link", name="Status").click()
    coachee.get_by_role("button", name="Open and send the links").click()
    expect(coachee.locator(".message.success")).to_contain_text("sent their link")
    links = links_in(mailoutbox)
    assert set(links) == {email for _, _, email in RATERS}

    for n, (_, name, email) in enumerate(RATERS):
        context = browser.new_context(viewport=WIDTHS[width])  # no account, no login
        rater = context.new_page()
        rater.goto(links[email])
        expect(rater.get_by_role("heading", level=1)).to_contain_text("Feedback for Liam Chen")
        for fieldset in rater.locator("fieldset.fb-rating").all():
            fieldset.get_by_label("4" if n % 2 else "5", exact=True).check()
        rater.get_by_label("What should this person keep doing?").fill(f"Keeps calm ({name}).")
        if n == 0:
            shot(rater, f"answer-form-rater-{width}")
        rater.get_by_role("button", name="Send my feedback").click()
        expect(rater.get_by_role("heading", name="Thank you")).to_be_visible()
        rater.goto(links[email])
        expect(rater.get_by_role("alert")).to_contain_text("already been used")
        if n == 0:
            shot(rater, f"answer-link-used-{width}")
        context.close()

    coach = session_for(coaching.guide)
    coach.set_viewport_size(WIDTHS[width])
    coach.goto(f"{live_server.url}/p/peds/feedback/")
    coach.get_by_role("link", name=re.compile("360° feedback,")).click()
    peers = coach.locator("table.fb-counts tbody tr").filter(has_text="Peers")
    expect(peers.locator("td")).to_have_text(["3", "3"])  # asked, answered
    coach.get_by_role("link", name="Read the results").click()
    first = coach.locator(".fb-item").first
    expect(first.locator("tbody th")).to_have_text(["Peers"])
    expect(first).to_contain_text("Not shown: nurses and staff")
    expect(first).not_to_contain_text("Everyone")
    expect(coach.locator(".fb-comments").first).to_contain_text("Keeps calm (Maya Okafor).")
    expect(coach.locator("main")).not_to_contain_text("Keeps calm (Rosa Lima).")
    assert coach.evaluate("document.scrollingElement.scrollWidth - window.innerWidth") <= 1
    shot(coach, f"results-coach-{width}")
