"""Every main page, as every persona who may open it, under the Content-Security-Policy:
the browser reports no violation (no inline script, no handler attribute, no <style>
element that htmx or anyone injects, nothing from another origin)."""

import pytest

from tests.browser.test_pages import pages_for
from tests.world import build_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Collects the violations the page reports, from before any of its own scripts run.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline")
    + " at " + (e.sourceFile || "") + ":" + e.lineNumber);
});
"""


@pytest.fixture
def watched(browser, login):
    """A logged-in page that records CSP violations, from events and from the console."""
    contexts = []

    def open_as(user):
        context = browser.new_context()
        contexts.append(context)
        context.add_init_script(LISTEN)
        page = context.new_page()
        page.console_messages_seen = []
        page.on(
            "console",
            lambda msg: (
                page.console_messages_seen.append(msg.text)
                if "Content Security Policy" in msg.text
                else None
            ),
        )
        login(page, user)
        return page

    yield open_as
    for context in contexts:
        context.close()


def violations(page):
    return page.evaluate("() => window.__cspViolations") + page.console_messages_seen


@pytest.mark.parametrize("persona", ["learner", "guide", "coordinator", "director"])
def test_no_main_page_violates_the_content_security_policy(persona, live_server, watched):
    world = build_world()
    page = watched(world.user(persona))
    problems = []
    paths = [*pages_for(world, persona), ("api-docs", "/api/v1/docs")]
    for label, path in paths:
        page.console_messages_seen.clear()
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, f"{label} as {persona}: {response.status}"
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        problems += [f"{label} as {persona}: {v}" for v in violations(page)]
    assert not problems, "\n".join(problems)


def test_an_inline_script_would_be_caught(live_server, watched, db):
    """The listener works: a script the page itself tries to run inline is reported."""
    from dyad.programs.factories import MembershipFactory, ProgramFactory
    from dyad.programs.models import Role

    program = ProgramFactory(slug="peds")
    page = watched(MembershipFactory(program=program, role=Role.DIRECTOR).user)
    page.goto(f"{live_server.url}/p/peds/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.x = 1';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.x") is None
    assert any("script-src" in v for v in violations(page))
