from dyad.checkins.models import CheckIn
from dyad.personal_data import section


@section("checkins", "Your pairing-fit check-ins", order=45)
def checkins(user) -> list[dict]:
    """What the person answered themselves; never the other party's answers."""
    return [
        {
            "Program": c.relationship.program.name,
            "Relationship": c.relationship.get_kind_display(),
            "With": (
                c.relationship.guide
                if c.rater_id == c.relationship.learner_id
                else c.relationship.learner
            ).full_name,
            "Answered": c.created_at,
            "Rating": f"{c.rating} of 5 ({c.words})",
            "Comment": c.comment,
        }
        for c in CheckIn.objects.by(user)
        .select_related("relationship__program", "relationship__learner", "relationship__guide")
        .order_by("created_at", "pk")
    ]
