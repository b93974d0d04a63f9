"""Remind those who have not acknowledged the year's expectations: a week after the e-mail,
then weekly, at most three times. Run it daily from a timer:

    0 8 * * * cd /srv/dyad && .venv/bin/python manage.py send_expectation_reminders

Idempotent: each reminder is counted in the database before it is sent, so a rerun the
same day, or two runs at once, send nothing twice.
"""

from django.core.management.base import BaseCommand, CommandError

from dyad.expectations.mailing import SendStopped, reminders_send


class Command(BaseCommand):
    help = "Remind people who have not acknowledged this year's expectations. Safe to rerun."

    def handle(self, *args, **options):
        try:
            sent = reminders_send()
        except SendStopped as stop:
            raise CommandError(
                f"The mail server refused a reminder, so the run stopped ({stop}). It is tried "
                "again on the next run."
            ) from None
        self.stdout.write(f"{sent} reminder{'s' if sent != 1 else ''} sent")
