"""Your own lists and marks in match rounds: never what others ranked or marked."""

from dyad.matching.models import GuideMark, LearnerRank
from dyad.personal_data import section


def _name(user) -> str:
    return user.full_name or user.email


@section("match_rounds", "Your lists and marks in match rounds", order=75)
def match_rounds(user) -> list[dict]:
    ranks = [
        {"Round": r.round.name, "Your rank": r.rank, "Guide": _name(r.guide)}
        for r in LearnerRank.objects.filter(learner=user)
        .select_related("round", "guide")
        .order_by("round_id", "rank")
    ]
    marks = [
        {
            "Round": m.round.name,
            "Learner": _name(m.learner),
            "Your mark": m.get_mark_display(),
            "Your rank": m.rank,
        }
        for m in GuideMark.objects.filter(guide=user)
        .select_related("round", "learner")
        .order_by("round_id", "pk")
    ]
    return ranks + marks
