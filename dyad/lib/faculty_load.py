"""Faculty load against capacity and FTE effort (SPEC M8, M9), from plain values.

One row per guide and kind of guidance: the kinds are kept apart, since a guide's
capacity is set per kind. FTE effort is the guide's, in percent of their time, shared by
all the kinds they give; "learners per 0.1 FTE" reads a row's learners against it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

__all__ = [
    "Flag",
    "LoadRow",
    "Totals",
    "by_department",
    "filter_rows",
    "flags_for",
    "per_tenth_fte",
    "sort_rows",
    "spreadsheet_safe",
    "totals",
]


class Flag(StrEnum):
    OVER = "over"  # more learners than places
    AT = "at"  # every place taken
    NO_CAPACITY = "no_capacity"  # learners in a kind with no places set
    NO_FTE = "no_fte"  # the guide has not said how much of their time this is

    @property
    def label(self) -> str:
        return {
            Flag.OVER: "Over capacity",
            Flag.AT: "At capacity",
            Flag.NO_CAPACITY: "No capacity set",
            Flag.NO_FTE: "FTE missing",
        }[self]


def flags_for(learners: int, capacity: int | None, fte: Decimal | None) -> tuple[Flag, ...]:
    """The flags of one row. A capacity of None or 0 is no capacity set: learners taken in
    a kind the guide offers no places in, or a guide who has set no places at all."""
    found: list[Flag] = []
    if not capacity:
        found.append(Flag.NO_CAPACITY)
    elif learners > capacity:
        found.append(Flag.OVER)
    elif learners == capacity:
        found.append(Flag.AT)
    if fte is None:
        found.append(Flag.NO_FTE)
    return tuple(found)


def per_tenth_fte(learners: int, fte: Decimal | None) -> Decimal | None:
    """Learners per 0.1 FTE (10 % of a full-time post), to one decimal place; None when
    the effort is unknown or zero (no ratio can be read from it)."""
    if fte is None or fte <= 0:
        return None
    return (Decimal(learners) / (Decimal(fte) / Decimal(10))).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class LoadRow:
    guide_id: int
    name: str
    sort_name: str
    department: str
    kind: str
    learners: int  # in every program: a guide's places are theirs, not one program's
    learners_here: int  # of those, in the program being looked at
    capacity: int | None
    fte: Decimal | None
    accepting: bool
    flags: tuple[Flag, ...] = field(default=())
    uuid: object = None  # the guide's, for a link to their portfolio

    def matches(self, text: str) -> bool:
        """Whether the guide's name holds `text`, ignoring case (an empty text matches)."""
        return text.casefold() in self.name.casefold()

    @classmethod
    def make(cls, **values) -> LoadRow:
        return cls(**values, flags=flags_for(values["learners"], values["capacity"], values["fte"]))

    @property
    def ratio(self) -> Decimal | None:
        return per_tenth_fte(self.learners, self.fte)

    @property
    def places_left(self) -> int | None:
        return None if not self.capacity else max(self.capacity - self.learners, 0)


SORTS = {
    "name": lambda r: (r.sort_name, r.kind),
    "department": lambda r: (r.department.lower() or "\uffff", r.sort_name, r.kind),
    "kind": lambda r: (r.kind, r.sort_name),
    "learners": lambda r: (r.learners, r.sort_name),
    "capacity": lambda r: (r.capacity or 0, r.sort_name),
    # Fullest first when descending; a row with no places set counts as fullest of all.
    "load": lambda r: (r.learners / r.capacity if r.capacity else float("inf"), r.sort_name),
    "fte": lambda r: (r.fte if r.fte is not None else Decimal(-1), r.sort_name),
    "ratio": lambda r: (r.ratio if r.ratio is not None else Decimal(-1), r.sort_name),
}


def sort_rows(rows: Iterable[LoadRow], key: str, *, descending: bool = False) -> list[LoadRow]:
    """Rows ordered by one of SORTS (an unknown key sorts by name)."""
    return sorted(rows, key=SORTS.get(key, SORTS["name"]), reverse=descending)


def filter_rows(
    rows: Iterable[LoadRow], *, kind: str = "", flag: str = "", text: str = ""
) -> list[LoadRow]:
    """Rows of one kind (or all), with one flag (or all), of guides whose name holds
    `text` (or all)."""
    return [
        r
        for r in rows
        if (not kind or r.kind == kind)
        and (not flag or flag in {f.value for f in r.flags})
        and r.matches(text)
    ]


@dataclass(frozen=True)
class Totals:
    guides: int
    learners: int
    learners_here: int
    capacity: int
    over: int

    @property
    def share_taken(self) -> int | None:
        """Per cent of the places that are taken; None with no places at all."""
        return round(100 * self.learners / self.capacity) if self.capacity else None


def totals(rows: Sequence[LoadRow]) -> Totals:
    return Totals(
        guides=len({r.guide_id for r in rows}),
        learners=sum(r.learners for r in rows),
        learners_here=sum(r.learners_here for r in rows),
        capacity=sum(r.capacity or 0 for r in rows),
        over=sum(1 for r in rows if Flag.OVER in r.flags),
    )


NO_DEPARTMENT = "No department given"


def by_department(rows: Iterable[LoadRow]) -> list[tuple[str, int, int]]:
    """(department, learners, places) per department, fullest first then by name."""
    sums: dict[str, list[int]] = {}
    for r in rows:
        entry = sums.setdefault(r.department.strip() or NO_DEPARTMENT, [0, 0])
        entry[0] += r.learners
        entry[1] += r.capacity or 0
    return sorted(
        ((name, learners, places) for name, (learners, places) in sums.items()),
        key=lambda item: (-item[1], item[0]),
    )


def spreadsheet_safe(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula: a leading = + - @ (or tab,
    carriage return) is kept as text by a leading apostrophe."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
