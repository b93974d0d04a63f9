from allauth.account.forms import EmailAwarePasswordResetTokenGenerator
from django.conf import settings
from django.utils.http import base36_to_int


class PasswordResetTokenGenerator(EmailAwarePasswordResetTokenGenerator):
    """The token of a password-reset link. Like an invitation's, it dies once used (it is
    derived from the password hash and the last login), but it lives only
    DYAD_PASSWORD_RESET_SECONDS, and its own salt keeps the two kinds of link apart."""

    key_salt = "dyad.accounts.tokens.PasswordResetTokenGenerator"

    def check_token(self, user, token) -> bool:
        if not super().check_token(user, token):
            return False
        try:
            issued = base36_to_int(token.split("-", 1)[0])
        except ValueError:
            return False
        return self._num_seconds(self._now()) - issued <= settings.DYAD_PASSWORD_RESET_SECONDS
