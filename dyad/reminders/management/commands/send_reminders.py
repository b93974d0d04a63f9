"""Send the reminder e-mails that are due, in every program (SPEC M5).

Run it from a timer on one machine, e.g. every 15 minutes:

    */15 * * * * cd /srv/dyad && .venv/bin/python manage.py send_reminders

Safe to rerun, and to run again after a crash: each reminder is claimed in the database
before it is sent, so none goes out twice (see dyad/reminders/services.py for the
trade-off: a crash between a claim and its send loses that one reminder).
"""

from datetime import datetime, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dyad.reminders.models import Kind, ReminderLog
from dyad.reminders.services import reminders_send

# A claim older than this without `sent_at` is not a run in progress but a lost reminder.
STALE_CLAIM = timedelta(minutes=15)
# Reported for a day, not for ever: the timer's mail should not repeat it every run.
LOST_REPORTED_FOR = timedelta(days=1)


def parse_now(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as e:
        raise CommandError(f"--now: not an ISO date and time: {value!r}") from e
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = (
        "Send the reminders that are due: meetings tomorrow, preparation, meetings due "
        "soon or overdue, escalations to coordinators, and meetings to log. Safe to rerun."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", help="Act as if it were this moment (ISO 8601; local time if naive)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List what is due; claim and send nothing."
        )

    def handle(self, *args, now=None, dry_run=False, verbosity=1, **options):
        moment = parse_now(now) if now else timezone.now()

        def report(reminder):
            if dry_run or verbosity > 1:
                verb = "would send" if dry_run else "sent"
                self.stdout.write(
                    f"{verb} {reminder.kind} to {reminder.recipient.email}: {reminder.subject}"
                )

        counts = reminders_send(now=moment, dry_run=dry_run, report=report)
        total = sum(counts.values())
        detail = ", ".join(f"{kind.value}: {counts[kind]}" for kind in Kind if counts[kind])
        verb = "due" if dry_run else "sent"
        self.stdout.write(
            f"{total} reminder{'s' if total != 1 else ''} {verb}"
            + (f" ({detail})" if detail else "")
        )
        recent = ReminderLog.objects.filter(claimed_at__gte=timezone.now() - LOST_REPORTED_FOR)
        lost = recent.unsent(older_than=STALE_CLAIM, now=timezone.now()).count()
        if lost:
            self.stderr.write(
                f"{lost} reminder{'s were' if lost != 1 else ' was'} claimed in the last day but "
                "never marked sent (a run stopped); they are not resent, see the reminder log."
            )
