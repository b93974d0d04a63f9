"""E-mail notices. Every notice is neutral: it says that something happened and links to
Dyad; it never carries confidential text (reasons, notes, summaries, concerns)."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string


def send_notice(*, to, subject: str, template: str, context: dict | None = None) -> None:
    """Send one e-mail per recipient once the current transaction commits."""
    recipients = [user for user in to if user.is_active and user.email]
    context = {"site_url": settings.SITE_URL, **(context or {})}

    def send():
        for user in recipients:
            body = render_to_string(template, {**context, "recipient": user})
            send_mail(subject, body, None, [user.email])

    transaction.on_commit(send)
