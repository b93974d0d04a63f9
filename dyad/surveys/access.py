"""Fetch-and-check for survey cycles and questions, as `dyad.access` does for others."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from dyad.access import Allow
from dyad.policy import Viewer
from dyad.surveys.models import Cycle, Question


def get_cycle(viewer: Viewer, cycle_uuid: UUID, *, allow: Allow) -> Cycle:
    """A cycle of the program (404 otherwise); `allow(viewer, cycle)` decides (403)."""
    cycle = get_object_or_404(
        Cycle.objects.for_program(viewer.program).select_related("program"), uuid=cycle_uuid
    )
    if not allow(viewer, cycle):
        raise PermissionDenied
    return cycle


def get_question(viewer: Viewer, question_uuid: UUID) -> Question:
    """One of the program's questions (the caller has checked the viewer may edit them)."""
    return get_object_or_404(
        Question.objects.filter(program=viewer.program).select_related("program"),
        uuid=question_uuid,
    )
