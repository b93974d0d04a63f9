"""Single sign-on around the identity provider. The sign-ins themselves run against real
identity providers in tests/browser/test_sso.py."""

import pytest
from allauth.socialaccount.models import SocialApp

from dyad import policy
from dyad.accounts.factories import UserFactory
from dyad.accounts.models import User
from tests.idp.oidc import free_port
from tests.world import WORLD_IDP_CERT

LOGIN = "/accounts/login/"


@pytest.fixture
def hospital(db):
    """An institution whose identity provider is down: nothing listens at its address."""
    return SocialApp.objects.create(
        provider="openid_connect",
        provider_id="hospital",
        name="Children's Hospital",
        client_id="dyad",
        secret="s",
        settings={"server_url": f"http://127.0.0.1:{free_port()}"},
    )


@pytest.fixture
def university(db):
    return SocialApp.objects.create(
        provider="saml",
        provider_id="https://idp.university.example/",
        client_id="university",
        name="State University",
        settings={
            "idp": {
                "entity_id": "https://idp.university.example/",
                "sso_url": "https://idp.university.example/sso",
                "x509cert": WORLD_IDP_CERT,
            },
        },
    )


@pytest.mark.django_db
def test_the_login_page_has_no_institution_buttons_when_none_is_configured(client):
    assert 'class="sso"' not in client.get(LOGIN).text


def test_the_login_page_has_a_button_per_institution(client, hospital, university):
    text = client.get(LOGIN).text
    assert "Sign in with Children&#x27;s Hospital" in text
    assert "Sign in with State University" in text


def test_an_identity_provider_that_does_not_answer_gives_the_failed_page(client, hospital):
    response = client.post("/accounts/oidc/hospital/login/")
    assert response.status_code == 502
    assert "Sign-in through your institution failed" in response.text
    assert not response.wsgi_request.user.is_authenticated


def test_dyad_publishes_its_saml_service_provider_metadata(client, university, settings):
    settings.ALLOWED_HOSTS = ["dyad.example.org"]
    response = client.get(
        "/accounts/saml/university/metadata/", HTTP_HOST="dyad.example.org", secure=True
    )
    assert response.status_code == 200
    assert (
        'Location="https://dyad.example.org/accounts/saml/university/acs/"'
        in response.content.decode()
    )


def test_a_saml_request_without_a_host_header_is_no_server_error(client, university, settings):
    settings.ALLOWED_HOSTS = ["dyad.example.org"]
    response = client.get("/accounts/saml/university/sls/", SERVER_NAME="dyad.example.org")
    assert response.status_code == 400  # no logout message: refused, not a crash


def test_the_saml_pages_of_an_unknown_institution_are_not_found(client, university):
    assert client.get("/accounts/saml/nowhere/metadata/").status_code == 404


@pytest.mark.django_db
def test_nobody_signs_up_through_an_institution(client):
    response = client.get("/accounts/3rdparty/signup/")
    assert response.status_code == 302
    assert User.objects.count() == 0


# --- Who gets in (dyad.policy.sso_refusal) ---------------------------------------------------


def test_an_unverified_address_is_refused_before_anything_is_looked_up():
    assert policy.sso_refusal(None, email_verified=False) == "unverified"
    assert policy.sso_refusal(User(is_active=False), email_verified=False) == "unverified"


def test_an_address_without_an_account_was_not_invited():
    assert policy.sso_refusal(None, email_verified=True) == "not_invited"


def test_a_deactivated_account_is_refused():
    assert policy.sso_refusal(User(is_active=False), email_verified=True) == "deactivated"


def test_an_invited_account_with_a_verified_address_may_sign_in():
    assert policy.sso_refusal(User(is_active=True), email_verified=True) is None


@pytest.mark.django_db
def test_linking_an_institution_to_ones_account_links_only_ones_own_address():
    me, someone = UserFactory(), UserFactory()
    assert policy.sso_refusal(me, email_verified=True, signed_in_as=me) is None
    assert policy.sso_refusal(someone, email_verified=True, signed_in_as=me) == "other_account"


def test_an_address_outside_the_institutions_domains_is_refused_before_the_lookup():
    assert (
        policy.sso_refusal(User(is_active=True), email_verified=True, email_domain_allowed=False)
        == "other_domain"
    )


@pytest.mark.parametrize(
    ("email", "allowed"),
    [
        ("a@hospital.example", True),
        ("a@peds.hospital.example", True),
        ("a@evilhospital.example", False),
        ("a@hospital.example.evil", False),
        ("a@elsewhere.example", False),
    ],
)
def test_an_institution_vouches_only_for_its_domains_and_their_subdomains(email, allowed):
    from types import SimpleNamespace

    from dyad.accounts.sso import email_domain_allowed

    provider = SimpleNamespace(
        app=SimpleNamespace(settings={"email_domains": ["hospital.example"]})
    )
    assert email_domain_allowed(provider, email) is allowed
    anywhere = SimpleNamespace(app=SimpleNamespace(settings={}))
    assert email_domain_allowed(anywhere, email) is True


def test_the_sign_in_page_lets_its_forms_lead_to_the_identity_providers(client, db):
    """The sign-in button posts to Dyad, which redirects to the IdP: a form-action of
    'self' alone would make the browser stop there."""
    from allauth.socialaccount.models import SocialApp

    SocialApp.objects.create(
        provider="openid_connect",
        provider_id="hospital",
        name="Children's Hospital",
        client_id="dyad",
        secret="s",
        settings={"server_url": "https://login.hospital.example:8443/realms/staff"},
    )
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    form_action = next(d for d in policy.split(";") if d.strip().startswith("form-action"))
    assert "'self'" in form_action
    assert "https://login.hospital.example:8443" in form_action
