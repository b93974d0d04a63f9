"""Single sign-on through real identity providers, in Chromium.

OpenID Connect: panva's oidc-provider (Node, from the npm registry) with its development
sign-in pages. SAML 2.0: pysaml2's IdP, signing with xmlsec1. Dyad is configured for the
first through a "Social application" row (as in the admin) and for the second through the
environment variables of dyad/lib/sso_config.py. Nothing of either protocol is mocked.
"""

import os

import pytest
from playwright.sync_api import expect

from dyad.accounts.factories import UserFactory
from dyad.audit.actions import AuditAction
from dyad.audit.models import AuditEntry
from dyad.lib.sso_config import saml_apps
from dyad.programs.factories import MembershipFactory, ProgramFactory
from dyad.programs.models import Role
from tests.browser.test_pages import check_page
from tests.idp import oidc
from tests.idp.oidc import IdPUnavailable
from tests.idp.saml import SamlIdP

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = os.environ.get("DYAD_SSO_SHOTS", "")

# What each identity provider says about the people who sign in there (by login name).
OIDC_PEOPLE = {
    "liam": {"email": "Liam.Chen@Example.org", "email_verified": True, "given_name": "Liam"},
    "unverified": {"email": "liam.chen@example.org", "email_verified": False},
    "visitor": {"email": "visitor@elsewhere.example", "email_verified": True},
    "closed": {"email": "closed@example.org", "email_verified": True},
}
SAML_PEOPLE = {
    "dana": {"mail": "dana.reyes@example.org", "givenName": "Dana", "sn": "Reyes"},
    "visitor": {"mail": "visitor@elsewhere.example"},
    "unconfirmed": {"mail": "dana.reyes@example.org", "email_verified": "false"},
}


def _unavailable(error):
    if os.environ.get("CI"):
        pytest.fail(str(error))
    pytest.skip(str(error))


@pytest.fixture(scope="module")
def oidc_idp(live_server):
    try:
        process, issuer = oidc.start(
            client={
                "client_id": "dyad",
                "client_secret": "test-secret",
                "redirect_uri": f"{live_server.url}/accounts/oidc/hospital/login/callback/",
            },
            accounts=OIDC_PEOPLE,
        )
    except IdPUnavailable as error:
        _unavailable(error)
    yield issuer
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def hospital(oidc_idp):
    """The hospital's OpenID Connect provider, entered in the admin."""
    from allauth.socialaccount.models import SocialApp

    return SocialApp.objects.create(
        provider="openid_connect",
        provider_id="hospital",
        name="Children's Hospital",
        client_id="dyad",
        secret="test-secret",
        settings={"server_url": oidc_idp},
    )


@pytest.fixture(scope="module")
def saml_idp(live_server, tmp_path_factory):
    try:
        idp = SamlIdP(directory=tmp_path_factory.mktemp("saml-idp"), people=SAML_PEOPLE)
    except IdPUnavailable as error:
        _unavailable(error)
    idp.sp_metadata_url = f"{live_server.url}/accounts/saml/university/metadata/"
    idp.start()
    yield idp
    idp.stop()


@pytest.fixture
def university(saml_idp, settings):
    """The university's SAML IdP, configured from the environment."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        **settings.SOCIALACCOUNT_PROVIDERS,
        "saml": {
            "APPS": saml_apps(
                {
                    "DYAD_SAML_INSTITUTIONS": "university",
                    "DYAD_SAML_UNIVERSITY_NAME": "State University",
                    "DYAD_SAML_UNIVERSITY_ENTITY_ID": saml_idp.entity_id,
                    "DYAD_SAML_UNIVERSITY_SSO_URL": saml_idp.sso_url,
                    "DYAD_SAML_UNIVERSITY_X509_CERT": saml_idp.certificate,
                }
            )
        },
    }
    return saml_idp


@pytest.fixture
def program(db):
    return ProgramFactory(name="Pediatrics Residency", slug="peds")


def invited(program, email, role=Role.RESIDENT, **names):
    """Someone a roster added and invited, who never set a password."""
    from django.utils import timezone

    user = UserFactory(email=email, invited_at=timezone.now(), **names)
    user.set_unusable_password()
    user.save()
    MembershipFactory(program=program, role=role, user=user)
    return user


def sign_in_at_hospital(page, live_server, login):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Sign in with Children's Hospital").click()
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def test_an_invited_resident_signs_in_through_the_hospital_and_the_invitation_is_accepted(
    page, live_server, hospital, program
):
    learner = invited(program, "liam.chen@example.org", first_name="Liam", last_name="Chen")

    sign_in_at_hospital(page, live_server, "liam")

    expect(page.locator(".who")).to_have_text("Liam Chen")
    expect(page.get_by_role("heading", name="Pediatrics Residency")).to_be_visible()
    learner.refresh_from_db()
    assert learner.last_login is not None  # no longer waiting for the invitation
    assert learner.socialaccount_set.get().provider == "hospital"
    entry = AuditEntry.objects.get(action=AuditAction.SSO_SIGNED_IN)
    assert entry.actor == learner
    assert entry.data == {
        "institution": "Children's Hospital",
        "protocol": "openid_connect",
        "first_time": True,
    }

    # The second time, the account is found through the hospital's id for the person.
    page.context.clear_cookies()
    sign_in_at_hospital(page, live_server, "liam")
    expect(page.locator(".who")).to_have_text("Liam Chen")
    assert AuditEntry.objects.filter(action=AuditAction.SSO_SIGNED_IN).count() == 2


def test_an_address_no_program_invited_is_turned_away_without_an_account(
    page, live_server, hospital, program, screenshot
):
    from dyad.accounts.models import User

    sign_in_at_hospital(page, live_server, "visitor")

    expect(page.get_by_role("heading", name="No Dyad program has invited you yet")).to_be_visible()
    expect(page.locator(".sso-refused")).to_contain_text(
        "Children's Hospital signed you in as visitor@elsewhere.example, but no Dyad program "
        "has invited visitor@elsewhere.example"
    )
    expect(page.locator(".who")).to_have_count(0)
    assert not User.objects.filter(email__iexact="visitor@elsewhere.example").exists()
    refused = AuditEntry.objects.get(action=AuditAction.SSO_REFUSED)
    assert refused.data["reason"] == "not_invited"
    assert refused.data["email"] == "visitor@elsewhere.example"
    assert not check_page(page, "sso-not-invited", screenshot, "anonymous")


def test_an_address_the_hospital_did_not_verify_signs_nobody_in(
    page, live_server, hospital, program
):
    learner = invited(program, "liam.chen@example.org")

    sign_in_at_hospital(page, live_server, "unverified")

    expect(
        page.get_by_role("heading", name="Your institution did not confirm your e-mail address")
    ).to_be_visible()
    expect(page.locator(".who")).to_have_count(0)
    learner.refresh_from_db()
    assert learner.last_login is None
    assert not learner.socialaccount_set.exists()


def test_a_deactivated_account_is_refused(page, live_server, hospital, program):
    closed = invited(program, "closed@example.org")
    closed.is_active = False
    closed.save()

    sign_in_at_hospital(page, live_server, "closed")

    expect(page.get_by_role("heading", name="This Dyad account is closed")).to_be_visible()
    expect(page.locator(".who")).to_have_count(0)
    assert AuditEntry.objects.get(action=AuditAction.SSO_REFUSED).data["reason"] == "deactivated"


def test_the_hospital_cannot_vouch_for_an_address_of_another_institution(
    page, live_server, hospital, program
):
    hospital.settings["email_domains"] = ["example.org"]
    hospital.save()
    invited(program, "visitor@elsewhere.example")  # invited, but not a hospital address

    sign_in_at_hospital(page, live_server, "visitor")

    expect(
        page.get_by_role("heading", name="Children's Hospital cannot sign in this address")
    ).to_be_visible()
    expect(page.locator(".who")).to_have_count(0)
    assert AuditEntry.objects.get(action=AuditAction.SSO_REFUSED).data["reason"] == "other_domain"


def sign_in_at_university(page, live_server, login):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Sign in with State University").click()
    page.get_by_label("Username").fill(login)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_a_director_signs_in_through_the_university_saml_idp(
    page, live_server, university, program
):
    director = invited(program, "dana.reyes@example.org", role=Role.DIRECTOR)
    director.set_password("a password of her own")
    director.save()

    sign_in_at_university(page, live_server, "dana")

    expect(page.locator(".who")).to_have_text(director.full_name or director.email)
    account = director.socialaccount_set.get()
    assert account.provider == university.entity_id
    assert account.uid == "dana"
    assert AuditEntry.objects.get(action=AuditAction.SSO_SIGNED_IN).data["protocol"] == "saml"


def test_the_university_cannot_sign_in_someone_no_program_invited(
    page, live_server, university, program
):
    sign_in_at_university(page, live_server, "visitor")

    expect(page.get_by_role("heading", name="No Dyad program has invited you yet")).to_be_visible()
    expect(page.locator(".sso-refused")).to_contain_text("State University signed you in as")
    expect(page.locator(".who")).to_have_count(0)


def test_the_login_page_offers_each_institution_and_passes_axe(
    page, live_server, hospital, university, screenshot
):
    page.goto(f"{live_server.url}/accounts/login/?next=/p/peds/")
    buttons = page.locator(".sso").get_by_role("button")
    expect(buttons).to_have_text(
        ["Sign in with Children's Hospital", "Sign in with State University"]
    )
    assert not check_page(page, "login-sso", screenshot, "anonymous")

    # Where to go after signing in goes along to the IdP and back.
    expect(page.locator(".sso form").first).to_have_attribute(
        "action", "/accounts/oidc/hospital/login/?next=%2Fp%2Fpeds%2F"
    )
    # Opened directly, an institution's sign-in address asks before leaving for the IdP.
    page.goto(f"{live_server.url}/accounts/oidc/hospital/login/")
    expect(page.get_by_role("heading", name="Sign in with Children's Hospital")).to_be_visible()
    assert not check_page(page, "sso-continue", screenshot, "anonymous")


def link_hospital(page, live_server, login):
    page.goto(f"{live_server.url}/accounts/3rdparty/")
    page.get_by_role("button", name="Link Children's Hospital").click()
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def test_someone_signed_in_links_the_hospital_to_their_own_account_only(
    browser, live_server, hospital, program, login, screenshot
):
    from dyad.accounts.factories import TEST_PASSWORD

    learner = UserFactory(email="liam.chen@example.org", first_name="Liam", last_name="Chen")
    learner.set_password(TEST_PASSWORD)
    learner.save()
    MembershipFactory(program=program, role=Role.RESIDENT, user=learner)
    director = UserFactory(email="dana.reyes@example.org")
    director.set_password(TEST_PASSWORD)
    director.save()
    MembershipFactory(program=program, role=Role.DIRECTOR, user=director)

    # The director cannot link the hospital's account of the resident.
    page = browser.new_context().new_page()
    login(page, director)
    link_hospital(page, live_server, "liam")
    expect(page.get_by_role("heading", name="That is someone else's account")).to_be_visible()
    assert not learner.socialaccount_set.exists() and not director.socialaccount_set.exists()

    # The resident links their own, and then signs in with it.
    page = browser.new_context().new_page()
    login(page, learner)
    link_hospital(page, live_server, "liam")
    expect(page.locator(".message")).to_have_text(
        "Your institution's sign-in is linked to your account."
    )
    expect(page.locator(".sso-linked")).to_contain_text("Children's Hospital")
    assert not check_page(page, "sso-connections", screenshot, "learner")
    assert learner.socialaccount_set.get().provider == "hospital"


def test_a_saml_assertion_that_says_the_address_is_unverified_signs_nobody_in(
    page, live_server, university, program
):
    director = invited(program, "dana.reyes@example.org", role=Role.DIRECTOR)

    sign_in_at_university(page, live_server, "unconfirmed")

    expect(
        page.get_by_role("heading", name="Your institution did not confirm your e-mail address")
    ).to_be_visible()
    assert not director.socialaccount_set.exists()
