"""A faculty member's mentoring portfolio in figures (SPEC M9), from plain values.

Years are academic years, each named by the calendar year it starts in (2025 for
2025–26), as dyad.lib.cadence counts them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from dyad.lib.cadence import academic_year_start
from dyad.lib.ilp import year_label

__all__ = ["YearRow", "academic_years", "duration_years", "meetings_by_year", "year_label"]


def academic_years(start: date, end: date | None, today: date, start_month: int = 7) -> list[int]:
    """The academic years a relationship spans, from its start to its end (or today, while
    it goes on). A relationship that starts after `today` or ends before it starts spans
    its start year only."""
    last = end or today
    if last < start:
        last = start
    first_year = academic_year_start(start, start_month).year
    last_year = academic_year_start(last, start_month).year
    return list(range(first_year, last_year + 1))


def duration_years(start: date, end: date | None, today: date) -> float:
    """How long the relationship has lasted, in years to one decimal place (never less
    than zero)."""
    days = ((end or today) - start).days
    return round(max(days, 0) / 365.25, 1)


@dataclass(frozen=True)
class YearRow:
    year: int
    counts: tuple[int, ...]  # one per kind, in the order asked for

    @property
    def label(self) -> str:
        return year_label(self.year)

    @property
    def total(self) -> int:
        return sum(self.counts)


def meetings_by_year(held: Iterable[tuple[int, str]], kinds: Sequence[str]) -> list[YearRow]:
    """Meetings held, counted per academic year (newest first) and kind. `held` gives one
    (year, kind) per meeting; a kind not in `kinds` is not counted."""
    counts = Counter((year, kind) for year, kind in held if kind in kinds)
    years = sorted({year for year, _ in counts}, reverse=True)
    return [YearRow(year, tuple(counts[(year, kind)] for kind in kinds)) for year in years]
