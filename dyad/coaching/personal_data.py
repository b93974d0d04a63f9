"""Coaching engagements one takes part in, and one's own values exercise (SPEC M7)."""

from django.db.models import Q

from dyad.coaching.models import Engagement, ValuesExercise
from dyad.personal_data import section


@section("coaching", "Coaching engagements", order=55)
def engagements(user) -> list[dict]:
    rows = (
        Engagement.objects.filter(Q(relationship__learner=user) | Q(relationship__guide=user))
        .select_related("program", "relationship__learner", "relationship__guide", "referral")
        .order_by("start_date", "pk")
    )
    records = []
    for e in rows:
        rel = e.relationship
        records.append(
            {
                "Program": e.program.name,
                "Coachee": rel.learner.full_name,
                "Coach": rel.guide.full_name,
                "Type": e.get_type_display(),
                "Referred": hasattr(e, "referral"),
                "Start": e.start_date,
                "Planned end": e.planned_end,
                "Cadence": e.get_cadence_display(),
                "State": e.get_current_state_display(),
            }
        )
    return records


@section("values", "Your values exercise", order=56)
def values(user) -> list[dict]:
    return [
        {
            "Program": v.program.name,
            "Your values, most important first": list(v.ranked or []),
            "Values you added": list(v.own_values or []),
            "Reflections": dict(v.reflections or {}),
            "Shared with": [s.relationship.guide.full_name for s in v.shares.all()],
        }
        for v in ValuesExercise.objects.filter(owner=user)
        .select_related("program")
        .prefetch_related("shares__relationship__guide")
    ]
