"""What of a relationship's check-ins is kept only for a while after it ends (SPEC M11):
all of them, with the record of their reminders."""

from dyad.checkins.models import CheckIn, CheckInReminder

LABELS = {"checkins": "pairing-fit check-ins"}


def content(relationships) -> dict:
    """Per kind of content: the rows of `relationships`, and the path from a row to its
    relationship (for counting per relationship in one query)."""
    return {"checkins": (CheckIn.objects.filter(relationship__in=relationships), "relationship")}


def purge(relationship) -> dict[str, int]:
    counts = {}
    for kind, (rows, _) in content([relationship.pk]).items():
        counts[kind] = rows.count()
        rows.delete()
    CheckInReminder.objects.filter(relationship=relationship).delete()
    return counts
