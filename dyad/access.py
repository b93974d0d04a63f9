"""Fetch-and-check helpers, one per kind of object, called first in every view.

A program the user does not belong to, and anything of it, is a 404 (its existence is not
revealed); a member whose role does not allow the action gets a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from dyad import policy
from dyad.accounts.models import User
from dyad.changes import pages
from dyad.meetings.models import Meeting
from dyad.policy import Viewer
from dyad.profiles.models import GuideProfile
from dyad.programs.models import Membership, Program, RosterImport
from dyad.relationships.models import (
    EvaluativeRole,
    GuideRequest,
    Relationship,
    RematchRequest,
)

if TYPE_CHECKING:
    from dyad.matching.models import MatchRound, MatchRun, PairRule

Allow = Callable[[Viewer, Any], bool]


def viewer_for(user: Any, program: Program) -> Viewer:
    roles = frozenset(
        Membership.objects.for_user(user)
        .filter(program=program)
        .order_by()
        .values_list("role", flat=True)
    )
    return Viewer(user=user, program=program, roles=roles)


def get_program(request: HttpRequest, slug: str, *, allow: Callable[[Viewer], bool]) -> Viewer:
    """The program as the requesting user sees it, or 404 (outsider) / 403 (wrong role)."""
    # For a kept page, before anything else of the program is read (dyad.changes.pages).
    version = pages.read_version_first(request, Program.objects.filter(slug=slug).values("pk"))
    viewer = _member_viewer(request.user, slug)
    if viewer is None:
        # Whether the program exists or not: an outsider must not learn which.
        raise Http404("No such program")
    if policy.needs_second_factor(
        viewer, institution_requires=settings.DYAD_REQUIRE_MFA_FOR_LEADERS
    ) and not has_second_factor(request.user):
        raise SecondFactorRequired
    if not allow(viewer):
        raise PermissionDenied
    # A kept page (dyad.changes.pages.keep) is served from here on: the viewer may see it.
    pages.look_up(request, [viewer.program.pk], version=version)
    return viewer


def _member_viewer(user: Any, slug: str) -> Viewer | None:
    """The viewer of the program `slug` if the user holds a role in it, in one query."""
    programs = _viewers(user, program__slug=slug)
    return programs[0] if programs else None


def own_program_ids(user: Any) -> QuerySet:
    """The ids of the user's programs, as a query (read as a subquery by `own_programs`'
    kept pages, before the list itself)."""
    return Membership.objects.for_user(user).values("program")


def own_programs(user: Any) -> tuple[list[Program], Viewer | None]:
    """The user's programs by name, and the viewer for the top bar's program menu when
    there is exactly one (the pages of one's own account), in one query."""
    viewers = _viewers(user)
    programs = sorted((v.program for v in viewers), key=lambda program: program.name)
    return programs, viewers[0] if len(viewers) == 1 else None


def _viewers(user: Any, **memberships: Any) -> list[Viewer]:
    """A viewer per program of the user's active memberships (those matching
    `memberships`). The programs, the roles and whether the user keeps a guide profile
    (which the navigation asks of every page) come in one query."""
    rows = list(
        Membership.objects.for_user(user)
        .filter(**memberships)
        .select_related("program", "user__guide_profile")
        .order_by()
    )
    if not rows:
        return []
    profile = getattr(rows[0].user, "guide_profile", None)
    User.guide_profile.related.set_cached_value(user, profile)
    roles: dict[int, set[str]] = {}
    programs: dict[int, Program] = {}
    for membership in rows:
        roles.setdefault(membership.program_id, set()).add(membership.role)
        programs[membership.program_id] = membership.program
    return [Viewer(user=user, program=programs[pk], roles=frozenset(roles[pk])) for pk in roles]


class SecondFactorRequired(PermissionDenied):
    """A leader without a second factor asked for a page of a program that requires one;
    dyad.accounts.middleware sends them to set one up."""


def has_second_factor(user: Any) -> bool:
    """An authenticator app or a passkey (recovery codes alone are not a second factor)."""
    from allauth.mfa.models import Authenticator

    kinds = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    return Authenticator.objects.filter(user_id=user.pk, type__in=kinds).exists()


def get_guide_profile(viewer: Viewer, profile_uuid: UUID, *, allow: Allow) -> GuideProfile:
    profile = get_object_or_404(
        GuideProfile.objects.in_program(viewer.program).select_related("user"),
        uuid=profile_uuid,
    )
    if not allow(viewer, profile):
        raise PermissionDenied
    return profile


def get_roster_import(viewer: Viewer, import_uuid: UUID) -> RosterImport:
    return get_object_or_404(viewer.program.roster_imports, uuid=import_uuid)


def get_relationship(viewer: Viewer, rel_uuid: UUID, *, allow: Allow | None = None) -> Relationship:
    """A relationship of the program. Someone who may not even know that it exists gets a
    404, as an outsider would; a viewer who may see it but not do `allow` gets a 403."""
    relationship = get_object_or_404(
        Relationship.objects.for_program(viewer.program).select_related(
            "learner", "guide", "focus_area", "program"
        ),
        uuid=rel_uuid,
    )
    if not policy.can_view_relationship(viewer, relationship):
        raise Http404("No such relationship")
    if allow is not None and not allow(viewer, relationship):
        raise PermissionDenied
    return relationship


def get_guide_request(
    viewer: Viewer, req_uuid: UUID, *, allow: Allow | None = None
) -> GuideRequest:
    request = get_object_or_404(
        GuideRequest.objects.filter(program=viewer.program).select_related("learner", "guide"),
        uuid=req_uuid,
    )
    if not policy.can_view_guide_request(viewer, request):
        raise Http404("No such request")
    if allow is not None and not allow(viewer, request):
        raise PermissionDenied
    return request


def get_evaluative_role(viewer: Viewer, role_uuid: UUID) -> EvaluativeRole:
    return get_object_or_404(EvaluativeRole.objects.filter(program=viewer.program), uuid=role_uuid)


def get_rematch_request(
    viewer: Viewer, request_uuid: UUID, *, allow: Allow | None = None
) -> RematchRequest:
    """A rematch request of the program. Anyone who may not read it (the other party
    above all) gets a 404, as if it did not exist; `allow` decides the action (403)."""
    request = get_object_or_404(
        RematchRequest.objects.filter(relationship__program=viewer.program).select_related(
            "relationship__learner", "relationship__guide", "relationship__program", "requested_by"
        ),
        uuid=request_uuid,
    )
    if not policy.can_view_rematch_request(viewer, request):
        raise Http404("No such request")
    if allow is not None and not allow(viewer, request):
        raise PermissionDenied
    return request


def get_meeting(viewer: Viewer, meeting_uuid: UUID, *, allow: Allow | None = None) -> Meeting:
    """A meeting of the program, visible to whoever may see its relationship (404 for
    anyone else); `allow` decides the action (403)."""
    meeting = get_object_or_404(
        Meeting.objects.filter(relationship__program=viewer.program).select_related(
            "relationship__learner", "relationship__guide", "relationship__program"
        ),
        uuid=meeting_uuid,
    )
    if not policy.can_view_meeting(viewer, meeting):
        raise Http404("No such meeting")
    if allow is not None and not allow(viewer, meeting):
        raise PermissionDenied
    return meeting


def get_round(viewer: Viewer, round_uuid: UUID, *, allow: Allow | None = None) -> MatchRound:
    """A match round of the program (404 otherwise); `allow(viewer, round)` decides (403)."""
    from dyad.matching.models import MatchRound

    match_round = get_object_or_404(
        MatchRound.objects.for_program(viewer.program).select_related("program"), uuid=round_uuid
    )
    if allow is not None and not allow(viewer, match_round):
        raise PermissionDenied
    return match_round


def get_run(match_round: MatchRound, number: int) -> MatchRun:
    """A run of the round, by its number."""
    return get_object_or_404(match_round.runs.select_related("created_by"), number=number)


def get_pair_rule(match_round: MatchRound, rule_uuid: UUID) -> PairRule:
    """A pin or forbid of the round."""
    return get_object_or_404(match_round.rules.select_related("learner", "guide"), uuid=rule_uuid)


def get_program_person(viewer: Viewer, user_uuid: UUID) -> Any:
    """A person who holds a role in the program (404 otherwise, as for anyone unknown)."""
    from dyad.accounts.models import User

    return get_object_or_404(
        User.objects.filter(memberships__program=viewer.program).distinct(), uuid=user_uuid
    )
