"""Second factor (allauth.mfa): an authenticator app set up and used through the pages,
with codes computed here (RFC 6238) rather than by allauth; recovery codes, once each."""

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

from dyad.accounts.factories import TEST_PASSWORD, UserFactory
from dyad.audit.models import AuditEntry

# allauth announces changes of a second factor once its transaction commits: these tests
# commit for real, so that the audit entries are written as in production.
AUDITED = pytest.mark.django_db(transaction=True, serialized_rollback=True)
LOGIN = "/accounts/login/"
SECOND_STEP = "/accounts/2fa/authenticate/"


def totp(secret: str, at: float | None = None) -> str:
    """The six-digit code an authenticator app shows for `secret` (RFC 6238: SHA-1,
    30-second steps)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def log_in(client, user):
    return client.post(LOGIN, {"login": user.email, "password": TEST_PASSWORD})


def confirm_password(client):
    """Changing a second factor asks for the password again (allauth's re-authentication)."""
    response = client.post("/accounts/reauthenticate/", {"password": TEST_PASSWORD})
    assert response.status_code == 302


def set_up_app(client, user) -> str:
    """Log in with the password, then activate an authenticator app on its page; return
    the secret the page showed."""
    log_in(client, user)
    confirm_password(client)
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page.text)
    secret = secret or re.search(r'value="([A-Z2-7]{16,})"', page.text)
    secret = secret.group(1)
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp(secret)})
    assert response.status_code == 302, response.text
    return secret


@pytest.mark.django_db
def test_the_setup_page_draws_the_qr_code_itself(client):
    user = UserFactory()
    log_in(client, user)
    confirm_password(client)
    page = client.get("/accounts/2fa/totp/activate/")
    assert 'src="data:image/svg+xml;base64,' in page.text
    assert "QR code for your authenticator app" in page.text
    assert "<script>" not in page.text


@AUDITED
def test_an_authenticator_app_is_set_up_and_then_asked_for_at_login(client, time_machine):
    time_machine.move_to("2026-09-01 09:00:05", tick=False)
    user = UserFactory()
    secret = set_up_app(client, user)
    # The next code: the one used to set up the app is not accepted twice.
    time_machine.move_to("2026-09-01 09:00:35", tick=False)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    client.post("/accounts/logout/")

    response = log_in(client, user)
    assert response["Location"] == SECOND_STEP
    assert "_auth_user_id" not in client.session  # the password alone does not sign in
    wrong = client.post(SECOND_STEP, {"code": "000000" if totp(secret) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session
    response = client.post(SECOND_STEP, {"code": totp(secret)})
    assert response.status_code == 302
    assert response.wsgi_request.user == user


@AUDITED
def test_setting_up_an_app_is_audited(client):
    user = UserFactory()
    set_up_app(client, user)
    added = AuditEntry.objects.filter(action="account.second_factor_added", actor=user)
    assert {"kind": "totp"} in [entry.data for entry in added]


@AUDITED
def test_a_recovery_code_signs_in_once(client):
    user = UserFactory()
    set_up_app(client, user)
    codes = RecoveryCodes(Authenticator.objects.get(user=user, type="recovery_codes"))
    code = codes.get_unused_codes()[0]
    client.post("/accounts/logout/")

    log_in(client, user)
    response = client.post(SECOND_STEP, {"code": code})
    assert response.status_code == 302
    assert response.wsgi_request.user == user
    assert AuditEntry.objects.filter(action="account.recovery_code_used").count() == 1
    client.post("/accounts/logout/")

    log_in(client, user)
    again = client.post(SECOND_STEP, {"code": code})
    assert again.status_code == 200
    assert "_auth_user_id" not in client.session


@AUDITED
def test_new_recovery_codes_are_audited(client):
    user = UserFactory()
    set_up_app(client, user)
    response = client.post("/accounts/2fa/recovery-codes/generate/")
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="account.recovery_codes_regenerated").exists()


@AUDITED
def test_removing_the_app_is_audited(client):
    user = UserFactory()
    set_up_app(client, user)
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=user, type="totp").exists()
    removed = AuditEntry.objects.filter(action="account.second_factor_removed")
    assert {"kind": "totp"} in [entry.data for entry in removed]
