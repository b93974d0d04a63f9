"""Reads of pairing-fit check-ins. Who is due is computed, not stored: from the pairing's
first held meeting and the day the party last answered (dyad.lib.checkins)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from dyad import policy
from dyad.checkins.models import CheckIn
from dyad.lib import checkins as rules
from dyad.lib.cadence import academic_year_start
from dyad.lib.expiry import add_months
from dyad.meetings.models import Meeting
from dyad.programs.models import GuidanceKind
from dyad.relationships.models import Relationship, State


@dataclass(frozen=True)
class Due:
    relationship: Relationship
    due_on: date
    overdue: bool


def _day(moment: datetime | None) -> date | None:
    return None if moment is None else timezone.localdate(moment)


def _first_held(*, day: bool = False):
    """The pairing's first held meeting: its moment, or with `day` its local day."""
    held = Meeting.objects.held().filter(relationship=OuterRef("pk")).order_by("starts_at")
    if day:
        return Subquery(held.annotate(day=TruncDate("starts_at")).values("day")[:1])
    return Subquery(held.values("starts_at")[:1])


def _last_answer(rater, *, day: bool = False):
    """The rater's last check-in on the pairing: its moment, or with `day` its local day."""
    answers = CheckIn.objects.filter(relationship=OuterRef("pk"), rater=rater)
    answers = answers.order_by("-created_at")
    if day:
        return Subquery(answers.annotate(day=TruncDate("created_at")).values("day")[:1])
    return Subquery(answers.values("created_at")[:1])


def _due_day(relationship: Relationship, first_held, last_answer) -> date | None:
    return rules.due_on(
        first_meeting=_day(first_held),
        last_answered=_day(last_answer),
        interval_months=relationship.program.checkin_interval_months,
    )


def with_checkin_dates(relationships, user):
    """The relationships annotated with what due_among reads: their first held meeting
    and the user's last check-in on each (two subqueries, no query of their own)."""
    return relationships.annotate(first_held=_first_held(), last_answer=_last_answer(user))


def due_among(relationships, today: date) -> list[Due]:
    """Those of the user's relationships (read with_checkin_dates) that are active and
    have a check-in due, by start date."""
    due = []
    for r in sorted(relationships, key=lambda r: (r.start_date, r.pk)):
        if r.state != State.ACTIVE:
            continue
        day = _due_day(r, r.first_held, r.last_answer)
        if rules.is_due(day, today):
            due.append(Due(r, day, rules.is_overdue(day, today)))
    return due


def due_for(user, program, today: date) -> list[Due]:
    """The user's active pairings of the program with a check-in due, in one query."""
    rows = (
        Relationship.objects.for_program(program)
        .for_party(user)
        .filter(state=State.ACTIVE)
        .select_related("program", "learner", "guide")
    )
    return due_among(with_checkin_dates(rows, user), today)


def due_in(relationship: Relationship, user, today: date) -> date | None:
    """The day the user's next check-in on this pairing is due (None: not yet ever)."""
    row = (
        Relationship.objects.filter(pk=relationship.pk)
        .annotate(first_held=_first_held(), last_answer=_last_answer(user))
        .values("first_held", "last_answer")
        .get()
    )
    return _due_day(relationship, row["first_held"], row["last_answer"])


def _with_answers(relationships, *, day: bool = False):
    """The relationships with their first held meeting and each party's last check-in
    (`first_held`, `learner_last`, `guide_last`): moments, or with `day` local days."""
    return relationships.annotate(
        first_held=_first_held(day=day),
        learner_last=_last_answer(OuterRef("learner"), day=day),
        guide_last=_last_answer(OuterRef("guide"), day=day),
    )


def parties_due(today: date, programs=None):
    """Every (relationship, party, due day) of active pairings with a check-in due, in one
    query: for the reminders and the leaders' counts."""
    rows = Relationship.objects.filter(state=State.ACTIVE).select_related(
        "program", "learner", "guide"
    )
    if programs is not None:
        rows = rows.filter(program__in=programs)
    for r in _with_answers(rows):
        for party, last in ((r.learner, r.learner_last), (r.guide, r.guide_last)):
            day = _due_day(r, r.first_held, last)
            if rules.is_due(day, today):
                yield r, party, day


def due_counts(program, today: date) -> list[dict]:
    """Per kind: how many parties have a check-in due, and how many of those are overdue.
    Counts only: never who, nor what anyone answered. One query of plain values: the
    parties due of `parties_due`, without reading the pairings and people themselves."""
    counts = {
        k: {"kind": k, "label": label, "due": 0, "overdue": 0} for k, label in GuidanceKind.choices
    }
    rows = (
        _with_answers(Relationship.objects.filter(state=State.ACTIVE, program=program), day=True)
        .order_by()
        .values_list("kind", "first_held", "learner_last", "guide_last")
    )
    interval = program.checkin_interval_months
    for kind, first, *answers in rows:
        for last in answers:
            day = rules.due_on(first_meeting=first, last_answered=last, interval_months=interval)
            if rules.is_due(day, today):
                row = counts[kind]
                row["due"] += 1
                row["overdue"] += int(rules.is_overdue(day, today))
    return list(counts.values())


def alerts_for(viewer) -> dict[str, list[CheckIn]]:
    """The low ratings of the program the viewer may read (never those of a pairing they
    are a party to), open ones first."""
    rows = (
        CheckIn.objects.low()
        .filter(relationship__program=viewer.program)
        .exclude(relationship__learner=viewer.user)
        .exclude(relationship__guide=viewer.user)
        .select_related(
            "relationship__program",
            "relationship__learner",
            "relationship__guide",
            "rater",
            "followed_up_by",
        )
        .order_by("-created_at", "-pk")
    )
    rows = [c for c in rows if policy.can_view_checkin(viewer, c)]
    return {
        "open": [c for c in rows if c.followed_up_at is None],
        "followed_up": [c for c in rows if c.followed_up_at is not None],
    }


def year_window(program, year: int) -> tuple[date, date]:
    """The first day of the program's academic year `year`, and of the next one."""
    month = program.academic_year_start_month
    start = academic_year_start(date(year, month, 1), month)
    return start, add_months(start, 12)


def _summary(year: int, counts: dict[str, tuple[int, int]]) -> dict:
    kinds = []
    for kind, label in GuidanceKind.choices:
        count, low = counts.get(kind, (0, 0))
        kinds.append(
            {
                "kind": kind,
                "label": label,
                "count": count,
                "low": low,
                "share_low": rules.share(low, count),
            }
        )
    total = sum(k["count"] for k in kinds)
    low = sum(k["low"] for k in kinds)
    return {
        "year": year,
        "kinds": kinds,
        "count": total,
        "low": low,
        "share_low": rules.share(low, total),
    }


def _counts(programs, year: int) -> dict[int, dict[str, tuple[int, int]]]:
    """(answered, low) per program id and kind of relationship, in one query."""
    counts: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    if not programs:
        return counts
    window = Q()
    for program in programs:
        start, end = year_window(program, year)
        window |= Q(
            relationship__program=program,
            created_at__date__gte=start,
            created_at__date__lt=end,
        )
    rows = (
        CheckIn.objects.filter(window)
        .values("relationship__program_id", "relationship__kind")
        .annotate(count=Count("pk"), low=Count("pk", filter=Q(is_low=True)))
        .order_by()
    )
    for row in rows:
        program_id, kind = row["relationship__program_id"], row["relationship__kind"]
        counts[program_id][kind] = (row["count"], row["low"])
    return counts


def fit_summary(programs, year: int) -> dict:
    """Check-ins answered in academic year `year` (its start year) of the programs taken
    together, per kind of relationship: how many, how many low, and the share low. One
    query whatever the number of programs or check-ins."""
    together: dict[str, tuple[int, int]] = {}
    for by_kind in _counts(list(programs), year).values():
        for kind, (count, low) in by_kind.items():
            was = together.get(kind, (0, 0))
            together[kind] = (was[0] + count, was[1] + low)
    return _summary(year, together)


def fit_by_program(programs, year: int) -> dict[int, dict]:
    """`fit_summary` of each program (by id), in one query."""
    programs = list(programs)
    counts = _counts(programs, year)
    return {p.pk: _summary(year, counts.get(p.pk, {})) for p in programs}
