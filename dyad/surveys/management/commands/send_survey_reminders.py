"""Open survey cycles whose date has come, remind those who have not answered, and close
cycles past their date.

Run it from a timer, e.g. once an hour:

    0 * * * * cd /srv/dyad && .venv/bin/python manage.py send_survey_reminders

Safe to rerun, to run after a crash, and to run twice at once: each reminder is claimed in
the database before it is sent, so none goes out twice, and nobody is reminded more often
than once in DYAD_SURVEY_REMIND_EVERY_DAYS days.
"""

from django.core.management.base import BaseCommand

from dyad.surveys.services import cycles_close_due, cycles_open_due, reminders_send


class Command(BaseCommand):
    help = "Open survey cycles that are due, remind who has not answered, close past ones."

    def handle(self, *args, **options):
        closed = cycles_close_due()
        opened = cycles_open_due()
        sent = reminders_send()
        self.stdout.write(
            f"{opened} survey{'s' if opened != 1 else ''} opened, "
            f"{sent} reminder{'s' if sent != 1 else ''} sent, "
            f"{closed} survey{'s' if closed != 1 else ''} closed"
        )
