"""Delete private notes, meeting preparation (with its files) and goal check-ins of
relationships that ended more than DYAD_RETENTION_DAYS ago (SPEC M11).

Run it from the timer once a day; `--dry-run` shows what it would delete. Safe to rerun:
what is purged is gone, so a second run finds nothing; each relationship is purged in a
transaction of its own, so a crash leaves every relationship whole or purged.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dyad.retention.services import LABELS, PurgeReport, purge_ended, purge_preview


def parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as e:
        raise CommandError(f"--today: not a date (YYYY-MM-DD): {value!r}") from e


class Command(BaseCommand):
    help = (
        "Delete private notes, meeting preparation and goal check-ins of relationships that "
        "ended longer ago than the retention period. Safe to rerun."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be deleted; delete nothing."
        )
        parser.add_argument("--today", help="Act as if it were this day (YYYY-MM-DD).")

    def handle(self, *args, dry_run=False, today=None, **options):
        day = parse_day(today) if today else timezone.localdate()
        if dry_run:
            report = purge_preview(today=day)
            self.write(report, "Would delete")
        else:
            report = purge_ended(today=day)
            self.write(report, "Deleted")

    def write(self, report: PurgeReport, verb: str) -> None:
        ended = f"relationships that ended before {report.cutoff.isoformat()}"
        if not report.programs:
            self.stdout.write(f"Nothing to delete: {ended} hold no private content.")
            return
        self.stdout.write(f"{verb}, of {ended}:")
        for row in report.programs:
            self.stdout.write(f"  {row.program}: {row.relationships} relationships")
            for kind, n in sorted(row.counts.items()):
                self.stdout.write(f"    {n:>7,} {LABELS[kind]}")
        totals = ", ".join(f"{n:,} {LABELS[k]}" for k, n in sorted(report.totals.items()))
        self.stdout.write(f"In all: {report.relationships:,} relationships; {totals}.")
