"""What the API reads, through the same selectors the pages use."""

from __future__ import annotations

from django.utils import timezone

from dyad import policy
from dyad.home import selectors as home
from dyad.lib import cadence
from dyad.meetings.models import Meeting
from dyad.meetings.selectors import policies_for
from dyad.programs.models import Membership
from dyad.relationships.models import Relationship, State


def memberships(program):
    return (
        Membership.objects.filter(program=program)
        .select_related("user")
        .order_by("user__email", "role", "pk")
    )


def relationships(viewer):
    rows = (
        Relationship.objects.for_program(viewer.program)
        .select_related("learner", "guide", "program")
        .order_by("start_date", "pk")
    )
    return rows


def visible_relationships(viewer, rows) -> list[Relationship]:
    return [r for r in rows if policy.can_view_relationship(viewer, r)]


def meetings(viewer):
    return (
        policy.visible_meetings(viewer, Meeting.objects.all())
        .select_related("relationship")
        .order_by("starts_at", "pk")
    )


def metrics(program, now=None) -> dict:
    """Cadence compliance today and month by month, and learners without a guide by kind:
    the figures of the leaders' home page, from its selectors."""
    today = timezone.localdate(now)
    policies = policies_for(program)
    history, held = home._history(program, today, policies)
    current = [r for r in history if r.state == State.ACTIVE]
    good = sum(
        home._compliant(
            cadence.evaluate(policies[r.kind], r.start_date, held[r.pk], today, r.end_date).status
        )
        for r in current
    )
    return {
        "today": today,
        "active_pairs": len(current),
        "on_track": good,
        "compliance_percent": round(100 * good / len(current)) if current else None,
        "by_month": [
            {"month_end": day, "active_pairs": n, "on_track": ok}
            for day, n, ok in home.compliance_by_month(history, held, policies, today)
        ],
        "without_guide": [
            {"kind": row["kind"], "learners_without_guide": row["n"], "learners": row["total"]}
            for row in home.without_guide(program)
        ],
    }
