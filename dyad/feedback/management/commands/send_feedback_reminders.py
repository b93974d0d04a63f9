"""Open the 360° cycles whose date has come, remind raters who have not answered, and
close cycles whose date has passed.

Run it from a timer, e.g. once an hour:

    0 * * * * cd /srv/dyad && .venv/bin/python manage.py send_feedback_reminders

Safe to rerun, to run after a crash, and to run twice at once: each rater's reminder is
claimed in the database before it is sent, so none goes out twice.
"""

from django.core.management.base import BaseCommand

from dyad.feedback.services import cycles_close_due, cycles_open_due, reminders_send


class Command(BaseCommand):
    help = "Open 360° cycles on their date; remind raters; close cycles past their date."

    def handle(self, *args, **options):
        opened = cycles_open_due()
        closed = cycles_close_due()
        sent = reminders_send()
        self.stdout.write(
            f"{opened} cycle{'s' if opened != 1 else ''} opened, "
            f"{sent} reminder{'s' if sent != 1 else ''} sent, "
            f"{closed} cycle{'s' if closed != 1 else ''} closed"
        )
