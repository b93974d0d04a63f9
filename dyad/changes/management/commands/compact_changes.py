"""Shorten the change log that cached figures are keyed by (dyad.changes). Run it from
the timer once a day; safe to rerun, and at any time."""

from django.core.management.base import BaseCommand

from dyad.changes.selectors import compact


class Command(BaseCommand):
    help = "Shorten the change log that cached figures are keyed by. Safe to rerun."

    def handle(self, *args, **options):
        removed, written = compact()
        self.stdout.write(
            f"Compacted the change log: {removed} rows replaced by {written}, one for each "
            "program and kind of change."
        )
