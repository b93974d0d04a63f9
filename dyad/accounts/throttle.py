"""Login throttling with django-axes, whose counts live in the database (every process of
the site shares them). Two limits: failures for one e-mail from one address
(AXES_FAILURE_LIMIT), and failures from one address whatever the e-mails
(DYAD_LOGIN_ADDRESS_FAILURE_LIMIT) — one password tried on many accounts."""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def username_of(request, credentials=None) -> str | None:
    """The e-mail that a login tried: allauth authenticates with `email`, its form posts
    `login`; the admin's form posts `username`."""
    # allauth's keys are members of a str enum: compared equal to, not hashed as, strings.
    given = {
        str(key.value if hasattr(key, "value") else key): v
        for key, v in (credentials or {}).items()
    }
    data = getattr(request, "POST", {}) if request is not None else {}
    value = given.get("email") or given.get("username") or data.get("login") or data.get("username")
    return value.strip().lower() if isinstance(value, str) else None


def address_failures(request) -> int:
    """Failed logins from the request's address within the cool-off window, any e-mail."""
    attempts = AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address,
        attempt_time__gte=get_cool_off_threshold(request),
    )
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def address_locked(request) -> bool:
    return address_failures(request) >= settings.DYAD_LOGIN_ADDRESS_FAILURE_LIMIT


class AxesHandler(AxesDatabaseHandler):
    """axes' database handler, with the limit per address added to its limit per e-mail
    and address: refused before the password is checked, and answered with the lockout
    page."""

    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or address_locked(request)

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and address_locked(request):
            request.axes_locked_out = True
            request.axes_credentials = credentials
