"""Fetch-and-check for check-ins, as `dyad.access` does for the other kinds of object."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from dyad import policy
from dyad.access import Allow
from dyad.checkins.models import CheckIn
from dyad.policy import Viewer


def get_checkin(viewer: Viewer, checkin_uuid: UUID, *, allow: Allow | None = None) -> CheckIn:
    """A check-in of the program. Whoever may not read it (the other party first of all)
    gets a 404, as if it did not exist; `allow` decides the action (403)."""
    checkin = get_object_or_404(
        CheckIn.objects.filter(relationship__program=viewer.program).select_related(
            "relationship__program",
            "relationship__learner",
            "relationship__guide",
            "rater",
            "followed_up_by",
        ),
        uuid=checkin_uuid,
    )
    if not policy.can_view_checkin(viewer, checkin):
        raise Http404("No such check-in")
    if allow is not None and not allow(viewer, checkin):
        raise PermissionDenied
    return checkin
