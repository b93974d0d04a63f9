"""The cadence engine: is a relationship meeting as often as its program expects?

Pure functions over plain values (dates, ints, booleans) and no Django, so that the
compliance dashboard, the reminder command and the benchmark share one definition of
"on track" (SPEC §0 and M5). Every number lives in a `CadencePolicy`, one per program and
relationship kind.

The rules
---------
Dates are whole days; a deadline is the last day on which a meeting still counts, so a
requirement is missed from the day after its deadline. Only *held* meetings dated between
the relationship's start and the evaluation day count ("counted meetings").

The academic year starts on the 1st of ``year_start_month``; "month k" is the k-th calendar
month of the academic year. For the academic year containing the evaluation day, the
relationship's part of it starts on E = max(year start, relationship start).

1. First meeting of the year. If the relationship already existed on the first day of the
   year it is due by the last day of month 1; a relationship starting later ("mid-year")
   has until max(last day of month 1, start + ``first_meeting_days_midyear``). Expectations
   are reset every year (SPEC §0), so a continuing relationship needs a first meeting in
   every academic year. With ``first_meeting_in_person`` at least one in-person meeting must
   be held by that same deadline (an earlier remote meeting is allowed; the in-person one
   may come later than it).
2. Monthly, then a maximum gap. After a meeting held on day L in month k: if
   k < ``monthly_months`` the next is due by the last day of month k + 1, and in any case
   within ``max_gap_days`` of L (whichever is sooner). The default 92 days is the longest
   run of three calendar months (e.g. July to September), so "at least once every three
   months" never fails on month lengths. The gap rule runs across the year boundary: a year
   change does not forgive a lapse. No meeting is ever due before the first-meeting
   deadline of L's year (rule 1 is a grace period; without it an early first meeting could
   bring the next deadline forward).
3. In person. ``min_in_person_per_year`` is scaled to the part of the year the relationship
   is active (E to the year's end, or to its end date) and rounded to the nearest whole
   meeting, halves up: T. The i-th in-person meeting is due by E + ceil(i * length / T) - 1,
   the end of each third of the year with the defaults (30 October, 1 March or 29 February
   in a leap year, and 30 June). With ``first_meeting_in_person`` the first is due by the
   rule 1 deadline when that is sooner, and one is needed even when T is 0. There is an
   IN_PERSON_SHORTFALL when fewer in-person meetings were held this year than deadlines
   have passed: a pro-rated rule that can be caught up, rather than "the minimum can no
   longer be reached", which is never true until the last days of the year.
4. Looking ahead. ``next_due`` is the earliest deadline for a meeting of any mode (rule 1
   while no meeting has been held this year, rule 2 otherwise, and the first meeting of the
   next academic year, which caps the gap in June); ``in_person_due`` is that of the next
   in-person meeting. Deadlines after the relationship's end date are dropped. DUE_SOON
   when either falls within ``due_soon_days`` of the evaluation day.

5. The agreement. A pair may agree to meet more often than the program asks, never less:
   `with_agreement` narrows the program's policy to the agreed frequency (weekly and every
   two weeks: at most 7 or 14 days between meetings; monthly: a meeting in every calendar
   month of the year; every two months: at most 61 days; every three months: at most 92)
   wherever that is stricter. The agreed modes are the ones expected: a pair that agreed
   to meet only remotely has no in-person requirement, and the "next meeting" sentence
   names the agreed modes.

6. The plan. How often a pair meets may change over the relationship's life: "monthly for
   the first three months, then every three months", or a later version of the agreement.
   A `CadencePlan` is a list of phases, each a first day and the policy in force from it
   (each one the program's policy narrowed by `with_agreement`, so the program stays the
   floor). The deadline after a meeting (rule 2) is that of the phase in force on the day
   of the meeting; the rest (rules 1, 3 and 4: first meeting, in person, due soon and the
   modes named) follow the phase in force on the evaluation day (or the end, or the start
   of a relationship not started yet). `plan_phases` builds the phases from the versions
   of the agreement: the first acknowledged version holds from the relationship's start,
   each later one from the day both acknowledged it, without changing what came before
   (one acknowledged on the same day as the one before takes that one's place).
   A plan of a single phase gives exactly the result of its policy alone.

Statuses, most severe first; a relationship has the first that applies:

    FIRST_MEETING_MISSING  no meeting since the relationship started, or none yet this
                           academic year, and its rule 1 deadline (of the year it
                           started, or of this year) has passed
    OVERDUE                the deadline of rule 2 after the last meeting has passed
    IN_PERSON_SHORTFALL    rule 3
    DUE_SOON               rule 4
    ON_TRACK               none of the above

A status only ever reflects what is outstanding now: a late meeting clears what it was due
for. Adding a held meeting today never makes the status more severe and never brings
`next_due` or `in_person_due` forward (the property tests check this).

Ended relationships are judged as they stood at the end of their last day: deadlines up to
and including the end date count, later ones are dropped, and there is no next due date.
A relationship that has not started yet is ON_TRACK (DUE_SOON close to the deadline) with
its first meeting ahead.

A meeting not held, or dated after the evaluation day (or the end), is never counted; the
earliest of them on or after today within the relationship is reported as `next_planned`
and does not change the status.

Meetings may come in any order: one pass, no sorting, O(meetings) per relationship.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Protocol

from dyad.lib.dates import format_day
from dyad.lib.expiry import add_months

__all__ = [
    "AGREED_FREQUENCY",
    "CadencePlan",
    "CadencePolicy",
    "CadenceResult",
    "Meeting",
    "Status",
    "academic_year_start",
    "evaluate",
    "evaluate_many",
    "plan_phases",
    "with_agreement",
]


class Status(enum.StrEnum):
    """Values are stable: the dashboard filters on them and styles badges after them."""

    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    IN_PERSON_SHORTFALL = "in_person_shortfall"
    OVERDUE = "overdue"
    FIRST_MEETING_MISSING = "first_meeting_missing"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def severity(self) -> int:
        """0 for on track up to 4 for first meeting missing; the precedence order."""
        return _SEVERITY[self]


_LABELS = {
    Status.ON_TRACK: "On track",
    Status.DUE_SOON: "Due soon",
    Status.IN_PERSON_SHORTFALL: "In-person shortfall",
    Status.OVERDUE: "Overdue",
    Status.FIRST_MEETING_MISSING: "First meeting missing",
}
_SEVERITY = {status: rank for rank, status in enumerate(Status)}


@dataclass(frozen=True, slots=True)
class CadencePolicy:
    """A program's meeting rules for one relationship kind; defaults from SPEC §0."""

    year_start_month: int = 7
    first_meeting_in_person: bool = True
    first_meeting_days_midyear: int = 30
    monthly_months: int = 3
    max_gap_days: int = 92
    min_in_person_per_year: int = 3
    due_soon_days: int = 14
    # The modes the pair agreed on, in the order they are named; empty: any mode.
    agreed_modes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = set(self.agreed_modes) - set(_MODE_WORDS)
        if unknown:
            raise ValueError(f"unknown meeting modes: {sorted(unknown)}")
        if not 1 <= self.year_start_month <= 12:
            raise ValueError("year_start_month must be between 1 and 12")
        if not 0 <= self.monthly_months <= 12:
            raise ValueError("monthly_months must be between 0 and 12")
        if not 1 <= self.max_gap_days <= 3660:
            raise ValueError("max_gap_days must be between 1 and 3660")
        if not 0 <= self.first_meeting_days_midyear <= 3660:
            raise ValueError("first_meeting_days_midyear must be between 0 and 3660")
        if not 0 <= self.min_in_person_per_year <= 366:
            raise ValueError("min_in_person_per_year must be between 0 and 366")
        if not 0 <= self.due_soon_days <= 3660:
            raise ValueError("due_soon_days must be between 0 and 3660")


# How the "next meeting" sentence names each mode.
_MODE_WORDS = {"in_person": "in person", "video": "by video", "phone": "by phone"}

# Agreed frequency: (a meeting in every calendar month?, longest gap in days or None).
AGREED_FREQUENCY: dict[str, tuple[bool, int | None]] = {
    "weekly": (True, 7),
    "biweekly": (True, 14),
    "monthly": (True, None),
    "bimonthly": (False, 61),
    "quarterly": (False, 92),
}


@lru_cache(maxsize=512)
def with_agreement(
    policy: CadencePolicy, frequency: str | None, modes: tuple[str, ...] = ()
) -> CadencePolicy:
    """The policy a relationship follows: the program's, made stricter by the agreed
    frequency where that asks for more, with the agreed modes (rule 5). Cached: a program
    has few kinds and few distinct agreements, so the dashboard builds each once."""
    changes: dict = {}
    if frequency:
        if frequency not in AGREED_FREQUENCY:
            raise ValueError(f"unknown meeting frequency: {frequency!r}")
        every_month, gap = AGREED_FREQUENCY[frequency]
        if every_month and policy.monthly_months < 12:
            changes["monthly_months"] = 12
        if gap is not None and gap < policy.max_gap_days:
            changes["max_gap_days"] = gap
            # Otherwise a weekly pair would always be "due soon".
            changes["due_soon_days"] = min(policy.due_soon_days, gap // 2)
    if modes:
        changes["agreed_modes"] = tuple(modes)
        if "in_person" not in modes:
            changes["first_meeting_in_person"] = False
            changes["min_in_person_per_year"] = 0
    return replace(policy, **changes) if changes else policy


@dataclass(frozen=True, slots=True)
class CadencePlan:
    """Phases (first day, policy) in order of their first day (rule 6). The first phase is
    in force before its first day too; all share the program's academic year."""

    phases: tuple[tuple[date, CadencePolicy], ...]

    def __post_init__(self) -> None:
        if not self.phases:
            raise ValueError("a cadence plan needs at least one phase")
        days = [day for day, _ in self.phases]
        if days != sorted(days) or len(set(days)) != len(days):
            raise ValueError("phases must start on distinct days, in order")
        if len({policy.year_start_month for _, policy in self.phases}) != 1:
            raise ValueError("all phases must share the academic year")

    @classmethod
    def single(cls, policy: CadencePolicy, start: date) -> CadencePlan:
        return cls(((start, policy),))

    def at(self, day: date) -> CadencePolicy:
        """The policy in force on `day`."""
        found = self.phases[0][1]
        for first, policy in self.phases[1:]:
            if first > day:
                break
            found = policy
        return found


def plan_phases(
    start: date, versions: Iterable[tuple[date, str | None, int | None, str | None]]
) -> tuple[tuple[date, str | None], ...]:
    """(first day, frequency) of each phase of a relationship that started on `start`, from
    its acknowledged agreement versions in version order: (acknowledged on, frequency,
    after months, later frequency). The first version holds from `start`; a later one from
    the day it was acknowledged (never before an earlier one, never before `start`), and
    replaces only what was planned from that day on; a version acknowledged on the same
    day as the one before is a correction and takes its place wholly. "After N months"
    counts from the relationship's start, so a version that repeats the plan changes
    nothing. Consecutive phases with the same frequency are one phase."""
    phases: list[tuple[date, str | None]] = []
    since = start
    previous = None
    for acknowledged, frequency, after_months, later in versions:
        if previous is not None and acknowledged != previous and acknowledged > since:
            since = acknowledged
        previous = acknowledged
        phases = [phase for phase in phases if phase[0] < since]
        planned = [(since, frequency)]
        if after_months and later:
            switch = add_months(start, after_months)
            if switch <= since:
                planned = [(since, later)]
            else:
                planned.append((switch, later))
        for phase in planned:
            if not phases or phases[-1][1] != phase[1]:
                phases.append(phase)
    return tuple(phases)


def _mode_words(policy: CadencePolicy, in_person: bool) -> str:
    """', in person', ', by video or by phone', or nothing when any mode will do."""
    if in_person:
        return ", in person"
    if policy.agreed_modes:
        return ", " + " or ".join(_MODE_WORDS[mode] for mode in policy.agreed_modes)
    return ""


class MeetingLike(Protocol):
    @property
    def date(self) -> date: ...
    @property
    def in_person(self) -> bool: ...
    @property
    def held(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class Meeting:
    """A meeting as the engine sees it. Only held meetings count; a meeting not held yet
    (or dated after the evaluation day) can only be reported as planned."""

    date: date
    in_person: bool = False
    held: bool = True


@dataclass(frozen=True, slots=True)
class CadenceResult:
    status: Status
    # Last day for the next meeting of any mode; in the past when overdue or missing.
    # None once the relationship has ended or when nothing falls due before its end.
    next_due: date | None
    last_meeting: date | None
    in_person_this_year: int
    # Short sentences for the dashboard: the reason for the status first.
    reasons: tuple[str, ...]
    meetings_this_year: int = 0
    # In-person meetings expected over the relationship's part of this academic year.
    in_person_target: int = 0
    # Last day for the next in-person meeting; in the past when there is a shortfall.
    in_person_due: date | None = None
    # The first meeting not held yet on or after the evaluation day, if any.
    next_planned: date | None = None
    academic_year_start: date | None = None
    ended: bool = False


def academic_year_start(day: date, start_month: int = 7) -> date:
    year = day.year if day.month >= start_month else day.year - 1
    return date(year, start_month, 1)


@lru_cache(maxsize=1024)
def _month_ends(start_month: int, year: int) -> tuple[date, ...]:
    """Index 0: the eve of the academic year starting on 1 start_month/year; index k: the
    last day of its month k (k = 1..12)."""
    ends = []
    for k in range(13):
        months = start_month - 1 + k
        ends.append(date(year + months // 12, months % 12 + 1, 1) - _ONE_DAY)
    return tuple(ends)


@lru_cache(maxsize=64)
def _days(n: int) -> timedelta:
    return timedelta(days=n)


_ONE_DAY = timedelta(days=1)


def _first_due(policy: CadencePolicy, ends: tuple[date, ...], start: date) -> date:
    """Rule 1 for the academic year whose month ends are `ends`."""
    if start <= ends[0]:
        return ends[1]
    return max(ends[1], start + _days(policy.first_meeting_days_midyear))


def _gap_due(policy: CadencePolicy, start: date, last: date) -> date:
    """Rule 2: the deadline for the meeting after one held on `last`."""
    month = policy.year_start_month
    year = last.year if last.month >= month else last.year - 1
    ends = _month_ends(month, year)
    due = last + _days(policy.max_gap_days)
    k = (last.year - year) * 12 + last.month - month + 1
    if k < policy.monthly_months and ends[k + 1] < due:
        due = ends[k + 1]
    grace = _first_due(policy, ends, start)
    return grace if grace > due else due


def _in_person_deadline(
    i: int, part_start: date, length: int, target: int, first_due: date | None
) -> date:
    """Rule 3: the last day for the i-th in-person meeting of the year. `first_due` is the
    rule 1 deadline when the first meeting must be in person."""
    if not target:
        assert first_due is not None, "no in-person meeting is needed"
        return first_due
    due = part_start + _days(-(-i * length // target) - 1)
    if i == 1 and first_due is not None and first_due < due:
        return first_due
    return due


def evaluate(
    policy: CadencePolicy | CadencePlan,
    relationship_start: date,
    meetings: Iterable[MeetingLike],
    today: date,
    relationship_end: date | None = None,
) -> CadenceResult:
    """The cadence status of one relationship on `today`; see the module docstring.

    `meetings` may be in any order and may include meetings not held, before the start,
    after the end or after today: those are ignored for compliance. `policy` may be a
    `CadencePlan` whose phases change over the relationship's life (rule 6).
    """
    start = relationship_start
    end = relationship_end
    if end is not None and end < start:
        raise ValueError("relationship_end is before relationship_start")
    ended = end is not None and end < today
    as_of = end if end is not None and ended else today
    # A deadline before `cutoff` is missed. An ended relationship is judged after its last
    # day; a current one on the day itself, which still leaves today to meet.
    cutoff = as_of + _ONE_DAY if ended else as_of
    plan = None
    if isinstance(policy, CadencePlan):
        plan = policy
        policy = plan.at(start if today < start else as_of)

    month = policy.year_start_month
    year = as_of.year if as_of.month >= month else as_of.year - 1
    ends = _month_ends(month, year)
    year_start = ends[0] + _ONE_DAY
    year_end = ends[12]
    part_start = start if start > year_start else year_start

    last = planned = None
    held_this_year = in_person = 0
    for meeting in meetings:
        day = meeting.date
        if day > as_of or not meeting.held:
            if (
                not ended
                and day >= today
                and day >= start
                and (end is None or day <= end)
                and (planned is None or day < planned)
            ):
                planned = day
            continue
        if day < start:
            continue
        if last is None or day > last:
            last = day
        if day >= year_start:
            held_this_year += 1
            if meeting.in_person:
                in_person += 1

    if today < start:
        return _not_started(policy, start, end, today, planned)

    first_due = _first_due(policy, ends, start)
    start_due = None
    if last is None:
        start_ends = _month_ends(month, start.year if start.month >= month else start.year - 1)
        start_due = _first_due(policy, start_ends, start)
    gap_due = None
    if last is not None:
        gap_due = _gap_due(policy if plan is None else plan.at(last), start, last)

    # Rule 3: T in-person meetings over the relationship's part of the year.
    span_end = end if end is not None and end < year_end else year_end
    length = (span_end - part_start).days + 1
    year_length = (year_end - year_start).days + 1
    minimum = policy.min_in_person_per_year
    target = min(length, (2 * minimum * length + year_length) // (2 * year_length))
    first_in_person = policy.first_meeting_in_person
    needed = 1 if first_in_person and target == 0 else target
    required = target * (cutoff - part_start).days // length if target else 0
    if required > target:
        required = target
    if first_in_person and required == 0 and first_due < cutoff:
        required = 1
    spread = (part_start, length, target, first_due if first_in_person else None)
    in_person_due = _in_person_deadline(in_person + 1, *spread) if in_person < needed else None

    # Rule 4.
    next_year_due = None
    if not ended:
        next_ends = _month_ends(month, year + 1)
        next_year_due = next_ends[1]
        if first_in_person and (in_person_due is None or next_year_due < in_person_due):
            in_person_due = next_year_due
    next_due = gap_due
    if held_this_year == 0 and (next_due is None or first_due < next_due):
        next_due = first_due
    if start_due is not None and (next_due is None or start_due < next_due):
        next_due = start_due
    if next_year_due is not None and (next_due is None or next_year_due < next_due):
        next_due = next_year_due
    if end is not None:
        if next_due is not None and next_due > end:
            next_due = None
        if in_person_due is not None and in_person_due > end:
            in_person_due = None

    never_met = start_due is not None and start_due < cutoff
    first_missing = never_met or (held_this_year == 0 and first_due < cutoff)
    overdue = gap_due is not None and gap_due < cutoff
    shortfall = in_person < required
    soon = today + _days(policy.due_soon_days)
    due_soon = not ended and (
        (next_due is not None and next_due <= soon)
        or (in_person_due is not None and in_person_due <= soon)
    )
    if first_missing:
        status = Status.FIRST_MEETING_MISSING
    elif overdue:
        status = Status.OVERDUE
    elif shortfall:
        status = Status.IN_PERSON_SHORTFALL
    elif due_soon:
        status = Status.DUE_SOON
    else:
        status = Status.ON_TRACK

    reasons = []
    if end is not None and ended:
        reasons.append(f"Ended on {format_day(end)}.")
    if first_missing:
        if start_due is not None and never_met:
            reasons.append(
                f"No meeting since the relationship started on {format_day(start)}; "
                f"the first was due by {format_day(start_due)}."
            )
        else:
            reasons.append(
                f"No meeting yet this academic year; the first was due by {format_day(first_due)}."
            )
    if overdue and last is not None and gap_due is not None:
        reasons.append(
            f"No meeting since {format_day(last)}; one was due by {format_day(gap_due)}."
        )
    if shortfall:
        was_due = format_day(_in_person_deadline(required, *spread))
        count = "the first was" if required == 1 else f"{required} were"
        reasons.append(
            f"{in_person} of {needed} in-person meetings held this academic year; "
            f"{count} due by {was_due}."
        )
    if not ended:
        if next_due is not None and next_due >= as_of:
            how = _mode_words(policy, next_due == in_person_due)
            reasons.append(f"Next meeting due by {format_day(next_due)}{how}.")
        if (
            in_person_due is not None
            and in_person_due >= as_of
            and (next_due is None or in_person_due < next_due)
        ):
            reasons.append(f"Next in-person meeting due by {format_day(in_person_due)}.")
        if next_due is None and end is not None and not (first_missing or overdue):
            reasons.append(f"No further meeting is due before it ends on {format_day(end)}.")
        if planned is not None:
            reasons.append(f"Next meeting planned for {format_day(planned)}.")

    return CadenceResult(
        status=status,
        next_due=None if ended else next_due,
        last_meeting=last,
        in_person_this_year=in_person,
        reasons=tuple(reasons),
        meetings_this_year=held_this_year,
        in_person_target=needed,
        in_person_due=None if ended else in_person_due,
        next_planned=planned,
        academic_year_start=year_start,
        ended=ended,
    )


def _not_started(
    policy: CadencePolicy, start: date, end: date | None, today: date, planned: date | None
) -> CadenceResult:
    month = policy.year_start_month
    ends = _month_ends(month, start.year if start.month >= month else start.year - 1)
    due: date | None = _first_due(policy, ends, start)
    if end is not None and due is not None and due > end:
        due = None
    in_person_due = due if policy.first_meeting_in_person else None
    soon = today + _days(policy.due_soon_days)
    reasons = [f"Starts on {format_day(start)}."]
    if due is not None:
        how = _mode_words(policy, in_person_due is not None)
        reasons.append(f"First meeting due by {format_day(due)}{how}.")
    if planned is not None:
        reasons.append(f"Next meeting planned for {format_day(planned)}.")
    return CadenceResult(
        status=Status.DUE_SOON if due is not None and due <= soon else Status.ON_TRACK,
        next_due=due,
        last_meeting=None,
        in_person_this_year=0,
        reasons=tuple(reasons),
        in_person_due=in_person_due,
        next_planned=planned,
        academic_year_start=ends[0] + _ONE_DAY,
    )


def evaluate_many(
    policy_by_kind: Mapping[str, CadencePolicy],
    rows: Iterable[tuple[str, date, Iterable[MeetingLike], date | None]],
    today: date,
) -> list[CadenceResult]:
    """Evaluate (kind, relationship_start, meetings, relationship_end) rows, in order."""
    return [
        evaluate(policy_by_kind[kind], start, meetings, today, end)
        for kind, start, meetings, end in rows
    ]
