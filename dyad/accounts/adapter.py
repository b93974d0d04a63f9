"""How allauth behaves in Dyad: accounts come from rosters and invitations, never from a
public sign-up form; links in its e-mails start with DYAD_SITE_URL like every other link
Dyad sends; the authenticator app shows Dyad's name."""

from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return settings.SITE_URL + path.replace("UID-KEY", quote(key))

    def send_password_reset_mail(self, user, email, context) -> None:
        context = {**context, "reset_minutes": settings.DYAD_PASSWORD_RESET_SECONDS // 60}
        super().send_password_reset_mail(user, email, context)


class MFAAdapter(DefaultMFAAdapter):
    def get_totp_issuer(self) -> str:
        return settings.MFA_TOTP_ISSUER
