"""System checks of the site's own settings, run by `manage.py check` and at start."""

from django.conf import settings
from django.core.checks import Error


def check_site_url(app_configs, **kwargs) -> list[Error]:
    """Links in e-mails and the calendar address are built from SITE_URL: in production a
    guessed default would send people to a machine that is not the site."""
    if settings.SITE_URL or settings.DEBUG:
        return []
    return [
        Error(
            "DYAD_SITE_URL is not set. Set it to the address people use to reach Dyad, such "
            "as DYAD_SITE_URL=https://dyad.example.org: links in e-mails, invitations and "
            "the calendar subscription address are built from it.",
            id="dyad.E001",
        )
    ]
