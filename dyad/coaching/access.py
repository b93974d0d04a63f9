"""Fetch-and-check for coaching, as `dyad.access` does for the other kinds of object."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from dyad import policy
from dyad.access import Allow
from dyad.coaching.models import Engagement
from dyad.policy import Viewer


def get_engagement(viewer: Viewer, engagement_uuid: UUID, *, allow: Allow | None = None):
    """An engagement of the program. Whoever may not know that the resident is in
    coaching (an evaluator, another resident) gets a 404; `allow` decides the action (403)."""
    engagement = get_object_or_404(
        Engagement.objects.for_program(viewer.program).select_related(
            "program",
            "relationship__learner",
            "relationship__guide",
            "relationship__program",
            "referral__referred_by",
        ),
        uuid=engagement_uuid,
    )
    if not policy.can_view_engagement(viewer, engagement):
        raise Http404("No such engagement")
    if allow is not None and not allow(viewer, engagement):
        raise PermissionDenied
    return engagement
