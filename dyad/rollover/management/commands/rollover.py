"""Roll programs into a new academic year (SPEC M10), or preview it with `--dry-run`.

    manage.py rollover --year 2026 --program peds-residency [--dry-run]
    manage.py rollover --year 2026 --institution "Riverside Children's" [--dry-run]
    manage.py rollover --year 2026 --all [--dry-run]

Each program rolls over in a transaction of its own, with its row locked: a crash leaves
every program either rolled over or untouched, and running the command again skips the
programs already in that year.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from dyad.lib.rollover import year_label
from dyad.programs.models import Program
from dyad.rollover.services import Outcome, RolloverError, program_rollover

TOTALS = [
    ("advanced", "advance a PGY level"),
    ("graduated", "graduate"),
    ("pairings_ended", "pairings close"),
    ("peer_pairs", "new peer pairs"),
    ("unpaired_interns", "interns cannot be paired"),
    ("agreements_to_reacknowledge", "agreements to re-acknowledge"),
]


class Command(BaseCommand):
    help = "Roll programs into a new academic year: PGY levels, graduates, peer mentors."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Start year, e.g. 2026.")
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--program", help="The program's slug.")
        which.add_argument("--institution", help="Every program of this institution.")
        which.add_argument("--all", action="store_true", help="Every program.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would change; change nothing."
        )

    def handle(self, *args, year, program=None, institution=None, dry_run=False, **options):
        programs = Program.objects.order_by("institution", "name")
        if program:
            programs = programs.filter(slug=program)
        elif institution:
            programs = programs.filter(institution=institution)
        programs = list(programs)
        if not programs:
            raise CommandError("No program matches.")
        started = time.monotonic()
        verb = "Would roll" if dry_run else "Rolling"
        self.stdout.write(f"{verb} {len(programs)} program(s) into {year_label(year)}.")
        totals = dict.fromkeys([key for key, _ in TOTALS], 0)
        refused = done = 0
        for each in programs:
            try:
                outcome = program_rollover(
                    program=each, year=year, acting_user=None, dry_run=dry_run
                )
            except RolloverError as error:
                refused += 1
                self.stdout.write(f"- {each.name}: not rolled over. {' '.join(error.messages)}")
                continue
            if outcome.done_before:
                done += 1
                self.stdout.write(f"- {each.name}: already in {outcome.label}; nothing changed.")
                continue
            self.write(outcome)
            for key, n in outcome.counts().items():
                if key in totals:
                    totals[key] += n
        self.stdout.write(
            "Totals: " + "; ".join(f"{totals[key]:,} {words}" for key, words in TOTALS) + "."
        )
        if done or refused:
            self.stdout.write(f"Already in {year_label(year)}: {done}; refused: {refused}.")
        self.stdout.write(f"Time: {time.monotonic() - started:.1f} s.")
        if refused and not dry_run:
            raise CommandError(f"{refused} program(s) were not rolled over.")

    def write(self, outcome: Outcome) -> None:
        counts = outcome.counts()
        levels = ", ".join(f"{level} {n}" for level, n in outcome.levels) or "none"
        self.stdout.write(
            f"- {outcome.program.name} ({outcome.seconds:.2f} s): "
            + "; ".join(f"{counts[key]} {words}" for key, words in TOTALS)
            + f". Levels: {levels}."
        )
        for item in outcome.unpaired[:5]:
            self.stdout.write(f"    unpaired: {item.intern}: {item.why}")
        if len(outcome.unpaired) > 5:
            self.stdout.write(f"    … and {len(outcome.unpaired) - 5} more unpaired.")
