"""Remind the parties of a pairing whose check-in has waited more than a week.

Run it from a timer, e.g. once a day:

    0 8 * * * cd /srv/dyad && .venv/bin/python manage.py send_checkin_reminders

Safe to rerun, to run after a crash, and to run twice at once: each party's reminder for a
period is claimed in the database before it is sent, so none goes out twice.
"""

from django.core.management.base import BaseCommand

from dyad.checkins.services import reminders_send


class Command(BaseCommand):
    help = "Remind parties whose pairing-fit check-in has been due for more than a week."

    def handle(self, *args, **options):
        sent = reminders_send()
        self.stdout.write(f"{sent} check-in reminder{'s' if sent != 1 else ''} sent")
