"""Reads of profiles and content areas, always starting from a program or a user."""

import hashlib
from functools import reduce
from operator import or_

from django.core.cache import cache
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest

from dyad.profiles.models import ContentArea, GuideOffer, GuideProfile
from dyad.programs.models import Program
from dyad.programs.selectors import programs_for_user
from dyad.relationships.models import SEAT_HOLDING_STATES, Relationship
from dyad.relationships.services import LearnerConflicts

DEPARTMENTS_CACHE_SECONDS = 24 * 3600


def content_areas_for_programs(programs) -> QuerySet[ContentArea]:
    """The default taxonomy plus the own areas of each of the programs."""
    defaults = ContentArea.objects.filter(program__isnull=True)
    return reduce(or_, (ContentArea.objects.for_program(p) for p in programs), defaults)


def content_areas_for_user(user) -> QuerySet[ContentArea]:
    return content_areas_for_programs(programs_for_user(user))


def program_content_areas(program: Program) -> QuerySet[ContentArea]:
    """The program's own areas, with how many guide profiles use each."""
    return program.content_areas.annotate(n_guides=Count("guides")).order_by("name")


def offers_with_places() -> QuerySet[GuideOffer]:
    """Published offers (an offer with no capacity is no offer), each with `taken` places
    (proposed and active relationships), `remaining` places and `is_open`.

    `is_open` is the one meaning of "open to new learners" in a kind: the guide accepts
    new learners and has a place left in that kind. The directory's cards and filters, the
    profile page and the request form all read it from here. Places count across
    programs: a guide's capacity is theirs, not one program's.
    """
    taken = (
        Relationship.objects.filter(
            guide=OuterRef("profile__user"), kind=OuterRef("kind"), state__in=SEAT_HOLDING_STATES
        )
        .values("guide")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        GuideOffer.objects.filter(capacity__gt=0)
        .annotate(taken=Coalesce(Subquery(taken, output_field=IntegerField()), 0))
        .annotate(
            remaining=Greatest(F("capacity") - F("taken"), Value(0)),
            is_open=ExpressionWrapper(
                Q(profile__accepting_new=True, capacity__gt=F("taken")),
                output_field=BooleanField(),
            ),
        )
        .order_by("kind")
    )


def guide_display_prefetches(program: Program) -> list[Prefetch]:
    """What a guide card or page shows, fetched in one query per relation.

    Offers come with their places (offers_with_places); content areas are limited to the
    program's taxonomy, so that one program's own areas do not show up in another program.
    """
    return [
        Prefetch("offers", queryset=offers_with_places(), to_attr="published_offers"),
        Prefetch(
            "content_areas",
            queryset=ContentArea.objects.for_program(program).order_by("name"),
            to_attr="program_areas",
        ),
    ]


def directory_guides(
    program: Program,
    *,
    text: str = "",
    area: ContentArea | None = None,
    kind: str = "",
    department: str = "",
    accepting: bool = False,
    conflicts: LearnerConflicts | None = None,
) -> QuerySet[GuideProfile]:
    """The program's published pool of guides, filtered, ordered by last name.

    `kind` keeps the guides who offer it; `accepting` those open to new learners (in
    `kind` when given, else in any kind), as offers_with_places defines it, and for a
    learner whose `conflicts` are given, in a kind their evaluators may guide them in."""
    qs = GuideProfile.objects.in_program(program)
    if text:
        qs = qs.search(text)
    if area is not None:
        qs = qs.filter(content_areas=area)
    if kind:
        # One filter() call so that kind and capacity apply to the same offer.
        qs = qs.filter(offers__kind=kind, offers__capacity__gt=0)
    if department:
        qs = qs.filter(department=department)
    if accepting:
        open_offers = offers_with_places().filter(profile=OuterRef("pk"), is_open=True)
        if kind:
            open_offers = open_offers.filter(kind=kind)
        if conflicts is not None:
            open_offers = open_offers.filter(conflicts.allowed(guide="profile__user", kind="kind"))
        qs = qs.filter(Exists(open_offers))
    if text or area is not None:
        qs = qs.distinct()  # their joins give a guide once per matching row
    return (
        qs.select_related("user")
        .prefetch_related(*guide_display_prefetches(program))
        .order_by("user__last_name", "user__first_name", "pk")
    )


def directory_departments(program: Program, version: tuple) -> list[str]:
    """The distinct departments of the program's published guides, for the filter:
    computed once per `version` (profiles.suggestions.suggestions_version, which changes
    with the pool and the guide profiles), then read from the cache."""
    digest = hashlib.sha256(repr(version).encode()).hexdigest()
    key = f"profiles:departments:{program.pk}:{digest}"
    departments = cache.get(key)
    if departments is None:
        departments = list(
            GuideProfile.objects.in_program(program)
            .exclude(department="")
            .order_by("department")
            .values_list("department", flat=True)
            .distinct()
        )
        cache.set(key, departments, DEPARTMENTS_CACHE_SECONDS)
    return departments
