"""The program evaluation figures (SPEC M8), from plain values: counts in, counts out.

No Django import: the insight selectors read the rows and hand them here as tuples and
numbers. Nothing here sees what a pair talked about, only that things exist and when.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

# Days from the start of a pairing to its first meeting, grouped for the distribution.
FIRST_MEETING_BUCKETS = ((0, 14, "0–14 days"), (15, 30, "15–30 days"), (31, 60, "31–60 days"))
LATE_LABEL = "Over 60 days"


def percent(part: float, whole: float) -> int | None:
    """Whole percent, rounded half up; None when there is nothing to divide."""
    if not whole:
        return None
    return int(100 * part / whole + 0.5)


@dataclass(frozen=True, slots=True)
class KindShare:
    kind: str
    with_guide: int
    learners: int

    @property
    def percent(self) -> int | None:
        return percent(self.with_guide, self.learners)


def guide_share(
    learners: Iterable[int], pairs: Iterable[tuple[int, str]], kinds: Sequence[str]
) -> list[KindShare]:
    """Per kind: how many of `learners` have at least one pairing of that kind among
    `pairs` (learner id, kind). Pairs of people not among the learners do not count."""
    people = set(learners)
    having: dict[str, set[int]] = {kind: set() for kind in kinds}
    for learner, kind in pairs:
        if learner in people and kind in having:
            having[kind].add(learner)
    return [KindShare(kind, len(having[kind]), len(people)) for kind in kinds]


@dataclass(frozen=True, slots=True)
class FirstMeeting:
    median: float | None
    met: int
    waiting: int
    buckets: tuple[tuple[str, int], ...]


def time_to_first_meeting(pairs: Iterable[tuple[date, date | None]]) -> FirstMeeting:
    """From (start of a pairing, its first held meeting or None): the median days and
    their distribution over the pairings that met, and how many have not met yet."""
    days, waiting = [], 0
    for start, first in pairs:
        if first is None:
            waiting += 1
        else:
            days.append(max(0, (first - start).days))
    counts: Counter[str] = Counter()
    for d in days:
        label = next((lbl for low, high, lbl in FIRST_MEETING_BUCKETS if low <= d <= high), None)
        counts[label or LATE_LABEL] += 1
    labels = [lbl for _, _, lbl in FIRST_MEETING_BUCKETS] + [LATE_LABEL]
    return FirstMeeting(
        median=statistics.median(days) if days else None,
        met=len(days),
        waiting=waiting,
        buckets=tuple((lbl, counts[lbl]) for lbl in labels),
    )


@dataclass(frozen=True, slots=True)
class Meetings:
    held: int
    in_person: int
    pairs: int

    @property
    def in_person_percent(self) -> int | None:
        return percent(self.in_person, self.held)

    @property
    def per_pair(self) -> float | None:
        return round(self.held / self.pairs, 1) if self.pairs else None


def meetings_held(modes: Iterable[bool], pairs: int) -> Meetings:
    """From one in-person flag per held meeting, and the number of pairs that could meet."""
    flags = list(modes)
    return Meetings(held=len(flags), in_person=sum(flags), pairs=pairs)


@dataclass(frozen=True, slots=True)
class Rematch:
    relationships: int
    rematch_ends: int

    @property
    def percent(self) -> int | None:
        return percent(self.rematch_ends, self.relationships)


def rematch_rate(end_reasons: Iterable[str], rematch: str = "rematch") -> Rematch:
    """Of the relationships of the year (one end reason each, "" while open), how many
    ended as a no-fault rematch."""
    reasons = list(end_reasons)
    return Rematch(len(reasons), sum(r == rematch for r in reasons))


@dataclass(frozen=True, slots=True)
class Goals:
    set: int
    achieved: int
    dropped: int
    learners: int

    @property
    def achieved_percent(self) -> int | None:
        return percent(self.achieved, self.set)


def goals_summary(goals: Iterable[tuple[int, str]]) -> Goals:
    """From (learner id, status) of the goals set in the year."""
    rows = list(goals)
    statuses = Counter(status for _, status in rows)
    return Goals(
        set=len(rows),
        achieved=statuses["achieved"],
        dropped=statuses["dropped"],
        learners=len({learner for learner, _ in rows}),
    )


@dataclass(frozen=True, slots=True)
class IlpCompletion:
    learners: int
    started: int
    completed: int

    @property
    def percent(self) -> int | None:
        return percent(self.completed, self.learners)


def ilp_completion(learners: Iterable[int], plans: Iterable[tuple[int, bool]]) -> IlpCompletion:
    """From the year's learners and their plans (learner id, completed): plans of people
    who are no longer learners of the program are left out."""
    people = set(learners)
    mine = [(who, done) for who, done in plans if who in people]
    return IlpCompletion(
        learners=len(people),
        started=len({who for who, _ in mine}),
        completed=len({who for who, done in mine if done}),
    )


@dataclass(frozen=True, slots=True)
class Load:
    guides: int
    capacity: int
    taken: int
    over_capacity: int
    full: int
    fte_total: float
    fte_known: int
    fte_taken: int  # places taken by the guides who report their effort

    @property
    def percent(self) -> int | None:
        return percent(self.taken, self.capacity)

    @property
    def learners_per_fte(self) -> float | None:
        """Places taken per full-time equivalent given to guiding (100 % FTE = 1)."""
        if not self.fte_total:
            return None
        return round(self.fte_taken / (self.fte_total / 100), 1)


def faculty_load(guides: Iterable[tuple[int, int, float | None]]) -> Load:
    """From (capacity, places taken, FTE effort in percent or None) of each guide, summed
    over the kinds they offer: places offered and taken, who is full or over, and the
    effort the program's guides report. Learners per FTE counts only guides who report."""
    rows = list(guides)
    reported = [(taken, fte) for _, taken, fte in rows if fte]
    return Load(
        guides=len(rows),
        capacity=sum(c for c, _, _ in rows),
        taken=sum(t for _, t, _ in rows),
        over_capacity=sum(t > c for c, t, _ in rows),
        full=sum(t == c for c, t, _ in rows if c),
        fte_total=float(sum(fte for _, fte in reported)),
        fte_known=len(reported),
        fte_taken=sum(taken for taken, _ in reported),
    )


def compliance_months(by_month: Iterable[tuple[date, int, int]], start: date) -> list[tuple]:
    """The months of the home page's compliance series (month end, pairs, on track) that
    fall in the year starting `start`, with their percent."""
    return [(day, n, good, percent(good, n)) for day, n, good in by_month if day >= start]
