"""What of a relationship's meetings is kept only for a while after it ends (SPEC M11):
private notes and the learner's preparation with its files. Shared summaries, topics and
action items stay: they are the pair's record."""

from django.db import transaction

from dyad.meetings.models import Attachment, Preparation, PrivateNote

LABELS = {
    "private_notes": "private notes",
    "preparations": "meeting preparations",
    "files": "preparation files",
}


def content(relationships) -> dict:
    """Per kind of content: the rows of `relationships`, and the path from a row to its
    relationship (for counting per relationship in one query)."""
    path = "meeting__relationship"
    return {
        "private_notes": (
            PrivateNote.objects.filter(meeting__relationship__in=relationships),
            path,
        ),
        "preparations": (Preparation.objects.filter(meeting__relationship__in=relationships), path),
        "files": (Attachment.objects.filter(meeting__relationship__in=relationships), path),
    }


def purge(relationship) -> dict[str, int]:
    """Delete the relationship's retained content; the files go once the deletion commits."""
    counts = {}
    files = list(
        Attachment.objects.filter(meeting__relationship=relationship).values_list("file", flat=True)
    )
    for kind, (rows, _) in content([relationship.pk]).items():
        counts[kind] = rows.count()
        rows.delete()
    storage = Attachment.file.field.storage
    transaction.on_commit(lambda: [storage.delete(name) for name in files])
    return counts
