"""Benchmark the program evaluation figures (dyad/insight) at institution scale.

Times one academic year of figures for every program of the institution at once (the GME
office page) and for the largest program alone (a program's insight page), and prints the
number of SQL queries and the time of each, best of a few runs. Run it against a database
built by `seed_demo --size large` (PostgreSQL), never the development SQLite file:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dyad_large_copy \\
        .venv/bin/python bench/metrics.py [--year 2025] [--runs 3]

Not a test: nothing is asserted, figures go to bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dyad.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from dyad.insight import sections, selectors  # noqa: E402
from dyad.meetings.models import Meeting  # noqa: E402
from dyad.programs.models import Membership, Program  # noqa: E402
from dyad.relationships.models import Relationship  # noqa: E402


def timed(fn, runs: int):
    best, queries, result = None, 0, None
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            result = fn()
            elapsed = time.perf_counter() - start
        queries = len(ctx.captured_queries)
        best = elapsed if best is None else min(best, elapsed)
    return best, queries, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=None, help="academic year (start year)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    institution = (
        Program.objects.values("institution")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("institution", flat=True)
        .first()
    )
    programs = selectors.institution_programs([institution])
    year = args.year or max(selectors.current_year(p) for p in programs)
    learners = Membership.objects.active().filter(program__in=programs).learners().count()
    relationships = Relationship.objects.filter(program__in=programs).count()
    meetings = Meeting.objects.filter(relationship__program__in=programs).count()
    largest = (
        Program.objects.filter(pk__in=[p.pk for p in programs])
        .annotate(n=Count("relationships"))
        .order_by("-n")
        .first()
    )
    print(f"python {platform.python_version()} on {platform.machine()}, {connection.vendor}")
    print(
        f"institution {institution!r}: {len(programs)} programs, {learners:,} learners, "
        f"{relationships:,} relationships, {meetings:,} meetings; year {year}"
    )

    def institution_page():
        figures = selectors.program_figures(programs, year)
        return selectors.totals(list(figures.values()))

    def program_page():
        figures = selectors.program_figures([largest], year)[largest.pk]
        return sections.sections(figures)

    def report_trend():
        return [selectors.program_figures([largest], y) for y in range(year - 2, year + 1)]

    for label, fn in (
        ("GME office, every program", institution_page),
        (f"one program ({largest.name})", program_page),
        ("one program, 3 years (PDF trend)", report_trend),
    ):
        seconds, queries, _ = timed(fn, args.runs)
        print(f"  {label:<45} {seconds * 1000:8.0f} ms  {queries:3d} queries")


if __name__ == "__main__":
    main()
