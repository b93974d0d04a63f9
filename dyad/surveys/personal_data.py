"""The surveys one was asked to answer, and whether one did. What one answered is not in
it: answers are kept apart from who gave them, and nothing links them back (SPEC M8)."""

from dyad.personal_data import section
from dyad.surveys.models import Invitation


@section("surveys", "Program surveys", order=58)
def invitations(user) -> list[dict]:
    rows = (
        Invitation.objects.filter(user=user)
        .select_related("cycle__program")
        .order_by("cycle__opens_on", "pk")
    )
    return [
        {
            "Program": i.cycle.program.name,
            "Survey": i.cycle.name,
            "Asked as": i.get_respondent_display(),
            "Open": f"{i.cycle.opens_on} to {i.cycle.closes_on}",
            "Answered": "yes" if i.answered else "no",
        }
        for i in rows
    ]
