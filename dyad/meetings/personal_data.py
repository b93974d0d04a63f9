"""Meetings of your pairings: when and how, the preparation, the shared summary and
action items (both parties see them), and your own private notes. The other party's
private note is never included: only its author ever reads it (SPEC M4, M11)."""

from dyad.meetings.models import Meeting, PrivateNote
from dyad.personal_data import section


@section("meetings", "Meetings", order=50)
def meetings(user) -> list[dict]:
    rows = (
        Meeting.objects.for_party(user)
        .select_related("relationship__learner", "relationship__guide", "preparation", "summary")
        .prefetch_related("action_items__owner", "summary__topics")
        .order_by("starts_at", "pk")
    )
    notes = dict(PrivateNote.objects.filter(author=user).values_list("meeting_id", "text"))
    records = []
    for m in rows:
        rel = m.relationship
        other = rel.guide if rel.learner_id == user.pk else rel.learner
        prep = getattr(m, "preparation", None)
        summary = getattr(m, "summary", None)
        records.append(
            {
                "When": m.starts_at,
                "With": other.full_name or other.email,
                "Pairing": rel.get_kind_display(),
                "Mode": m.get_mode_display(),
                "Status": m.get_status_display(),
                "Place": m.place,
                "Preparation": {
                    "Goals for this meeting": prep.goals,
                    "Progress since last time": prep.progress,
                    "What got in the way": prep.obstacles,
                }
                if prep
                else None,
                "Shared summary": summary.text if summary else "",
                "Topics": [t.name for t in summary.topics.all()] if summary else [],
                "Action items": [
                    f"{item.text} ({item.owner.full_name or item.owner.email}"
                    f"{', due ' + item.due_date.isoformat() if item.due_date else ''}"
                    f"{', done' if item.done_at else ''})"
                    for item in m.action_items.all()
                ],
                "Your private note": notes.get(m.pk, ""),
            }
        )
    return records


@section("attachments", "Files you attached to meeting preparations", order=52)
def attachments(user) -> list[dict]:
    from dyad.meetings.models import Attachment

    return [
        {
            "Meeting": a.meeting.starts_at,
            "File": a.name,
            "Size (bytes)": a.size,
            "Attached": a.uploaded_at,
        }
        for a in Attachment.objects.filter(uploaded_by=user)
        .select_related("meeting")
        .order_by("uploaded_at", "pk")
    ]
