"""Send the queued invitations of new people (see dyad/programs/invitations.py).

Run it from a timer on one machine, e.g. every five minutes:

    */5 * * * * cd /srv/dyad && .venv/bin/python manage.py send_invitations

Safe to rerun, to run after a crash, and to run twice at once: each invitation is claimed
in the database before it is sent, so none goes out twice.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dyad.programs.invitations import STALE_CLAIM, SendStopped, invitations_send
from dyad.programs.models import Invitation


class Command(BaseCommand):
    help = "Send the invitation e-mails waiting in the queue. Safe to rerun."

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=None, help="Send at most this many in this run."
        )

    def handle(self, *args, limit=None, verbosity=1, **options):
        if limit is not None and limit < 1:
            raise CommandError("--limit must be 1 or more.")

        def report(invitation):
            if verbosity > 1:
                self.stdout.write(f"sent to {invitation.user.email} ({invitation.program.slug})")

        try:
            sent = invitations_send(limit=limit, report=report)
        except SendStopped as stop:
            raise CommandError(
                f"The mail server refused an invitation, so the run stopped ({stop}). It stays "
                "queued and is tried again on the next run."
            ) from None
        self.stdout.write(f"{sent} invitation{'s' if sent != 1 else ''} sent")
        stale = Invitation.objects.stale(older_than=STALE_CLAIM, now=timezone.now()).count()
        if stale:
            self.stderr.write(
                f"{stale} invitation{'s were' if stale != 1 else ' was'} claimed by a run that "
                "stopped and never marked sent; they are not resent automatically (the e-mail "
                "may have left). Leaders can send them again from the roster page."
            )
