"""The e-mails of the year's expectations: the first one, queued by `expectations_send_year`
and sent by `manage.py send_expectations`; the reminders, by `manage.py
send_expectation_reminders`.

Both claim before they send, as the invitations do (dyad/programs/invitations.py): a
conditional UPDATE, committed before the e-mail goes out, so that two runs at once, or a
rerun after a crash, never send the same e-mail twice. A send the mail server refuses is
released (queued again, or the reminder uncounted) and stops the run. The e-mails carry a
link and the program's name, never the content of anyone's pairing.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from dyad.expectations import selectors
from dyad.expectations.models import (
    ExpectationsDocument,
    ExpectationsRequest,
    MailState,
)
from dyad.lib import expectations as lib

MAX_ATTEMPTS = 3


class SendStopped(Exception):
    """The mail server refused an e-mail; the run stopped and it is tried again later."""


def _message(request: ExpectationsRequest, *, reminder: bool, connection=None) -> EmailMessage:
    program = request.program
    url = reverse(
        "expectations:document",
        kwargs={"slug": program.slug, "year": request.year, "audience": request.audience},
    )
    context = {
        "person": request.person,
        "program": program,
        "year_label": f"{request.year}–{str(request.year + 1)[-2:]}",
        "url": settings.SITE_URL.rstrip("/") + url,
        "reminder": reminder,
    }
    subject = f"{program.name}: the program's expectations for {context['year_label']}"
    return EmailMessage(
        subject=("Reminder — " if reminder else "") + subject,
        body=render_to_string("expectations/email/request.txt", context),
        to=[request.person.email],
        connection=connection,
    )


# --- the first e-mail ----------------------------------------------------------------------


def request_claim() -> ExpectationsRequest | None:
    """Move the oldest queued request to *sending* and commit; None when none is left."""
    while True:
        with transaction.atomic():
            pick = (
                ExpectationsRequest.objects.select_for_update(skip_locked=True)
                .filter(mail_state=MailState.QUEUED)
                .order_by("queued_at", "pk")
                .values_list("pk", flat=True)
                .first()
            )
            if pick is None:
                return None
            won = ExpectationsRequest.objects.filter(pk=pick, mail_state=MailState.QUEUED).update(
                mail_state=MailState.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
            )
        if won:
            return ExpectationsRequest.objects.select_related("person", "program").get(pk=pick)


def _release(request: ExpectationsRequest, error: Exception) -> None:
    failed = request.attempts >= MAX_ATTEMPTS
    ExpectationsRequest.objects.filter(pk=request.pk, mail_state=MailState.SENDING).update(
        mail_state=MailState.FAILED if failed else MailState.QUEUED,
        claimed_at=None,
        last_error=str(error)[:500],
    )


def requests_send(*, limit: int | None = None) -> int:
    """Send the queued e-mails, oldest first; returns how many were sent."""
    sent = 0
    with get_connection() as connection:
        while limit is None or sent < limit:
            request = request_claim()
            if request is None:
                break
            try:
                _message(request, reminder=False, connection=connection).send()
            except Exception as error:
                _release(request, error)
                raise SendStopped(f"{request.person.email}: {error}") from error
            ExpectationsRequest.objects.filter(pk=request.pk, mail_state=MailState.SENDING).update(
                mail_state=MailState.SENT, sent_at=timezone.now()
            )
            sent += 1
    return sent


# --- reminders -----------------------------------------------------------------------------


def reminders_due(now: datetime) -> list[ExpectationsRequest]:
    """Requests of the current academic year whose person has not acknowledged the latest
    version and is due a reminder (see dyad.lib.expectations.reminder_due)."""
    candidates = list(
        ExpectationsRequest.objects.filter(
            mail_state=MailState.SENT, reminders_sent__lt=lib.MAX_REMINDERS
        ).select_related("person", "program")
    )
    latest: dict[tuple[int, int, str], int] = {}
    for program_id, year, audience, version in ExpectationsDocument.objects.filter(
        program__in={r.program_id for r in candidates}
    ).values_list("program_id", "year", "audience", "version"):
        key = (program_id, year, audience)
        latest[key] = max(latest.get(key, 0), version)
    due = []
    for r in candidates:
        if r.year != selectors.current_year(r.program, timezone.localdate(now)):
            continue
        version = latest.get((r.program_id, r.year, r.audience))
        acknowledged = r.acknowledged_version is not None and r.acknowledged_version == version
        if lib.reminder_due(
            sent_at=r.sent_at,
            reminders_sent=r.reminders_sent,
            last_reminded_at=r.last_reminded_at,
            now=now,
            acknowledged=acknowledged,
        ):
            due.append(r)
    return due


def reminder_claim(request: ExpectationsRequest, now: datetime) -> bool:
    """Count the reminder before it is sent, committed; False if another run did."""
    with transaction.atomic():
        return bool(
            ExpectationsRequest.objects.filter(
                pk=request.pk, reminders_sent=request.reminders_sent
            ).update(reminders_sent=F("reminders_sent") + 1, last_reminded_at=now)
        )


def reminders_send(*, now: datetime | None = None) -> int:
    """Remind everyone due; returns how many reminders were sent."""
    now = now or timezone.now()
    sent = 0
    with get_connection() as connection:
        for request in reminders_due(now):
            if not reminder_claim(request, now):
                continue
            try:
                _message(request, reminder=True, connection=connection).send()
            except Exception as error:
                # The e-mail did not leave: uncount it, so the next run tries again.
                ExpectationsRequest.objects.filter(
                    pk=request.pk, reminders_sent=request.reminders_sent + 1
                ).update(
                    reminders_sent=request.reminders_sent,
                    last_reminded_at=request.last_reminded_at,
                )
                raise SendStopped(f"{request.person.email}: {error}") from error
            sent += 1
    return sent


def programs_to_top_up(year_of) -> list:
    """Programs whose current year's expectations were sent: newcomers on their roster get
    theirs on the next run."""
    from dyad.programs.models import Program

    programs = []
    for program in Program.objects.filter(expectations_documents__sent_at__isnull=False).distinct():
        if ExpectationsDocument.objects.filter(
            program=program, year=year_of(program), sent_at__isnull=False
        ).exists():
            programs.append(program)
    return programs
