"""What of a relationship's goals is kept only for a while after it ends (SPEC M11): the
progress check-ins. The goals themselves belong to the learner's record and stay."""

from dyad.goals.models import CheckIn

LABELS = {"goal_check_ins": "goal check-ins"}


def content(relationships) -> dict:
    return {
        "goal_check_ins": (
            CheckIn.objects.filter(goal__relationship__in=relationships),
            "goal__relationship",
        )
    }


def purge(relationship) -> dict[str, int]:
    counts = {}
    for kind, (rows, _) in content([relationship.pk]).items():
        counts[kind] = rows.count()
        rows.delete()
    return counts
