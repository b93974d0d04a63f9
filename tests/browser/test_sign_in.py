"""Sign-in pages in Chromium: they fit a phone and pass axe; a passkey is added and then
used to log in, with Chromium's virtual authenticator (the DevTools WebAuthn domain) in
place of a security key — the real browser API and allauth's own JavaScript."""

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dyad.accounts.factories import TEST_PASSWORD, UserFactory
from tests.browser.test_pages import check_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def virtual_authenticator(page):
    """A platform authenticator that holds passkeys and verifies its user by itself."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def confirm_password(page, live_server, next_path):
    page.goto(f"{live_server.url}/accounts/reauthenticate/?next={next_path}")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()


def test_a_passkey_is_added_and_then_logs_in_without_a_password(
    page, live_server, login, screenshot
):
    from allauth.mfa.models import Authenticator

    user = UserFactory(email="passkey.user@example.org")
    cdp, authenticator_id = virtual_authenticator(page)
    login(page, user)
    confirm_password(page, live_server, "/accounts/2fa/webauthn/add/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/webauthn/add/"))
    page.get_by_label("Name").fill("Laptop passkey")
    page.get_by_label("Passkey").check()
    screenshot(page, "auth-passkey-add")
    page.get_by_role("button", name="Add").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    key = Authenticator.objects.get(user=user, type=Authenticator.Type.WEBAUTHN)
    assert key.wrap().is_passwordless is True
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert len(credentials["credentials"]) == 1

    page.goto(f"{live_server.url}/p/")
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    expect(page.locator(".who")).to_have_attribute("title", user.email)


def test_a_passkey_is_the_second_step_after_a_password(page, live_server, login, shots):
    user = UserFactory(email="key.user@example.org")
    virtual_authenticator(page)
    login(page, user)
    confirm_password(page, live_server, "/accounts/2fa/webauthn/add/")
    page.get_by_label("Name").fill("Security key")
    page.get_by_role("button", name="Add").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    page.context.clear_cookies()

    login(page, user)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    assert not check_page(page, "second-step", shots, "member")
    page.get_by_role("button", name="Use a security key").click()
    page.wait_for_url(lambda url: "/2fa/authenticate/" not in url)
    expect(page.locator(".who")).to_have_attribute("title", user.email)


SHOTS = Path("/tmp/shots-auth")


@pytest.fixture
def shots(screenshot):
    """Screenshots for the project's folder, and a copy for a reviewer."""

    def take(page, name):
        screenshot(page, name)
        if SHOTS.parent.exists():
            SHOTS.mkdir(exist_ok=True)
            folder = Path(__file__).resolve().parents[2] / "screenshots"
            shutil.copy(folder / f"{name}.png", SHOTS / f"{name}.png")

    return take


def test_the_sign_in_pages_fit_a_phone_and_pass_axe(page, live_server, login, shots):
    problems = []
    for label, path in [
        ("password-reset", "/accounts/password/reset/"),
        ("password-reset-done", "/accounts/password/reset/done/"),
        ("password-reset-bad-link", "/accounts/password/reset/key/1-not-a-token/"),
        ("login", "/accounts/login/"),
    ]:
        page.goto(f"{live_server.url}{path}")
        problems += check_page(page, label, shots, "anonymous")
    user = UserFactory(email="someone@example.org", first_name="Sam", last_name="Ortiz")
    login(page, user)
    page.goto(f"{live_server.url}/accounts/2fa/")
    problems += check_page(page, "second-factor", shots, "member")
    confirm_password(page, live_server, "/accounts/2fa/totp/activate/")
    problems += check_page(page, "authenticator-app", shots, "member")
    page.goto(f"{live_server.url}/accounts/2fa/webauthn/add/")
    problems += check_page(page, "passkey-add", shots, "member")
    page.goto(f"{live_server.url}/accounts/password/change/")
    problems += check_page(page, "password-change", shots, "member")
    assert not problems, "\n".join(problems)


def test_a_leader_without_a_second_factor_is_sent_to_set_one_up(
    page, live_server, login, settings, shots
):
    from dyad.programs.factories import MembershipFactory, ProgramFactory
    from dyad.programs.models import Role

    settings.DYAD_REQUIRE_MFA_FOR_LEADERS = True
    program = ProgramFactory(name="Pediatrics Residency", slug="peds")
    director = MembershipFactory(
        program=program, role=Role.DIRECTOR, user__email="director@example.org"
    ).user
    login(page, director)
    page.goto(f"{live_server.url}/p/peds/people/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    expect(page.locator(".messages")).to_contain_text("sign in with a second factor")
    assert not check_page(page, "leader-sent-to-second-factor", shots, "director")
