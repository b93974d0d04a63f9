from django.db.models import Exists, OuterRef, Q

from dyad.relationships.models import SEAT_HOLDING_STATES, Agreement


def awaiting_reacknowledgement(program, year):
    """The year's re-acknowledgement versions of open pairs that are still waiting for one
    party or both (a newer version both have acknowledged settles it too)."""
    settled = Agreement.objects.filter(
        relationship=OuterRef("relationship"),
        version__gt=OuterRef("version"),
        learner_ack_at__isnull=False,
        guide_ack_at__isnull=False,
    )
    return (
        Agreement.objects.filter(
            relationship__program=program,
            relationship__state__in=SEAT_HOLDING_STATES,
            academic_year=year,
        )
        .filter(Q(learner_ack_at__isnull=True) | Q(guide_ack_at__isnull=True))
        .exclude(Exists(settled))
    )


def awaiting_list(program, year, limit=200):
    return list(
        awaiting_reacknowledgement(program, year)
        .select_related("relationship__learner", "relationship__guide", "relationship__program")
        .order_by("relationship__learner__last_name", "relationship__learner__first_name", "pk")[
            :limit
        ]
    )
