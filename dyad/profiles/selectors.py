"""Reads of profiles and content areas, always starting from a program or a user."""

from functools import reduce
from operator import or_

from django.db.models import Count, Prefetch, QuerySet

from dyad.profiles.models import ContentArea, GuideOffer, GuideProfile
from dyad.programs.models import Program
from dyad.programs.selectors import programs_for_user


def content_areas_for_programs(programs) -> QuerySet[ContentArea]:
    """The default taxonomy plus the own areas of each of the programs."""
    defaults = ContentArea.objects.filter(program__isnull=True)
    return reduce(or_, (ContentArea.objects.for_program(p) for p in programs), defaults)


def content_areas_for_user(user) -> QuerySet[ContentArea]:
    return content_areas_for_programs(programs_for_user(user))


def program_content_areas(program: Program) -> QuerySet[ContentArea]:
    """The program's own areas, with how many guide profiles use each."""
    return program.content_areas.annotate(n_guides=Count("guides")).order_by("name")


def guide_display_prefetches(program: Program) -> list[Prefetch]:
    """What a guide card or page shows, fetched in one query per relation.

    Offers with no capacity are not offers; content areas are limited to the program's
    taxonomy, so that one program's own areas do not show up in another program.
    """
    return [
        Prefetch(
            "offers",
            queryset=GuideOffer.objects.filter(capacity__gt=0).order_by("kind"),
            to_attr="published_offers",
        ),
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
) -> QuerySet[GuideProfile]:
    """The program's published pool of guides, filtered, ordered by last name."""
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
        qs = qs.filter(accepting_new=True)
    return (
        qs.distinct()
        .select_related("user")
        .prefetch_related(*guide_display_prefetches(program))
        .order_by("user__last_name", "user__first_name", "pk")
    )


def directory_departments(program: Program) -> list[str]:
    """The distinct departments of the program's published guides, for the filter."""
    return list(
        GuideProfile.objects.in_program(program)
        .exclude(department="")
        .order_by("department")
        .values_list("department", flat=True)
        .distinct()
    )
