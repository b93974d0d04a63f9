from django.core.management.base import BaseCommand

from dyad.relationships import services


class Command(BaseCommand):
    help = (
        "Mark requests for a guide that were not answered in time as expired, and tell the "
        "learners. Safe to run again: a request expires, and its learner is told, once."
    )

    def handle(self, *args, **options):
        expired = services.guide_requests_expire()
        self.stdout.write(f"{expired} request{'s' if expired != 1 else ''} expired.")
