"""The demo program's faculty load: one guide cut back their mentoring places after
taking on a committee role, below the learners they already have, so that the load page
shows a guide over capacity (their pairings go on; no new learner is offered to them)."""

from django.db.models import Count, F, IntegerField, OuterRef, Subquery

from dyad.profiles.models import GuideOffer
from dyad.programs.models import GuidanceKind
from dyad.relationships.models import SEAT_HOLDING_STATES, Relationship


def seed_faculty_load(program, *, keep_email: str) -> GuideOffer | None:
    """Lower by one the places of the first guide of the program (by name) whose mentoring
    places are all taken, leaving the demo persona `keep_email` as the persona shows it.
    Returns the offer changed, None when no guide is full."""
    taken = (
        Relationship.objects.filter(
            program=program,
            guide=OuterRef("profile__user"),
            kind=GuidanceKind.MENTORING,
            state__in=SEAT_HOLDING_STATES,
        )
        .values("guide")
        .annotate(n=Count("id"))
        .values("n")
    )
    offer = (
        GuideOffer.objects.filter(
            kind=GuidanceKind.MENTORING,
            capacity__gte=2,
            profile__user__memberships__program=program,
        )
        .exclude(profile__user__email=keep_email)
        .annotate(taken=Subquery(taken, output_field=IntegerField()))
        .filter(taken=F("capacity"))
        .order_by("profile__user__last_name", "profile__user__first_name", "pk")
        .first()
    )
    if offer is None:
        return None
    offer.capacity -= 1
    offer.save(update_fields=["capacity"])
    return offer
