"""Send the year's expectations e-mails waiting in the queue (see dyad/expectations/mailing.py).

Run it from a timer, e.g. every fifteen minutes:

    */15 * * * * cd /srv/dyad && .venv/bin/python manage.py send_expectations

First, in every program whose expectations for the current academic year were sent, people
added to the roster since are asked too. Safe to rerun and to run twice at once: each
e-mail is claimed in the database before it is sent.
"""

from django.core.management.base import BaseCommand, CommandError

from dyad.expectations.mailing import SendStopped, programs_to_top_up, requests_send
from dyad.expectations.selectors import current_year
from dyad.expectations.services import expectations_send_year


class Command(BaseCommand):
    help = "Ask newcomers for this year's expectations and send the queued e-mails."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="Send at most this many.")

    def handle(self, *args, limit=None, **options):
        if limit is not None and limit < 1:
            raise CommandError("--limit must be 1 or more.")
        asked = 0
        for program in programs_to_top_up(current_year):
            asked += expectations_send_year(
                program=program, year=current_year(program), acting_user=None
            )
        try:
            sent = requests_send(limit=limit)
        except SendStopped as stop:
            raise CommandError(
                f"The mail server refused an e-mail, so the run stopped ({stop}). It stays "
                "queued and is tried again on the next run."
            ) from None
        self.stdout.write(f"{asked} newly asked, {sent} e-mail{'s' if sent != 1 else ''} sent")
