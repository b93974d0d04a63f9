"""What each home page shows, read in a fixed number of queries whatever the data.

Every part starts from the viewer: a party's own relationships for the guide and learner
parts; for leaders, what dyad/policy.py lets them see of the program (that pairs exist and
meet, counts, and only the rematch requests and concerns the policy lets them read).
"""

from __future__ import annotations

import hashlib
import statistics
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from operator import attrgetter
from typing import NamedTuple

from django.core.cache import cache
from django.db.models import F, Func, IntegerField, OuterRef, Q, Subquery
from django.utils import timezone

from dyad import policy
from dyad.checkins import selectors as checkins
from dyad.home import steps
from dyad.home.models import Nudge
from dyad.home.services import BEHIND, NUDGE_INTERVAL
from dyad.lib import cadence, charts
from dyad.meetings.models import ActionItem, Meeting, MeetingStatus
from dyad.meetings.selectors import (
    CACHE_SECONDS,
    agreed_plans,
    cadence_of,
    data_version,
    held_meetings,
    policies_for,
)
from dyad.profiles.models import MeetingMode
from dyad.programs.models import GuidanceKind, Membership, Program
from dyad.relationships import selectors as relationship_selectors
from dyad.relationships.models import GuideRequest, Relationship, State

# The kinds every learner is expected to be offered, for "learners without a guide".
# Peer mentoring is for interns only, so a count over all learners would mislead.
GUIDE_KINDS = (GuidanceKind.MENTORING, GuidanceKind.COACHING, GuidanceKind.ADVISING)
# A request expiring within this many days is shown to leaders, who may chase the guide.
EXPIRING_SOON = timedelta(days=3)
# How far ahead the learner is asked to prepare for a meeting.
PREPARE_AHEAD = timedelta(days=14)
MONTHS = 12
LIST_LIMIT = 20
# What the leaders' figures read of each relationship, and the list of pairs behind shows.
HISTORY_FIELDS = (
    "uuid",
    "program_id",
    "kind",
    "state",
    "start_date",
    "end_date",
    *(
        f"{who}__{field}"
        for who in ("learner", "guide")
        for field in ("email", "first_name", "last_name")
    ),
)


@dataclass
class Pairing:
    """One of the viewer's relationships, with what the home page says of it."""

    relationship: Relationship
    result: cadence.CadenceResult | None
    next_meeting: Meeting | None = None
    to_log: list[Meeting] = field(default_factory=list)
    agreement_waits_for_me: bool = False

    @property
    def behind(self) -> bool:
        return self.result is not None and self.result.status in BEHIND


def party_data(viewer, now) -> dict:
    """The viewer's open relationships on both sides (with what the check-ins due read),
    their cadence and their scheduled meetings (upcoming, and past ones not marked held or
    missed): six queries, one without relationships."""
    user, program = viewer.user, viewer.program
    relationships = list(
        checkins.with_checkin_dates(
            relationship_selectors.relationships_with_agreement(
                relationship_selectors.relationships_for_user(user, program).holding_seats()
            ),
            user,
        )
    )
    active = [r for r in relationships if r.state == State.ACTIVE]
    policies = policies_for(program) if active else None
    results = (
        cadence_of(
            active,
            program,
            timezone.localdate(now),
            policies=policies,
            plans=agreed_plans(active, agreements=[a for r in active for a in r.agreements.all()]),
        )
        if active
        else {}
    )
    meetings = (
        Meeting.objects.filter(relationship__in=[r.pk for r in relationships])
        .filter(status=MeetingStatus.SCHEDULED)
        .select_related("preparation")
        .order_by("starts_at")
    )
    pairings = {}
    for rel in relationships:
        latest = rel.agreements.all()[0] if rel.agreements.all() else None
        waits = latest is not None and (
            (latest.learner_ack_at is None and rel.learner_id == user.pk)
            or (latest.guide_ack_at is None and rel.guide_id == user.pk)
        )
        pairings[rel.pk] = Pairing(rel, results.get(rel.pk), agreement_waits_for_me=waits)
    for meeting in meetings if relationships else []:
        pairing = pairings[meeting.relationship_id]
        meeting.relationship = pairing.relationship
        if meeting.starts_at < now:
            pairing.to_log.append(meeting)
        elif pairing.next_meeting is None:
            pairing.next_meeting = meeting
    items = (
        list(
            ActionItem.objects.filter(
                owner=user,
                done_at__isnull=True,
                meeting__relationship__in=[r.pk for r in relationships],
            )
            .select_related("meeting__relationship__learner", "meeting__relationship__guide")
            .order_by(F("due_date").asc(nulls_last=True), "created_at")[:LIST_LIMIT]
        )
        if relationships
        else []
    )
    return {
        "relationships": relationships,
        "pairings": list(pairings.values()),
        "items": items,
        "policies": policies,
    }


def is_prepared(meeting: Meeting) -> bool:
    preparation = getattr(meeting, "preparation", None)
    return preparation is not None and bool(
        (preparation.goals + preparation.progress + preparation.obstacles).strip()
    )


def learner_part(viewer, data, now, *, expectations=None) -> dict:
    """`expectations`: the year's learners' document the learner has yet to acknowledge."""
    user = viewer.user
    mine = [p for p in data["pairings"] if p.relationship.learner_id == user.pk]
    upcoming = sorted((p.next_meeting for p in mine if p.next_meeting), key=lambda m: m.starts_at)
    next_meeting = upcoming[0] if upcoming else None
    to_log = sorted((m for p in mine for m in p.to_log), key=lambda m: m.starts_at)
    items = [i for i in data["items"] if i.meeting.relationship.learner_id == user.pk]
    acknowledge = next((p.relationship for p in mine if p.agreement_waits_for_me), None)
    prepare = (
        next_meeting
        if next_meeting
        and not is_prepared(next_meeting)
        and next_meeting.starts_at - now <= PREPARE_AHEAD
        else None
    )
    unplanned = [p for p in mine if p.result is not None and p.next_meeting is None]
    behind = next((p.relationship for p in unplanned if p.behind), None) or next(
        (p.relationship for p in unplanned if p.result.status == cadence.Status.DUE_SOON), None
    )
    upcoming_due = min(
        (p for p in unplanned if p.result.next_due),
        key=lambda p: p.result.next_due,
        default=None,
    )
    has_mentor = any(p.relationship.kind == GuidanceKind.MENTORING for p in mine)
    step = steps.next_step(
        to_acknowledge=acknowledge,
        to_read_expectations=expectations,
        to_log=to_log[0] if to_log else None,
        to_prepare=prepare,
        to_schedule=behind,
        needs_mentor=not has_mentor,
        action_item=items[0] if items else None,
    )
    return {
        "pairings": mine,
        "next_meeting": next_meeting,
        "next_meeting_prepared": next_meeting is not None and is_prepared(next_meeting),
        "to_log": to_log,
        "items": items,
        "to_acknowledge": [p.relationship for p in mine if p.agreement_waits_for_me],
        "has_mentor": has_mentor,
        "can_choose": policy.learners_choose_guides(viewer.program),
        "step": step,
        "upcoming_due": upcoming_due,
        "today": timezone.localdate(now),
    }


def guide_part(viewer, data, now, *, offers=None) -> dict:
    """`offers`: program_offers if already read (a leader's home reads them all)."""
    user, program = viewer.user, viewer.program
    mine = [p for p in data["pairings"] if p.relationship.guide_id == user.pk]
    severity = {p.relationship.pk: p.result.status.severity if p.result else -1 for p in mine}
    mine.sort(key=lambda p: (-severity[p.relationship.pk], p.relationship.learner.last_name))
    requests = list(
        relationship_selectors.open_requests_for_guide(user, program)
        .filter(expires_at__gt=now)
        .order_by("expires_at")
    )
    if offers is None:
        offers = program_offers(program, user=user)
    offers = [o for o in offers if o.user_id == user.pk]
    return {
        "pairings": mine,
        "to_log": sorted((m for p in mine for m in p.to_log), key=lambda m: m.starts_at),
        "items": [i for i in data["items"] if i.meeting.relationship.guide_id == user.pk],
        "requests": requests,
        "offers": offers,
        "today": timezone.localdate(now),
    }


# --- Leaders ---------------------------------------------------------------------------------


def _month_ends(today: date, months: int = MONTHS) -> list[date]:
    """The last day of each of the last `months` months, the current one cut at today."""
    ends = [today]
    first = today.replace(day=1)
    for _ in range(months - 1):
        last = first - timedelta(days=1)
        ends.append(last)
        first = last.replace(day=1)
    return ends[::-1]


class _Pair(NamedTuple):
    """What the leaders' figures read of a relationship."""

    pk: int
    kind: str
    state: str
    start_date: date
    end_date: date | None


def _pairs(program, today: date) -> list[_Pair]:
    """Relationships that were active at some point of the last twelve months, by the
    columns the figures use: one query."""
    since = _month_ends(today)[0].replace(day=1)
    rows = (
        Relationship.objects.for_program(program)
        .filter(state__in=[State.ACTIVE, State.ENDED], start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=since))
        .order_by("pk")
        .values_list("pk", "kind", "state", "start_date", "end_date")
    )
    return [_Pair(*row) for row in rows]


def _held(pairs, today: date, policies):
    """The held meetings of `pairs` as the cadence engine takes them, by date: one query.
    Only the meetings the figures need are read: from the start of the earliest academic
    year the months are judged in (or a year back, for first meetings), and each
    relationship's last one before."""
    first = _month_ends(today)[0]
    window = min(
        [today - timedelta(days=365)]
        + [cadence.academic_year_start(first, p.year_start_month) for p in policies.values()]
    )
    held = defaultdict(list)
    rows = held_meetings([r.pk for r in pairs], window)
    for rel_id, day, mode in rows if pairs else []:
        held[rel_id].append(cadence.Meeting(date=day, in_person=mode == MeetingMode.IN_PERSON))
    for meetings in held.values():
        meetings.sort(key=attrgetter("date"))
    return held


def _history(program, today: date, policies):
    """The pairs of the last year and their held meetings: two queries."""
    pairs = _pairs(program, today)
    return pairs, _held(pairs, today, policies)


class _Judge:
    """Each relationship's status on a given day, from its held meetings by date: only
    the meetings that day's judgement reads (the academic year up to the day, and the
    last one before it) are passed to the engine, which scans all it is given."""

    def __init__(self, held, policies):
        self.held, self.policies = held, policies
        self.dates = {pk: [m.date for m in meetings] for pk, meetings in held.items()}

    def status(self, r, day: date) -> cadence.Status:
        policy = self.policies[r.kind]
        dates = self.dates.get(r.pk, [])
        year_start = cadence.academic_year_start(day, policy.year_start_month)
        low = max(bisect_left(dates, year_start) - 1, 0)
        meetings = self.held.get(r.pk, [])[low : bisect_right(dates, day)]
        return cadence.evaluate(policy, r.start_date, meetings, day, r.end_date).status


def _compliant(status: cadence.Status) -> bool:
    return status not in BEHIND


def compliance_by_month(relationships, held, policies, today) -> list[tuple[date, int, int]]:
    """(month end, pairs active that day, pairs not behind) for each of the last months,
    each judged by the cadence engine as it stood on that day."""
    out = []
    judge = _Judge(held, policies)
    for day in _month_ends(today):
        active = [
            r
            for r in relationships
            if r.start_date <= day and (r.end_date is None or r.end_date >= day)
        ]
        good = sum(_compliant(judge.status(r, day)) for r in active)
        out.append((day, len(active), good))
    return out


def first_meeting_days(relationships, held, today) -> dict[str, dict]:
    """Per kind: the median days from the start of a pairing to its first held meeting,
    over pairings started in the last year, and how many are still waiting."""
    since = today - timedelta(days=365)
    days, waiting = defaultdict(list), Counter()
    for rel in relationships:
        if rel.start_date < since:
            continue
        dates = [m.date for m in held[rel.pk] if m.date >= rel.start_date]
        if dates:
            days[rel.kind].append((min(dates) - rel.start_date).days)
        elif rel.state == State.ACTIVE:
            waiting[rel.kind] += 1
    return {
        kind: {
            "label": label,
            "median": statistics.median(days[kind]) if days[kind] else None,
            "pairs": len(days[kind]),
            "waiting": waiting[kind],
        }
        for kind, label in GuidanceKind.choices
        if days[kind] or waiting[kind]
    }


def without_guide(program) -> list[dict]:
    """Per kind: active learners of the program with no proposed or active pairing of it."""
    return _without_guide_rows(
        Program.objects.filter(pk=program.pk).values(**_learner_counts(program)).get()
    )


def _without_guide_rows(counts) -> list[dict]:
    labels = dict(GuidanceKind.choices)
    return [
        {
            "kind": kind,
            "label": labels[kind],
            "n": counts[f"without_{kind}"],
            "total": counts["learners"],
        }
        for kind in GUIDE_KINDS
    ]


def _count(queryset, field: str = "pk", *, distinct: bool = False) -> Subquery:
    """COUNT over `queryset` as a scalar subquery, so that several counts come in one
    query."""
    template = "COUNT(DISTINCT %(expressions)s)" if distinct else "COUNT(%(expressions)s)"
    counted = Func(F(field), template=template, output_field=IntegerField())
    return Subquery(queryset.order_by().annotate(_n=counted).values("_n")[:1])


def _learner_counts(program) -> dict[str, Subquery]:
    """The program's active learners, and those without a proposed or active pairing of
    each kind."""
    open_rels = Relationship.objects.for_program(program).holding_seats()
    learners = Membership.objects.active().filter(program=program).learners()
    return {
        "learners": _count(learners, "user", distinct=True),
        **{
            f"without_{kind}": _count(
                learners.exclude(user__in=open_rels.filter(kind=kind).values("learner_id")),
                "user",
                distinct=True,
            )
            for kind in GUIDE_KINDS
        },
    }


def _leader_counts(program, user, *, concerns: bool) -> dict[str, int]:
    """The counts of the leaders' part, in one query: the open rematch requests and the
    agreements awaiting acknowledgement the leader may know of, the learners without a
    guide of each kind, and the unacknowledged concerns (for a safety contact only)."""
    subqueries = {
        "open_rematch": _count(relationship_selectors.open_rematch_requests(program, user)),
        "pending_agreements": _count(relationship_selectors.pending_agreements(program)),
        **_learner_counts(program),
    }
    if concerns:
        subqueries["concerns"] = _count(
            relationship_selectors.concerns_for_contacts(program, user).filter(
                acknowledged_at__isnull=True
            )
        )
    return Program.objects.filter(pk=program.pk).values(**subqueries).get()


def capacity_by_kind(offers) -> list[dict]:
    """Places offered by the program's guides and taken (proposed or active), per kind,
    from the rows of _offers."""
    offered, taken = Counter(), Counter()
    for offer in offers:
        kind, capacity, used = offer.kind, offer.capacity, offer.taken
        offered[kind] += capacity
        taken[kind] += min(used, capacity)
    return [
        {"kind": kind, "label": label, "offered": offered[kind], "taken": taken[kind]}
        for kind, label in GuidanceKind.choices
        if offered[kind]
    ]


def leader_figures(program, today: date, *, policies=None) -> dict:
    """The leaders' figures of the day: the status of every active pair, and the twelve
    months judged by the cadence engine (about twelve evaluations a pair). Computed once
    per program, day, cadence rules and data version, then served from the cache until a
    pair or a meeting of the program changes: three queries when cached, four otherwise
    (one less each if the program's `policies` are given)."""
    policies = policies if policies is not None else policies_for(program)
    pairs = _pairs(program, today)
    # The pairs are read whole (their dates, kinds and states); the meetings by a summary
    # that changes whenever one is logged, marked, edited or deleted.
    digest = hashlib.sha256(
        repr((sorted(policies.items()), pairs, data_version(program))).encode()
    ).hexdigest()
    key = f"home:leader-figures:{program.pk}:{today.isoformat()}:{digest}"
    figures = cache.get(key)
    if figures is not None:
        return figures
    held = _held(pairs, today, policies)
    current = [r for r in pairs if r.state == State.ACTIVE]
    results = {
        r.pk: cadence.evaluate(policies[r.kind], r.start_date, held[r.pk], today, r.end_date)
        for r in current
    }
    behind = sorted(
        (r.pk for r in current if results[r.pk].status in BEHIND),
        key=lambda pk: (-results[pk].status.severity, results[pk].next_due or today, pk),
    )
    figures = {
        "total": len(current),
        "counts": Counter(result.status for result in results.values()),
        "behind": [(pk, results[pk]) for pk in behind],
        "by_month": compliance_by_month(pairs, held, policies, today),
        "first_meeting": first_meeting_days(pairs, held, today),
    }
    cache.set(key, figures, CACHE_SECONDS)
    return figures


class Offer(NamedTuple):
    """A guide's offer of places of a kind, with the places taken (proposed or active)."""

    user_id: int
    kind: str
    capacity: int
    taken: int

    @property
    def left(self) -> int:
        return max(0, self.capacity - self.taken)

    def get_kind_display(self) -> str:
        return GuidanceKind(self.kind).label


def program_offers(program, *, user=None) -> list[Offer]:
    """Every offer of the program's guides (or only the `user`'s), by the columns used: one
    query."""
    rows = relationship_selectors.guide_load(program).order_by("kind", "pk")
    if user is not None:
        rows = rows.filter(profile__user=user)
    return [
        Offer(*row) for row in rows.values_list("profile__user_id", "kind", "capacity", "taken")
    ]


def leader_part(viewer, now, *, policies=None, offers=None) -> dict:
    """`policies`: the program's cadence rules if already read; `offers`: program_offers
    if already read."""
    program, user = viewer.program, viewer.user
    today = timezone.localdate(now)
    figures = leader_figures(program, today, policies=policies)
    counts = figures["counts"]
    results = dict(figures["behind"][:LIST_LIMIT])
    last_nudge = Nudge.objects.filter(relationship=OuterRef("pk")).order_by("-sent_at")
    by_pk = (
        Relationship.objects.select_related("learner", "guide")
        .only(*HISTORY_FIELDS)
        .annotate(last_nudged=Subquery(last_nudge.values("sent_at")[:1]))
    )
    by_pk = by_pk.in_bulk(list(results)) if results else {}
    shown = [by_pk[pk] for pk in results if pk in by_pk]
    rows = [
        {
            "relationship": r,
            "result": results[r.pk],
            "last_nudged": r.last_nudged,
            "can_nudge": r.last_nudged is None or now - r.last_nudged >= NUDGE_INTERVAL,
        }
        for r in shown
    ]
    expiring = (
        GuideRequest.objects.pending()
        .filter(program=program, expires_at__gt=now, expires_at__lte=now + EXPIRING_SOON)
        .select_related("learner", "guide")
        .order_by("expires_at")
    )
    is_contact = policy.is_safety_contact(viewer)
    numbers = _leader_counts(program, user, concerns=is_contact)
    good = sum(counts[s] for s in cadence.Status if _compliant(s))
    total = figures["total"]
    return {
        "total": total,
        "compliant": good,
        "compliance": round(100 * good / total) if total else None,
        "counts": [(s, counts.get(s, 0)) for s in cadence.Status],
        "by_month": figures["by_month"],
        "first_meeting": figures["first_meeting"],
        "without_guide": _without_guide_rows(numbers),
        "capacity": capacity_by_kind(offers if offers is not None else program_offers(program)),
        "behind": rows,
        "behind_total": len(figures["behind"]),
        "expiring": list(expiring[:LIST_LIMIT]),
        "open_rematch": numbers["open_rematch"],
        "concerns": numbers["concerns"] if is_contact else None,
        "pending_agreements": numbers["pending_agreements"],
        "is_director": policy.is_director(viewer),
        "today": today,
    }


def leader_charts(part: dict) -> dict[str, str]:
    """The leaders' charts as SVG, from the figures of leader_part (the page shows the
    same figures as tables for whoever cannot see the charts)."""
    months = [
        charts.Point(day.strftime("%b"), round(100 * good / n) if n else None)
        for day, n, good in part["by_month"]
    ]
    return {
        "by_month": charts.line_chart(
            chart_id="chart-compliance",
            title="Pairs on track, month by month (last 12 months)",
            points=months,
            empty="No active pairs in the last 12 months.",
        ),
        "without_guide": charts.bar_chart(
            chart_id="chart-without-guide",
            title="Learners without a guide, by kind",
            bars=[charts.Bar(row["label"], row["n"]) for row in part["without_guide"]],
            unit="learners",
            unit_one="learner",
        ),
        "first_meeting": charts.bar_chart(
            chart_id="chart-first-meeting",
            title="Median days from the start of a pairing to its first meeting",
            bars=[
                charts.Bar(row["label"], row["median"])
                for row in part["first_meeting"].values()
                if row["median"] is not None
            ],
            unit="days",
            unit_one="day",
            empty="No pairing started in the last 12 months has met yet.",
        ),
        "capacity": charts.bar_chart(
            chart_id="chart-capacity",
            title="Places taken of places offered, by kind",
            bars=[
                charts.Bar(row["label"], row["taken"], total=row["offered"])
                for row in part["capacity"]
            ],
            empty="No guide offers places yet.",
        ),
    }
