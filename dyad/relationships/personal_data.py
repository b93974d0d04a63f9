"""Your pairings as you see them: never another person's rematch request or its reason,
never a concern raised about you (SPEC M11)."""

from django.db.models import Q

from dyad.audit.actions import AuditAction
from dyad.audit.models import AuditEntry
from dyad.personal_data import section
from dyad.relationships.models import (
    GuideRequest,
    Relationship,
    RematchRequest,
    SafetyConcern,
)


def _other(user, rel):
    other = rel.guide if rel.learner_id == user.pk else rel.learner
    return other.full_name or other.email


@section("relationships", "Your pairings", order=40)
def relationships(user) -> list[dict]:
    rels = (
        Relationship.objects.for_party(user)
        .select_related("program", "learner", "guide", "focus_area")
        .prefetch_related("agreements")
        .order_by("start_date", "pk")
    )
    asked = set(
        RematchRequest.objects.filter(requested_by=user).values_list("relationship_id", flat=True)
    )
    records = []
    for rel in rels:
        agreements = list(rel.agreements.all())
        current = agreements[0] if agreements else None
        records.append(
            {
                "Program": rel.program.name,
                "Kind": rel.get_kind_display(),
                "You are the": "learner" if rel.learner_id == user.pk else "guide",
                "With": _other(user, rel),
                "Focus": rel.focus_area.name if rel.focus_area else "",
                "State": rel.get_state_display(),
                "Start date": rel.start_date,
                "End date": rel.end_date,
                # Why it ended: only to a party who asked for the rematch (policy).
                "Why it ended": rel.get_end_reason_display() if rel.pk in asked else "",
                "Agreement": {
                    "Version": current.version,
                    "Goals": current.goals,
                    "Meeting frequency": current.get_meeting_frequency_display(),
                    "Later meeting frequency": current.get_later_frequency_display(),
                    "Later frequency from month": current.later_after_months,
                    "Who schedules": current.get_scheduler_display(),
                    "Shared with program leadership": current.consent,
                    "Learner acknowledged": current.learner_ack_at,
                    "Guide acknowledged": current.guide_ack_at,
                }
                if current
                else None,
            }
        )
    return records


@section("guide_requests", "Requests for a guide", order=45)
def guide_requests(user) -> list[dict]:
    rows = (
        GuideRequest.objects.filter(Q(learner=user) | Q(guide=user))
        .select_related("program", "learner", "guide")
        .order_by("created_at")
    )
    return [
        {
            "Program": r.program.name,
            "Kind": r.get_kind_display(),
            "Sent by you" if r.learner_id == user.pk else "Sent to you": True,
            "To" if r.learner_id == user.pk else "From": (
                (r.guide if r.learner_id == user.pk else r.learner).full_name
                or (r.guide if r.learner_id == user.pk else r.learner).email
            ),
            "Message": r.message,
            "State": r.get_state_display(),
            "Sent": r.created_at,
            "Answered": r.answered_at,
        }
        for r in rows
    ]


@section("rematch_requests", "Your requests to end a pairing", order=46)
def rematch_requests(user) -> list[dict]:
    """Only those you made: the other party's request is never shown to you."""
    rows = RematchRequest.objects.filter(requested_by=user).select_related("relationship__program")
    return [
        {
            "Program": r.relationship.program.name,
            "Pairing": r.relationship.get_kind_display(),
            "Reason": r.reason,
            "Wants a new guide": r.wants_new_guide,
            "Sent": r.created_at,
            "Resolved": r.resolved_at,
        }
        for r in rows
    ]


@section("concerns_raised", "Concerns you raised", order=47)
def concerns_raised(user) -> list[dict]:
    """As their author. A concern raised about you is for the designated contacts only."""
    rows = SafetyConcern.objects.filter(raised_by=user).select_related("relationship__learner")
    return [
        {
            "About": c.relationship.learner.full_name or c.relationship.learner.email,
            "Urgency": c.get_urgency_display(),
            "What you wrote": c.description,
            "Raised": c.created_at,
        }
        for c in rows
    ]


# The audit entries about you: what you did, and what happened to your pairings. Rematch
# requests and concerns are left out unless you made them (the policy hides them from
# you), and so is why a pairing ended, unless you wrote it.

_HIDDEN_FAMILIES = ("rematch.", "concern.")
_REASON_KEYS = frozenset({"reason", "note"})


@section("audit", "Audit log entries about you", order=90)
def audit(user) -> list[dict]:
    own_rels = [str(u) for u in Relationship.objects.for_party(user).values_list("uuid", flat=True)]
    rows = AuditEntry.objects.filter(
        Q(actor=user)
        | Q(target_type="relationships.relationship", target_id__in=own_rels)
        | Q(target_type="accounts.user", target_id=str(user.uuid))
    ).select_related("program")
    records = []
    for entry in rows.order_by("at", "id"):
        mine = entry.actor_id == user.pk
        if not mine and entry.action.startswith(_HIDDEN_FAMILIES):
            continue
        data = (
            entry.data if mine else {k: v for k, v in entry.data.items() if k not in _REASON_KEYS}
        )
        records.append(
            {
                "When": entry.at,
                "Program": entry.program.name if entry.program else "",
                "What": _action_label(entry.action),
                "Code": entry.action,
                "By you": mine,
                "Details": data,
            }
        )
    return records


def _action_label(code: str) -> str:
    return AuditAction(code).label if code in AuditAction.values else code
