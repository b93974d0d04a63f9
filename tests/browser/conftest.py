"""Browser tests: Playwright driving Debian's Chromium against a live Dyad server.

Where Chromium is not installed (a laptop), these tests are skipped with a message that
says how to enable them; under CI (CI=true) a missing browser is a failure.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
# itself (factories, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("DYAD_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        message = (
            f"Chromium not found at {CHROMIUM}: install Debian's chromium "
            "(`sudo apt-get install -y chromium`) or set DYAD_CHROMIUM to run the browser tests"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def screenshot():
    """screenshot(page, "name") saves screenshots/<name>.png for a human to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(page, name):
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    return take


@pytest.fixture
def login(live_server):
    from dyad.accounts.factories import TEST_PASSWORD

    def log_in(page, user, password=TEST_PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("E-mail").fill(user.email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in", exact=True).click()
        page.wait_for_load_state()

    return log_in


@pytest.fixture
def session_for(browser, login):
    """A page in a browser context of its own, logged in as the given user."""
    contexts = []

    def open_as(user):
        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        login(page, user)
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _default_content_areas(request):
    """Browser tests run in transactions that end with a flush of every table, which also
    empties the default taxonomy that a migration created; put it back for each test."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("transactional_db")
    from django.utils.text import slugify

    from dyad.profiles.models import DEFAULT_CONTENT_AREAS, ContentArea

    for name in DEFAULT_CONTENT_AREAS:
        ContentArea.objects.get_or_create(program=None, slug=slugify(name), defaults={"name": name})


@pytest.fixture
def pair(db):
    """A mentoring pair of the pediatrics program, both having acknowledged the agreement,
    and the program's director."""
    from dyad.profiles.factories import GuideProfileFactory
    from dyad.programs.factories import MembershipFactory, ProgramFactory
    from dyad.programs.models import GuidanceKind, Role
    from dyad.relationships.factories import acknowledge_both, make_relationship

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
    learner = member(Role.RESIDENT, "learner@example.org", "Liam", "Chen", pgy=1)
    director = member(Role.DIRECTOR, "director@example.org", "Dana", "Reyes")
    rel = make_relationship(program=program, learner=learner, guide=guide, acting_user=director)
    acknowledge_both(rel)
    return {"rel": rel, "learner": learner, "guide": guide, "director": director}
