"""The figures of the program evaluation (SPEC M8) for one or many programs and one
academic year, read in a fixed number of queries whatever the number of programs, pairs
or meetings. Only counts and dates are read: nothing a pair wrote.

Each metric is computed by a pure function of dyad/lib/metrics.py; cadence compliance
month by month is the leaders' home page's own (dyad.home.selectors).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

from django.core.cache import cache
from django.db.models import CharField, Count, Max, QuerySet, Value
from django.db.models.functions import TruncDate
from django.utils import timezone

from dyad.changes import selectors as changes
from dyad.checkins import selectors as checkins
from dyad.goals.models import Goal, Ilp, IlpState
from dyad.home import selectors as home
from dyad.lib import cadence, metrics
from dyad.lib import ilp as ilp_rules
from dyad.meetings.models import CadencePolicy, Meeting, MeetingStatus
from dyad.meetings.selectors import CACHE_SECONDS, POLICY_FIELDS
from dyad.profiles.models import GuideOffer, MeetingMode
from dyad.programs.models import GuidanceKind, Membership, Program, Role
from dyad.relationships.models import SEAT_HOLDING_STATES, EndReason, Relationship, State
from dyad.surveys import selectors as surveys

KINDS = tuple(GuidanceKind.values)
KIND_LABELS = dict(GuidanceKind.choices)


class Pair(NamedTuple):
    """What the figures read of a relationship (the cadence engine reads pk, kind and the
    dates)."""

    pk: int
    program_id: int
    kind: str
    state: str
    start_date: date
    end_date: date | None
    end_reason: str
    learner_id: int


@dataclass
class Figures:
    """One program's figures for one academic year."""

    program: Program
    year: int
    start: date
    end: date
    cut: date  # the last day judged: the year's end, or today in the current year
    guide_share: list[metrics.KindShare]
    compliance: list[tuple]
    first_meeting: metrics.FirstMeeting
    meetings: metrics.Meetings
    rematch: metrics.Rematch
    goals: metrics.Goals
    ilp: metrics.IlpCompletion
    load: metrics.Load
    load_by_kind: list[dict] = field(default_factory=list)
    # Survey satisfaction of the year's closed cycles, per audience shown (five or more).
    satisfaction: list[dict] = field(default_factory=list)
    # Pairing-fit check-ins answered in the year, per kind (dyad.checkins.selectors).
    fit: dict = field(default_factory=dict)

    @property
    def year_label(self) -> str:
        return ilp_rules.year_label(self.year)

    @property
    def latest_satisfaction(self) -> list[dict]:
        """The satisfaction of the year's last closed survey, per audience shown."""
        if not self.satisfaction:
            return []
        last = self.satisfaction[-1]["cycle"]
        return [row for row in self.satisfaction if row["cycle"] == last]

    @property
    def compliance_now(self) -> int | None:
        """The share of pairs on track at the last month end judged."""
        return self.compliance[-1][3] if self.compliance else None


def current_year(program: Program, today: date | None = None) -> int:
    day = today or timezone.localdate()
    return cadence.academic_year_start(day, program.academic_year_start_month).year


def year_bounds(program: Program, year: int) -> tuple[date, date]:
    start = date(year, program.academic_year_start_month, 1)
    end = date(year + 1, program.academic_year_start_month, 1) - timedelta(days=1)
    return start, end


def _policies(programs) -> dict[int, dict[str, cadence.CadencePolicy]]:
    """Each program's cadence rules per kind (as meetings.selectors.policies_for), in one
    query for all of them."""
    stored = defaultdict(dict)
    for row in CadencePolicy.objects.filter(program__in=[p.pk for p in programs]):
        stored[row.program_id][row.kind] = row
    out = {}
    for program in programs:
        out[program.pk] = {
            kind: (
                cadence.CadencePolicy(**{f: getattr(row, f) for f in POLICY_FIELDS})
                if (row := stored[program.pk].get(kind)) is not None
                else cadence.CadencePolicy(year_start_month=program.academic_year_start_month)
            )
            for kind in KINDS
        }
    return out


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _held(program_ids, since: date, until: date):
    """(relationship id, local date, in person) of the held meetings of the programs from
    `since` to `until`, and each relationship's last held one before `since` (which the
    cadence engine reads): one query."""
    held = Meeting.objects.filter(
        relationship__program__in=program_ids, status=MeetingStatus.HELD
    ).order_by()
    recent = (
        held.filter(starts_at__gte=_aware(since), starts_at__lt=_aware(until + timedelta(days=1)))
        .annotate(day=TruncDate("starts_at"))
        .values_list("relationship_id", "day", "mode")
    )
    before = (
        held.filter(starts_at__lt=_aware(since))
        .values("relationship_id")
        .annotate(day=TruncDate(Max("starts_at")), no_mode=Value("", output_field=CharField()))
        .values_list("relationship_id", "day", "no_mode")
    )
    return recent.union(before, all=True)


def _pair_rows(ids, first: date, last: date) -> list[Pair]:
    return [
        Pair(*row)
        for row in Relationship.objects.filter(
            program__in=ids, state__in=[State.ACTIVE, State.ENDED], start_date__lte=last
        )
        .exclude(end_date__lt=first)
        .order_by("pk")
        .values_list(
            "pk",
            "program_id",
            "kind",
            "state",
            "start_date",
            "end_date",
            "end_reason",
            "learner_id",
        )
    ]


def data_version(ids) -> tuple:
    """What changes whenever something the figures of these programs read does, in one
    small query (dyad.changes.selectors): for the programs, their meetings, agreements,
    memberships, goals, ILPs, check-ins, survey cycles and responses; and, since the
    faculty load counts places of any program, every guide's offers, FTE and pairings.
    The pairs themselves are read whole by the caller."""
    return changes.shared_version(ids)


def cached_program_figures(programs, year: int, today: date | None = None) -> dict[int, Figures]:
    """program_figures, computed once per programs, year, day, cadence rules, pairs and
    data version (see data_version), then read from Django's cache until any of them
    changes: three queries when cached, whatever the number of programs."""
    programs = list(programs)
    if not programs:
        return {}
    today = today or timezone.localdate()
    ids = sorted(p.pk for p in programs)
    bounds = [year_bounds(p, year) for p in programs]
    first = min(start for start, _ in bounds)
    last = max(end for _, end in bounds)
    policies = _policies(programs)
    pairs = _pair_rows(ids, first, last)
    start_months = sorted((p.pk, p.academic_year_start_month) for p in programs)
    digest = hashlib.sha256(
        repr(
            (
                start_months,
                sorted((pk, sorted(rules.items())) for pk, rules in policies.items()),
                pairs,
                data_version(ids),
            )
        ).encode()
    ).hexdigest()
    key = f"insight:figures:{year}:{today.isoformat()}:{digest}"
    figures = cache.get(key)
    if figures is None:
        figures = program_figures(programs, year, today, policies=policies, pairs=pairs)
        cache.set(key, figures, CACHE_SECONDS)
    # The programs as read now (their names), not as they were when cached.
    return {p.pk: replace(figures[p.pk], program=p) for p in programs}


def program_figures(
    programs, year: int, today: date | None = None, *, policies=None, pairs=None
) -> dict[int, Figures]:
    """Figures of each program (by pk) for the academic year starting in `year`: twelve
    queries, whatever the number of programs (ten when given the rules and the pairs, as
    _policies and _pair_rows read them)."""
    programs = list(programs)
    if not programs:
        return {}
    today = today or timezone.localdate()
    ids = [p.pk for p in programs]
    bounds = {p.pk: year_bounds(p, year) for p in programs}
    first = min(start for start, _ in bounds.values())
    last = max(end for _, end in bounds.values())
    # A pairing started late in the year may first meet in the next one.
    until = min(today, last + timedelta(days=365))
    policies = policies if policies is not None else _policies(programs)

    pairs = pairs if pairs is not None else _pair_rows(ids, first, last)
    held = defaultdict(list)
    for rel_id, day, mode in _held(ids, first, until) if pairs else []:
        held[rel_id].append(cadence.Meeting(date=day, in_person=mode == MeetingMode.IN_PERSON))
    # The last meeting before the window comes without its mode: the cadence engine reads
    # its date only, and the year's counts start after it.
    for meetings in held.values():
        meetings.sort(key=lambda m: m.date)

    people = defaultdict(lambda: defaultdict(set))
    for program_id, user_id, role in (
        Membership.objects.active()
        .filter(program__in=ids)
        .values_list("program_id", "user_id", "role")
    ):
        kind = "learner" if role in Role.learners() else "guide" if role in Role.guides() else ""
        if kind:
            people[program_id][kind].add(user_id)

    goals = defaultdict(list)
    for program_id, learner_id, status, created in Goal.objects.filter(
        program__in=ids, created_at__gte=_aware(first), created_at__lt=_aware(last + timedelta(1))
    ).values_list("program_id", "learner_id", "status", "created_at"):
        goals[program_id].append((learner_id, status, timezone.localdate(created)))

    plans = defaultdict(list)
    for program_id, learner_id, state in Ilp.objects.filter(program__in=ids, year=year).values_list(
        "program_id", "learner_id", "state"
    ):
        plans[program_id].append((learner_id, state == IlpState.COMPLETED))

    load = _load(people)
    satisfaction = surveys.satisfaction_trend(programs, year)
    fit = checkins.fit_by_program(programs, year)

    out = {}
    by_program = defaultdict(list)
    for pair in pairs:
        by_program[pair.program_id].append(pair)
    for program in programs:
        start, end = bounds[program.pk]
        cut = min(end, today)
        mine = by_program[program.pk]
        in_year = [
            p for p in mine if p.start_date <= cut and (p.end_date is None or p.end_date >= start)
        ]
        active_at_cut = [
            (p.learner_id, p.kind) for p in in_year if p.end_date is None or p.end_date >= cut
        ]
        learners = people[program.pk]["learner"]
        by_month = (
            # Only this program's meetings: the engine indexes all the meetings it is given.
            home.compliance_by_month(
                in_year, {p.pk: held[p.pk] for p in in_year}, policies[program.pk], cut
            )
            if cut >= start
            else []
        )
        started = [p for p in in_year if p.start_date >= start]
        firsts = []
        for p in started:
            dates = [m.date for m in held[p.pk] if m.date >= p.start_date]
            if dates:
                firsts.append((p.start_date, min(dates)))
            elif p.state == State.ACTIVE:
                firsts.append((p.start_date, None))
        modes = [m.in_person for p in in_year for m in held[p.pk] if start <= m.date <= cut]
        program_load, by_kind = load.get(program.pk, (metrics.faculty_load([]), []))
        out[program.pk] = Figures(
            program=program,
            year=year,
            start=start,
            end=end,
            cut=cut,
            guide_share=metrics.guide_share(learners, active_at_cut, KINDS),
            compliance=metrics.compliance_months(by_month, start),
            first_meeting=metrics.time_to_first_meeting(firsts),
            meetings=metrics.meetings_held(modes, len(in_year)),
            rematch=metrics.rematch_rate(
                (p.end_reason if p.end_date and p.end_date <= cut else "" for p in in_year),
                rematch=EndReason.REMATCH,
            ),
            goals=metrics.goals_summary(
                (who, status) for who, status, day in goals[program.pk] if start <= day <= end
            ),
            ilp=metrics.ilp_completion(learners, plans[program.pk]),
            load=program_load,
            load_by_kind=by_kind,
            satisfaction=satisfaction.get(program.pk, []),
            fit=fit[program.pk],
        )
    return out


def _load(people) -> dict[int, tuple[metrics.Load, list[dict]]]:
    """Each program's guides' places offered and taken today (proposed or active pairings
    of any program, as the guide's own page counts them), and their FTE effort: two
    queries for all programs."""
    guides = {user for groups in people.values() for user in groups["guide"]}
    if not guides:
        return {}
    offers = defaultdict(list)
    for user_id, kind, capacity, fte in GuideOffer.objects.filter(
        profile__user__in=guides, capacity__gt=0
    ).values_list("profile__user_id", "kind", "capacity", "profile__fte_effort"):
        offers[user_id].append((kind, capacity, fte))
    taken = {
        (row["guide_id"], row["kind"]): row["n"]
        for row in Relationship.objects.filter(guide__in=guides, state__in=SEAT_HOLDING_STATES)
        .values("guide_id", "kind")
        .annotate(n=Count("id"))
        .order_by()
    }
    out = {}
    for program_id, groups in people.items():
        rows, kinds = [], defaultdict(lambda: [0, 0, 0])
        for user in groups["guide"]:
            if user not in offers:
                continue
            capacity = sum(c for _, c, _ in offers[user])
            used = sum(taken.get((user, kind), 0) for kind, _, _ in offers[user])
            fte = offers[user][0][2]
            rows.append((capacity, used, float(fte) if fte is not None else None))
            for kind, c, _ in offers[user]:
                kinds[kind][0] += 1
                kinds[kind][1] += c
                kinds[kind][2] += taken.get((user, kind), 0)
        out[program_id] = (
            metrics.faculty_load(rows),
            [
                {"label": KIND_LABELS[k], "guides": g, "capacity": c, "taken": t}
                for k in KINDS
                if (row := kinds.get(k)) is not None
                for g, c, t in [row]
            ],
        )
    return out


def institution_program_ids(user) -> QuerySet:
    """The ids of the programs of the institutions whose GME office the user is part of,
    as a query (read as a subquery by the kept GME page, before anything it shows)."""
    from dyad.programs.models import InstitutionAdmin

    institutions = InstitutionAdmin.objects.filter(user=user).values("institution")
    return Program.objects.filter(institution__in=institutions).values("pk")


def institution_programs(institutions) -> list[Program]:
    return list(
        Program.objects.filter(institution__in=institutions).order_by("institution", "name")
    )


def totals(figures: list[Figures]) -> dict[str, Any]:
    """Institution totals: sums of the programs' counts, and the shares they make."""
    learners = sum(f.ilp.learners for f in figures)
    with_mentor = sum(
        s.with_guide for f in figures for s in f.guide_share if s.kind == GuidanceKind.MENTORING
    )
    held = sum(f.meetings.held for f in figures)
    in_person = sum(f.meetings.in_person for f in figures)
    rels = sum(f.rematch.relationships for f in figures)
    rematches = sum(f.rematch.rematch_ends for f in figures)
    completed = sum(f.ilp.completed for f in figures)
    pairs_judged = sum(f.compliance[-1][1] for f in figures if f.compliance)
    on_track = sum(f.compliance[-1][2] for f in figures if f.compliance)
    return {
        "programs": len(figures),
        "learners": learners,
        "with_mentor": with_mentor,
        "with_mentor_percent": metrics.percent(with_mentor, learners),
        "compliance": metrics.percent(on_track, pairs_judged),
        "meetings": held,
        "in_person_percent": metrics.percent(in_person, held),
        "relationships": rels,
        "rematch_percent": metrics.percent(rematches, rels),
        "goals": sum(f.goals.set for f in figures),
        "goals_achieved": sum(f.goals.achieved for f in figures),
        "ilp_completed": completed,
        "ilp_percent": metrics.percent(completed, learners),
        "capacity": sum(f.load.capacity for f in figures),
        "taken": sum(f.load.taken for f in figures),
    }


def people_rows(program: Program) -> list[dict]:
    """The program's people for the people export: name, e-mail, roles, PGY, and the kinds
    of guide each has now (active pairings as learner). Two queries; no content."""
    members = (
        Membership.objects.active()
        .filter(program=program)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "role")
    )
    kinds = defaultdict(set)
    for learner_id, kind in Relationship.objects.filter(
        program=program, state=State.ACTIVE
    ).values_list("learner_id", "kind"):
        kinds[learner_id].add(kind)
    rows: dict[int, dict] = {}
    for m in members:
        row = rows.setdefault(
            m.user_id,
            {
                "name": m.user.full_name,
                "email": m.user.email,
                "roles": [],
                "pgy": m.pgy,
                "guides": ", ".join(KIND_LABELS[k] for k in KINDS if k in kinds[m.user_id]),
            },
        )
        row["roles"].append(m.get_role_display())
        row["pgy"] = row["pgy"] or m.pgy
    return list(rows.values())
