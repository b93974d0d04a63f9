"""Sending reminders, at most once each; and each user's choice of them.

Idempotence
-----------
Every reminder occurrence has a unique key (selectors.py). Before its e-mail is sent, a
`ReminderLog` row with that key is inserted and committed in its own transaction: the
claim. An IntegrityError means another run claimed it first (or already sent it), and the
reminder is skipped. The e-mail then goes out synchronously, and the row gets `sent_at`.

So a rerun sends nothing twice, and neither do two runs that overlap: with PostgreSQL the
second INSERT of a key waits for the first transaction and then fails.

The trade-off is *at most once*: a run that dies between a claim and its send (a crash,
a mail server that fails mid-run) loses that one reminder, which is never retried. The log
shows it as claimed but not sent, and the command reports such rows. There is deliberately
no option to resend them: a row without `sent_at` may also be one whose e-mail did leave
just before the process died, and the only way to be sure never to send twice is not to
guess. Losing an occasional reminder is harmless: the next occurrence (tomorrow's meeting,
the next due date, the escalation) comes anyway.

A send that fails stops the run instead of carrying on: were the mail server down, every
following claim would be lost too. The connection is opened before the first claim, so a
server that is down from the start costs nothing.

The claims must commit one by one: call `reminders_send` outside any transaction (the
command does).
"""

from collections import Counter

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from dyad import policy
from dyad.programs.models import Program
from dyad.reminders.models import Kind, ReminderLog, ReminderPreference
from dyad.reminders.selectors import Reminder, reminders_due


def reminder_render(reminder: Reminder) -> str:
    return render_to_string(
        reminder.template,
        {
            **reminder.context,
            "recipient": reminder.recipient,
            "program": reminder.program,
            "site_url": settings.SITE_URL,
            "essential": Kind(reminder.kind).is_essential,
            "preferences_url": reverse("reminders:preferences"),
        },
    )


def reminder_claim(reminder: Reminder) -> ReminderLog | None:
    """Insert and commit the reminder's log row; None if its key was claimed before."""
    try:
        with transaction.atomic():
            return ReminderLog.objects.create(
                key=reminder.key,
                kind=reminder.kind,
                program=reminder.program,
                recipient=reminder.recipient,
            )
    except IntegrityError:
        return None


def reminder_deliver(reminder: Reminder, *, connection) -> bool:
    """Claim, send, mark sent. False when it was claimed before."""
    # Rendered first: a template error must not cost a claim.
    body = reminder_render(reminder)
    log = reminder_claim(reminder)
    if log is None:
        return False
    EmailMessage(
        reminder.subject, body, None, [reminder.recipient.email], connection=connection
    ).send()
    ReminderLog.objects.filter(pk=log.pk).update(sent_at=timezone.now())
    return True


def reminders_send(*, now, dry_run: bool = False, report=None) -> Counter:
    """Send every reminder due at `now` in every program; returns how many per kind.
    With `dry_run`, claim and send nothing and only count (and `report`) what is due."""
    sent: Counter = Counter()
    programs = Program.objects.order_by("pk")
    if dry_run:
        for program in programs:
            for reminder in reminders_due(program, now=now):
                sent[reminder.kind] += 1
                if report:
                    report(reminder)
        return sent
    with get_connection() as connection:
        for program in programs:
            for reminder in reminders_due(program, now=now):
                if reminder_deliver(reminder, connection=connection):
                    sent[reminder.kind] += 1
                    if report:
                        report(reminder)
    return sent


@transaction.atomic
def reminder_preferences_update(*, user, enabled, acting_user) -> None:
    """Turn each optional reminder on or off for `user`; essential ones stay on."""
    if not policy.can_choose_reminders(acting_user, user):
        raise PermissionDenied("Everyone chooses their own reminders.")
    enabled = set(enabled)
    for kind in Kind.optional():
        ReminderPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"enabled": kind in enabled}
        )
