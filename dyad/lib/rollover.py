"""The year rollover's rules for PGY levels (SPEC M10), on plain values.

On rolling a program into the academic year starting on `year_start`, each learner with a
PGY level either advances by one, graduates (at the program's highest level) or stays
where they are: an intern who joined for the new year (started on or after its first day)
is already at the level of that year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta


def year_label(year: int) -> str:
    """2026 → "2026–27"."""
    return f"{year}–{(year + 1) % 100:02d}"


def first_day(year: int, start_month: int) -> date:
    return date(year, start_month, 1)


def last_day_before(year: int, start_month: int) -> date:
    """The last day of the academic year that ends when `year` starts."""
    return first_day(year, start_month) - timedelta(days=1)


@dataclass(frozen=True)
class Learner:
    id: int
    pgy: int | None
    start: date | None = None


@dataclass
class LevelPlan:
    advances: list[tuple[int, int, int]] = field(default_factory=list)  # (id, from, to)
    graduates: list[int] = field(default_factory=list)
    staying: list[int] = field(default_factory=list)


def plan_levels(learners: list[Learner], *, max_pgy: int, year_start: date) -> LevelPlan:
    """Who advances from PGY-n to n+1, who graduates, who stays, in the order given."""
    plan = LevelPlan()
    for learner in learners:
        if learner.pgy is None or (learner.start is not None and learner.start >= year_start):
            plan.staying.append(learner.id)
        elif learner.pgy >= max_pgy:
            plan.graduates.append(learner.id)
        else:
            plan.advances.append((learner.id, learner.pgy, learner.pgy + 1))
    return plan
