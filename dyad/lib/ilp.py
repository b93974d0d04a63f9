"""The Individualized Learning Plan's rules that need no database (SPEC M7).

An ILP runs for one academic year, named by the calendar year it starts in (2026 for
2026–27). Its states, in the order a resident lives them: draft, shared for review,
reviewed (at each semi-annual review), completed for the year. Each review keeps a
snapshot of the plan; `snapshot_changes` says what moved between two of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

DRAFT, SHARED, REVIEWED, COMPLETED = "draft", "shared", "reviewed", "completed"

# Where each state may go next. A plan is reviewed again at each review date, so a
# reviewed plan may be reviewed once more; a completed plan is closed for the year.
TRANSITIONS: dict[str, frozenset[str]] = {
    DRAFT: frozenset({SHARED}),
    SHARED: frozenset({REVIEWED}),
    REVIEWED: frozenset({REVIEWED, COMPLETED}),
    COMPLETED: frozenset(),
}

DEFAULT_REVIEWS_PER_YEAR = 2
MAX_REVIEW_DATES = 4


def can_move(state: str, to: str) -> bool:
    return to in TRANSITIONS.get(state, frozenset())


def can_reopen(state: str, year: int, today: date, start_month: int = 7) -> bool:
    """A plan completed too soon (a goal still open, a review the program asks for) may be
    reopened while its academic year runs; it goes back to reviewed. After the year it
    stays closed: the next year has a plan of its own."""
    return state == COMPLETED and in_year(today, year, start_month)


def year_label(year: int) -> str:
    """2026 → "2026–27"."""
    return f"{year}–{(year + 1) % 100:02d}"


def _month(year: int, start_month: int, offset: int) -> tuple[int, int]:
    months = start_month - 1 + offset
    return year + months // 12, months % 12 + 1


def default_review_dates(
    year: int, start_month: int = 7, count: int = DEFAULT_REVIEWS_PER_YEAR
) -> list[date]:
    """`count` review dates spread over the academic year, each on the 15th of a month and
    the last one a month and a half before the year ends (time to act on it). Two per year
    in July-start programs: December 15 and May 15."""
    if count < 1:
        return []
    last = 10  # the eleventh month of the year: May for a July start
    offsets = [last - round((count - 1 - i) * last / count) for i in range(count)]
    return [date(*_month(year, start_month, offset), 15) for offset in offsets]


def in_year(day: date, year: int, start_month: int = 7) -> bool:
    """Whether `day` falls in the academic year `year`."""
    first = date(year, start_month, 1)
    after = date(*_month(year, start_month, 12), 1)
    return first <= day < after


def next_review(review_dates: Sequence[date], today: date) -> date | None:
    """The first review date from today on, if any."""
    upcoming = sorted(d for d in review_dates if d >= today)
    return upcoming[0] if upcoming else None


def snapshot_changes(
    before: Mapping[str, Any] | None, after: Mapping[str, Any], labels: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The sections (keys of `labels`, in that order) whose content differs between two
    snapshots, each with its label and both values. Against no earlier snapshot, every
    section that has content counts as changed."""
    changes = []
    for key, label in labels.items():
        old = (before or {}).get(key)
        new = after.get(key)
        if _empty(old) and _empty(new):
            continue
        if old != new:
            changes.append({"key": key, "label": label, "before": old, "after": new})
    return changes


def _empty(value: Any) -> bool:
    return value in (None, "", [], {})
