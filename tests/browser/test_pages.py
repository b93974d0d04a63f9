"""Every main page, as every persona who can see it, on a phone (390 px) and on a desktop
(1280 px): no horizontal scroll, no serious or critical axe-core violation, and a
screenshot of each for a human to look at. Who sees which page comes from the permission
table, so a page that changes hands is checked as its new readers."""

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from dyad.accounts.factories import TEST_PASSWORD
from dyad.programs.factories import MembershipFactory, ProgramFactory
from dyad.programs.models import Role
from tests.test_permissions import (
    ROWS,
    coaching_rel_kw,
    cycle_kw,
    engagement_kw,
    guide_kw,
    guide_portfolio_kw,
    ilp_kw,
    import_kw,
    meeting_kw,
    program_kw,
    rel_kw,
    round_kw,
    run_kw,
    survey_kw,
    survey_question_kw,
    training_kw,
)
from tests.world import build_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE = Path(__file__).resolve().parents[2] / "dyad" / "static" / "vendor" / "axe" / "axe.min.js"
AXE_URL = "/static/vendor/axe/axe.min.js"
PHONE, DESKTOP = 390, 1280
BLOCKING = {"serious", "critical"}


def _no_kwargs(world):
    return {}


# label: (URL name, its kwargs). The home is reached by its path (see HOME).
PAGES = {
    "my-pairings": ("relationships:mine", program_kw),
    "relationship": ("relationships:detail", rel_kw),
    "agreement-edit": ("relationships:agreement_edit", rel_kw),
    "directory": ("profiles:directory", program_kw),
    "guide-profile": ("profiles:guide_detail", guide_kw),
    "requests": ("relationships:requests", program_kw),
    "request-form": ("relationships:request_guide", guide_kw),
    "relationships": ("relationships:overview", program_kw),
    "assign": ("relationships:assign", program_kw),
    "rematch-requests": ("relationships:rematch_requests", program_kw),
    "concern-form": ("relationships:concern_raise", rel_kw),
    "concerns": ("relationships:concerns", program_kw),
    "peer-pairing": ("relationships:peer_pairing", program_kw),
    "match-rounds": ("matching:rounds", program_kw),
    "round-open": ("matching:round_open", program_kw),
    "round": ("matching:round", round_kw),
    "run-preview": ("matching:run_preview", run_kw),
    "my-rankings": ("matching:my_rounds", program_kw),
    "rank": ("matching:rank", round_kw),
    "marks": ("matching:marks", round_kw),
    "compliance": ("meetings:compliance", program_kw),
    "cadence": ("meetings:cadence", program_kw),
    "meeting": ("meetings:detail", meeting_kw),
    "meeting-form": ("meetings:schedule", rel_kw),
    "questions": ("questions:bank", program_kw),
    "evaluators": ("relationships:evaluative_roles", program_kw),
    "people": ("programs:people", program_kw),
    "roster-import": ("programs:roster_upload", program_kw),
    "roster-preview": ("programs:roster_preview", import_kw),
    "content-areas": ("profiles:content_areas", program_kw),
    "audit-log": ("relationships:audit", program_kw),
    "calendar": ("calendar:settings", _no_kwargs),
    "reminders": ("reminders:preferences", _no_kwargs),
    "guide-profile-edit": ("profiles:edit_guide", _no_kwargs),
    "learner-profile-edit": ("profiles:edit_learner", _no_kwargs),
    "resources": ("resources:index", program_kw),
    "resource-form": ("resources:new", program_kw),
    "training": ("training:index", program_kw),
    "training-module": ("training:module", training_kw),
    "faculty-load": ("faculty:load", program_kw),
    "faculty-portfolio": ("faculty:guide_portfolio", guide_portfolio_kw),
    "my-portfolio": ("faculty:my_portfolio", _no_kwargs),
    "ilp-index": ("goals:ilp_index", program_kw),
    "ilp": ("goals:ilp_detail", ilp_kw),
    "ilp-edit": ("goals:ilp_edit", ilp_kw),
    "ilp-share": ("goals:ilp_share", ilp_kw),
    "ilp-goal-new": ("goals:ilp_goal_new", ilp_kw),
    "ilp-review": ("goals:ilp_review", ilp_kw),
    "ilp-version": ("goals:ilp_version", lambda w: {**ilp_kw(w), "number": 1}),
    "ilp-completion": ("goals:ilp_completion", program_kw),
    "coaching": ("coaching:overview", program_kw),
    "coaching-settings": ("coaching:settings", program_kw),
    "coaching-refer": ("coaching:refer", program_kw),
    "coaching-new": ("coaching:engagement_new", program_kw),
    "coaching-invite": ("coaching:coach_invite", program_kw),
    "my-coaching": ("coaching:mine", program_kw),
    "engagement": ("coaching:engagement", engagement_kw),
    "values": ("coaching:values", program_kw),
    "values-shared": ("coaching:values_shared", coaching_rel_kw),
    "feedback": ("feedback:index", program_kw),
    "feedback-cycle": ("feedback:cycle", cycle_kw("draft")),
    "feedback-raters": ("feedback:raters", cycle_kw("draft")),
    "feedback-results": ("feedback:results", cycle_kw("closed")),
    "feedback-answer": ("feedback:answer", lambda w: {"token": w.feedback["token"]}),
    "surveys": ("surveys:index", program_kw),
    "survey-questions": ("surveys:questions", program_kw),
    "survey-question-edit": ("surveys:question_edit", survey_question_kw),
    "survey-new": ("surveys:cycle_new", program_kw),
    "survey-cycle": ("surveys:cycle", survey_kw("closed")),
    "survey-answer": ("surveys:answer", survey_kw("open")),
    "survey-results": ("surveys:results", survey_kw("closed")),
    "api-tokens": ("api_tokens:tokens", program_kw),
    "my-data": ("privacy:export", _no_kwargs),
}


def pages_for(world, persona):
    """(label, path) of every main page the persona may open, the home first."""
    yield "home", f"/p/{world.program.slug}/"
    for label, (name, kwargs) in PAGES.items():
        if ROWS[name][2][persona] == 200:
            yield label, reverse(name, kwargs=kwargs(world))


def horizontal_overflow(page):
    """Pixels by which the page is wider than the viewport (one is rounding)."""
    return page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")


def axe_violations(page):
    """The serious and critical violations axe-core finds on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # From the app's own static files: the Content-Security-Policy refuses inline scripts.
        page.add_script_tag(url=AXE_URL)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def describe(violation):
    targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
    return f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}"


def check_page(page, label, screenshot, persona):
    """Checks the loaded page at both widths; returns what is wrong with it."""
    problems = []
    for width in (PHONE, DESKTOP):
        page.set_viewport_size({"width": width, "height": 900})
        where = f"{label} as {persona} at {width}px"
        overflow = horizontal_overflow(page)
        if overflow > 1:
            problems.append(f"{where}: scrolls sideways by {overflow}px")
        problems += [f"{where}: {describe(v)}" for v in axe_violations(page)]
        screenshot(page, f"page-{label}-{persona}-{width}")
    return problems


@pytest.mark.parametrize("persona", ["learner", "guide", "coordinator", "director"])
def test_every_main_page_fits_a_phone_and_passes_axe(persona, live_server, session_for, screenshot):
    world = build_world()
    page = session_for(world.user(persona))
    problems = []
    for label, path in pages_for(world, persona):
        page.set_viewport_size({"width": PHONE, "height": 900})
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, f"{label} as {persona}: {response.status}"
        problems += check_page(page, label, screenshot, persona)
    assert not problems, "\n".join(problems)


def test_the_login_page_fits_a_phone_and_passes_axe(page, live_server, screenshot):
    page.goto(f"{live_server.url}/accounts/login/")
    problems = check_page(page, "login", screenshot, "anonymous")
    assert not problems, "\n".join(problems)


@pytest.fixture
def director(db):
    program = ProgramFactory(name="Pediatrics Residency", slug="peds")
    return MembershipFactory(
        program=program, role=Role.DIRECTOR, user__email="director@example.org"
    ).user


def test_on_a_phone_the_menu_button_shows_and_hides_the_navigation(
    live_server, session_for, director, screenshot
):
    page = session_for(director)
    page.set_viewport_size({"width": PHONE, "height": 800})
    page.goto(f"{live_server.url}/p/peds/")
    menu = page.get_by_role("button", name="Menu")
    people = page.get_by_role("link", name="People")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(people).to_be_hidden()

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(people).to_be_visible()
    nav = page.locator(f"#{menu.get_attribute('aria-controls')}")
    expect(nav).to_contain_text("People")
    assert horizontal_overflow(page) <= 1
    assert not [describe(v) for v in axe_violations(page)]
    screenshot(page, "menu-open-390")

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(people).to_be_hidden()

    menu.click()
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()


def test_on_a_desktop_the_navigation_shows_without_a_menu_button(
    live_server, session_for, director
):
    page = session_for(director)
    page.set_viewport_size({"width": DESKTOP, "height": 800})
    page.goto(f"{live_server.url}/p/peds/")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.get_by_role("link", name="People")).to_be_visible()


def test_on_a_phone_each_table_row_is_a_card_that_labels_its_cells(
    live_server, session_for, director
):
    page = session_for(director)
    page.set_viewport_size({"width": PHONE, "height": 800})
    page.goto(f"{live_server.url}/p/peds/people/")
    email = page.get_by_role("cell", name="director@example.org")
    assert email.evaluate("el => getComputedStyle(el).display") == "flow-root"
    label = email.evaluate("el => getComputedStyle(el, '::before').content")
    assert label == '"E-mail"'
    # The director has no level: an empty "Level" line would only take room.
    level = page.locator("td[data-label=Level]").first
    expect(level).to_be_hidden()

    page.set_viewport_size({"width": DESKTOP, "height": 800})
    assert email.evaluate("el => getComputedStyle(el).display") == "table-cell"
    assert email.evaluate("el => getComputedStyle(el, '::before').content") == "none"


def test_the_first_tab_reaches_a_skip_link_to_the_main_content(page, live_server, director):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill(director.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_load_state()

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none", "the focused skip link shows no focus ring"

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_visible()
    assert page.evaluate("() => location.hash") == "#main"
