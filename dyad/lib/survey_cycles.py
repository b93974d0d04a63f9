"""The semi-annual survey a program is proposed next: mid-year, then end of year.

No Django here. With an academic year starting in July, the mid-year survey opens in
December and the end-of-year survey in May; each stays open three weeks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

DAYS_OPEN = 21
MID_YEAR_OFFSET = 5  # months after the academic year starts: December for July
END_OF_YEAR_OFFSET = 10  # May for July


@dataclass(frozen=True)
class Proposal:
    name: str
    opens_on: date
    closes_on: date


def _month(year: int, start_month: int, offset: int) -> date:
    index = start_month - 1 + offset
    return date(year + index // 12, index % 12 + 1, 1)


def year_label(year: int) -> str:
    """2026 → "2026–27"."""
    return f"{year}–{(year + 1) % 100:02d}"


def next_proposal(today: date, start_month: int = 7) -> Proposal:
    """The survey to schedule next: the first of this academic year's mid-year and
    end-of-year surveys whose month has not passed (opening today if it is that month),
    else next year's mid-year survey."""
    year = today.year if today.month >= start_month else today.year - 1
    for y in (year, year + 1):
        for offset, label in ((MID_YEAR_OFFSET, "Mid-year"), (END_OF_YEAR_OFFSET, "End of year")):
            first = _month(y, start_month, offset)
            following = _month(y, start_month, offset + 1)
            if today < following:
                opens = max(first, today)
                return Proposal(f"{label} {year_label(y)}", opens, opens + timedelta(DAYS_OPEN))
    raise AssertionError("unreachable")  # pragma: no cover
