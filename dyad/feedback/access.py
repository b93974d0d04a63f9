"""Fetch-and-check for 360° cycles, as `dyad.access` does for the other kinds of object."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from dyad import policy
from dyad.access import Allow
from dyad.feedback.models import Cycle
from dyad.policy import Viewer


def get_cycle(viewer: Viewer, cycle_uuid: UUID, *, allow: Allow | None = None) -> Cycle:
    """A cycle of the program. Anyone but the coachee and the coach gets a 404, leaders and
    evaluators included: they may not even learn that it exists. `allow` decides (403)."""
    cycle = get_object_or_404(
        Cycle.objects.filter(relationship__program=viewer.program).select_related(
            "relationship__learner", "relationship__guide", "relationship__program"
        ),
        uuid=cycle_uuid,
    )
    if not policy.can_see_360(viewer, cycle):
        raise Http404("No such cycle")
    if allow is not None and not allow(viewer, cycle):
        raise PermissionDenied
    return cycle
