"""360° feedback cycles of one's coaching, and the raters one named. What raters answered
is not theirs to export: the coachee and coach read it only aggregated on the results
page, and answers are kept apart from who gave them (SPEC M7, M11)."""

from django.db.models import Q

from dyad.feedback.models import Cycle
from dyad.personal_data import section


@section("feedback", "360° feedback cycles", order=57)
def cycles(user) -> list[dict]:
    rows = (
        Cycle.objects.filter(Q(relationship__learner=user) | Q(relationship__guide=user))
        .select_related("relationship__learner", "relationship__guide")
        .prefetch_related("raters")
        .order_by("opens_on", "pk")
    )
    records = []
    for c in rows:
        rel = c.relationship
        record = {
            "Name": c.name,
            "Coachee": rel.learner.full_name,
            "Coach": rel.guide.full_name,
            "Opens": c.opens_on,
            "Closes": c.closes_on,
            "State": c.get_state_display(),
        }
        if rel.learner_id == user.pk:
            record["Raters you named"] = [
                f"{r.name} <{r.email}> ({r.get_group_display()})" for r in c.raters.all()
            ]
        records.append(record)
    return records
