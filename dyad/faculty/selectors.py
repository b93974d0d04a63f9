"""Faculty load against capacity and FTE, and a guide's mentoring portfolio (SPEC M9).

Both read whole sets in a fixed number of queries, so that the pages do not grow with the
number of guides or of relationships. Who may see them is `dyad.policy`'s to say.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone

from dyad import policy
from dyad.goals.models import Achievement
from dyad.lib.cadence import academic_year_start
from dyad.lib.faculty_load import LoadRow
from dyad.lib.faculty_portfolio import (
    YearRow,
    academic_years,
    duration_years,
    meetings_by_year,
    year_label,
)
from dyad.meetings.models import Meeting, MeetingStatus
from dyad.profiles.models import GuideOffer
from dyad.programs.models import GuidanceKind
from dyad.relationships.models import SEAT_HOLDING_STATES, Relationship, State
from dyad.training.selectors import faculty_q

KIND_ORDER = list(GuidanceKind.values)
KIND_LABELS = dict(GuidanceKind.choices)


def _guides_with_learners_here(program, *, current: bool):
    qs = Relationship.objects.for_program(program)
    if current:
        qs = qs.holding_seats()
    return qs.values("guide")


def program_guides(program, *, current: bool = True):
    """Everyone who guides in the program: its faculty and anyone offering guidance there
    (training.selectors.faculty_q), and the guides of its learners who belong to another
    program (a research mentor from another department). With `current=False`, also the
    guides of its ended relationships (a portfolio looks back)."""
    User = get_user_model()
    return User.objects.filter(
        faculty_q(program) | Q(pk__in=_guides_with_learners_here(program, current=current))
    )


# What a load row reads of a guide: plain values, not a user and a profile per guide.
LOAD_FIELDS = (
    "pk",
    "uuid",
    "email",
    "first_name",
    "last_name",
    "guide_profile__department",
    "guide_profile__fte_effort",
    "guide_profile__accepting_new",
)


def load_rows(program) -> list[LoadRow]:
    """One row per guide of the program and kind they offer places in or have learners in
    (a guide with neither gets one row with no kind). Learners count in every program, as
    places do (profiles.selectors.offers_with_places); `learners_here` is this program's
    part. Three queries, whatever the number of guides."""
    guides = list(
        program_guides(program)
        .order_by("last_name", "first_name", "pk")
        .values_list(*LOAD_FIELDS, named=True)
    )
    ids = [g.pk for g in guides]
    capacity: dict[tuple[int, str], int] = {
        (user_id, kind): places
        for user_id, kind, places in GuideOffer.objects.filter(
            profile__user_id__in=ids
        ).values_list("profile__user_id", "kind", "capacity")
    }
    taken: dict[tuple[int, str], tuple[int, int]] = {
        (row["guide_id"], row["kind"]): (row["total"], row["here"])
        for row in Relationship.objects.filter(guide_id__in=ids, state__in=SEAT_HOLDING_STATES)
        .values("guide_id", "kind")
        .annotate(total=Count("id"), here=Count("id", filter=Q(program=program)))
        .order_by()
    }
    rows = []
    for guide in guides:
        kinds = [
            k
            for k in KIND_ORDER
            if capacity.get((guide.pk, k)) or taken.get((guide.pk, k), (0, 0))[0]
        ]
        for kind in kinds or [""]:
            total, here = taken.get((guide.pk, kind), (0, 0))
            rows.append(
                LoadRow.make(
                    guide_id=guide.pk,
                    name=f"{guide.first_name} {guide.last_name}".strip() or guide.email,
                    sort_name=f"{guide.last_name} {guide.first_name}".lower().strip()
                    or guide.email,
                    department=guide.guide_profile__department or "",
                    kind=kind,
                    learners=total,
                    learners_here=here,
                    capacity=capacity.get((guide.pk, kind)) or None,
                    fte=guide.guide_profile__fte_effort,
                    accepting=bool(guide.guide_profile__accepting_new),
                    uuid=guide.uuid,
                )
            )
    return rows


# --- The mentoring portfolio ---------------------------------------------------------------


@dataclass(frozen=True)
class LearnerLine:
    learner: Any
    program: Any
    kind: str
    start: date
    end: date | None
    years: list[int]
    duration: float
    state: str

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def year_labels(self) -> list[str]:
        return [year_label(y) for y in self.years]


@dataclass(frozen=True)
class Portfolio:
    guide: Any
    learners: list[LearnerLine]
    kinds: list[tuple[str, str]]  # the kinds guided, in their order, with labels
    meetings: list[YearRow]
    successes: list[Any] | None  # None: not shown to this viewer
    programs: list[Any]
    today: date

    @property
    def learner_count(self) -> int:
        return len({line.learner.pk for line in self.learners})

    @property
    def meeting_count(self) -> int:
        return sum(row.total for row in self.meetings)

    @property
    def years(self) -> list[str]:
        years = sorted({y for line in self.learners for y in line.years})
        return [year_label(y) for y in years]


def portfolio_relationships(guide, *, program=None):
    """The relationships `guide` guides or guided, that got under way: active ones, and
    ended ones that had been active (a proposal withdrawn before it started is no part of
    anyone's record)."""
    qs = Relationship.objects.filter(guide=guide).filter(
        Q(state=State.ACTIVE) | Q(state=State.ENDED, events__to_state=State.ACTIVE)
    )
    if program is not None:
        qs = qs.filter(program=program)
    return qs.distinct()


def portfolio(guide, *, program=None, with_successes: bool, today: date | None = None) -> Portfolio:
    """A guide's portfolio: in every program, or in `program` only. Three queries (two
    without successes)."""
    today = today or timezone.localdate()
    relationships = list(
        portfolio_relationships(guide, program=program)
        .select_related("learner", "program")
        .order_by("-start_date", "learner__last_name", "pk")
    )
    lines = [
        LearnerLine(
            learner=r.learner,
            program=r.program,
            kind=r.kind,
            start=r.start_date,
            end=r.end_date if r.state == State.ENDED else None,
            years=academic_years(
                r.start_date,
                r.end_date if r.state == State.ENDED else None,
                today,
                r.program.academic_year_start_month,
            ),
            duration=duration_years(
                r.start_date, r.end_date if r.state == State.ENDED else None, today
            ),
            state=r.state,
        )
        for r in relationships
    ]
    months = {r.pk: r.program.academic_year_start_month for r in relationships}
    kinds_of = {r.pk: r.kind for r in relationships}
    held = []
    for rel_id, starts_at in Meeting.objects.filter(
        relationship_id__in=list(months), status=MeetingStatus.HELD
    ).values_list("relationship_id", "starts_at"):
        day = timezone.localtime(starts_at).date()
        held.append((academic_year_start(day, months[rel_id]).year, kinds_of[rel_id]))
    kinds = [k for k in KIND_ORDER if k in set(kinds_of.values())]
    successes = None
    if with_successes:
        found = Achievement.objects.filter(
            goal__relationship_id__in=list(months), goal__relationship__guide=guide
        ).select_related("learner", "program", "goal__relationship")
        successes = [a for a in found if policy.can_list_success_in_portfolio(guide, a)]
    programs = list({r.program.pk: r.program for r in relationships}.values())
    return Portfolio(
        guide=guide,
        learners=lines,
        kinds=[(k, KIND_LABELS[k]) for k in kinds],
        meetings=meetings_by_year(held, kinds),
        successes=successes,
        programs=sorted(programs, key=lambda p: p.name),
        today=today,
    )
