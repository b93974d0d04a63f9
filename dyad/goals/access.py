"""Fetch-and-check for goals, as `dyad.access` does for the other kinds of object."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from dyad import policy
from dyad.access import Allow
from dyad.goals.models import Goal, Ilp
from dyad.goals.selectors import goal_consent, ilp_consent
from dyad.policy import Viewer


def get_goal(viewer: Viewer, goal_uuid: UUID, *, allow: Allow | None = None) -> Goal:
    """A goal of the program. Whoever may not read it gets a 404 (its words, and for a
    personal goal its existence, are the learner's); `allow` decides the action (403)."""
    goal = get_object_or_404(
        Goal.objects.for_program(viewer.program).select_related(
            "learner", "relationship__guide", "relationship__learner", "program"
        ),
        uuid=goal_uuid,
    )
    # Consent only ever widens what leadership sees: it is read (one query) only for a
    # viewer the goal is not shown to without it.
    if not (
        policy.can_view_goal(viewer, goal, frozenset())
        or policy.can_view_goal(viewer, goal, goal_consent(goal))
    ):
        raise Http404("No such goal")
    if allow is not None and not allow(viewer, goal):
        raise PermissionDenied
    return goal


def get_ilp(viewer: Viewer, ilp_uuid: UUID, *, allow: Allow | None = None) -> Ilp:
    """A learning plan of the program. Leaders know every plan exists (its completion is
    theirs to see): without the learner's consent they get a 403. Anyone else who may not
    read it gets a 404, as an outsider would; `allow` decides the action (403)."""
    ilp = get_object_or_404(
        Ilp.objects.for_program(viewer.program).select_related("learner", "program"),
        uuid=ilp_uuid,
    )
    if not policy.can_view_ilp(viewer, ilp, ilp_consent(ilp)):
        if policy.knows_ilp_exists(viewer, ilp):
            raise PermissionDenied
        raise Http404("No such plan")
    if allow is not None and not allow(viewer, ilp):
        raise PermissionDenied
    return ilp
