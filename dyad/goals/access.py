"""Fetch-and-check for goals, as `dyad.access` does for the other kinds of object."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from dyad import policy
from dyad.access import Allow
from dyad.goals.models import Goal
from dyad.goals.selectors import goal_consent
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
    if not policy.can_view_goal(viewer, goal, goal_consent(goal)):
        raise Http404("No such goal")
    if allow is not None and not allow(viewer, goal):
        raise PermissionDenied
    return goal
