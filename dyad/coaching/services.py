"""Writes for coaching: each checks its rules, writes, audits and notifies in one
transaction. No referral ever carries a reason, in the database, the audit log or a notice."""

from __future__ import annotations

import secrets
from datetime import date

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dyad import policy
from dyad.access import viewer_for
from dyad.accounts.models import User
from dyad.audit.actions import AuditAction
from dyad.audit.services import audit_log
from dyad.coaching import selectors
from dyad.coaching.models import (
    CoachingSettings,
    Engagement,
    EngagementState,
    EngagementType,
    Referral,
    ValuesExercise,
    ValuesShare,
)
from dyad.lib import coaching as rules
from dyad.notifications import send_notice
from dyad.profiles.models import GuideOffer, GuideProfile
from dyad.programs.invitations import invitations_queue
from dyad.programs.models import GuidanceKind, Membership, Role
from dyad.relationships import services as relationship_services
from dyad.relationships.models import EndReason, Origin


class CoachingError(ValidationError):
    """A rule refused the change; the message says why and what to do."""


def _require_leader(program, acting_user) -> None:
    if not policy.can_manage_coaching(viewer_for(acting_user, program)):
        raise PermissionDenied("Only program leaders manage coaching.")


@transaction.atomic
def coaching_settings_save(
    *, program, program_wide: bool, targeted: bool, executive: bool, acting_user
) -> CoachingSettings:
    _require_leader(program, acting_user)
    found, _ = CoachingSettings.objects.select_for_update().get_or_create(program=program)
    found.program_wide, found.targeted, found.executive = program_wide, targeted, executive
    found.updated_by = acting_user
    found.save()
    audit_log(
        action=AuditAction.COACHING_SETTINGS_CHANGED,
        actor=acting_user,
        program=program,
        target=found,
        data={"offered": found.offered_types},
    )
    return found


def _check_terms(*, program, learner, engagement_type, start, planned_end, cadence) -> None:
    if not selectors.settings_of(program).offers(engagement_type):
        label = EngagementType(engagement_type).label.lower()
        raise CoachingError(
            f"{program.name} does not offer {label} coaching: change how coaching is offered first."
        )
    if not selectors.is_coachee_of_type(program, learner, engagement_type):
        who = {
            EngagementType.EXECUTIVE: "chief residents and junior faculty",
        }.get(engagement_type, "residents, fellows and chief residents")
        raise CoachingError(
            {"learner": f"{EngagementType(engagement_type).label} coaching is for {who}."}
        )
    problems = rules.engagement_problems(
        executive=engagement_type == EngagementType.EXECUTIVE,
        start=start,
        planned_end=planned_end,
        cadence=cadence,
    )
    if problems:
        raise CoachingError(problems)


@transaction.atomic
def engagement_start(
    *,
    program,
    learner,
    coach,
    engagement_type,
    start_date: date,
    planned_end: date | None,
    cadence: str,
    acting_user,
    goals: str = "",
) -> Engagement:
    """Pair the coachee with the coach (the relationship service leaders' assignments use,
    with the agreed cadence as its agreement's frequency) and record the engagement."""
    _require_leader(program, acting_user)
    _check_terms(
        program=program,
        learner=learner,
        engagement_type=engagement_type,
        start=start_date,
        planned_end=planned_end,
        cadence=cadence,
    )
    relationship = relationship_services.relationship_create(
        program=program,
        learner=learner,
        guide=coach,
        kind=GuidanceKind.COACHING,
        origin=Origin.ASSIGNED,
        acting_user=acting_user,
        start_date=start_date,
        meeting_frequency=cadence,
        goals=goals,
    )
    engagement = Engagement.objects.create(
        program=program,
        relationship=relationship,
        type=engagement_type,
        start_date=start_date,
        planned_end=planned_end,
        cadence=cadence,
        created_by=acting_user,
    )
    audit_log(
        action=AuditAction.COACHING_ENGAGEMENT_STARTED,
        actor=acting_user,
        program=program,
        target=engagement,
        data={"type": engagement_type, "cadence": cadence, "relationship": str(relationship.uuid)},
    )
    send_notice(
        to=[learner, coach],
        subject=f"Coaching arranged in {program.name}",
        template="coaching/email/engagement_started.txt",
        context={"engagement": engagement},
    )
    return engagement


@transaction.atomic
def referral_create(
    *,
    program,
    learner,
    coach,
    start_date: date,
    planned_end: date | None,
    cadence: str,
    acting_user,
    goals: str = "",
) -> Referral:
    """A leader refers a resident to coaching. It records only that coaching happens, who
    referred and when; the resident and the coach are told, without any reason."""
    engagement = engagement_start(
        program=program,
        learner=learner,
        coach=coach,
        engagement_type=EngagementType.TARGETED,
        start_date=start_date,
        planned_end=planned_end,
        cadence=cadence,
        acting_user=acting_user,
        goals=goals,
    )
    referral = Referral.objects.create(engagement=engagement, referred_by=acting_user)
    audit_log(
        action=AuditAction.COACHING_REFERRED,
        actor=acting_user,
        program=program,
        target=engagement,
        data={"learner": learner.email, "coach": coach.email},
    )
    return referral


@transaction.atomic
def engagement_end(*, engagement, state: str, acting_user) -> Engagement:
    """Complete or stop an engagement; its coaching relationship ends with it."""
    engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
    program = engagement.program
    _require_leader(program, acting_user)
    if engagement.state != EngagementState.ACTIVE:
        raise CoachingError("This engagement has already ended.")
    if state not in (EngagementState.COMPLETED, EngagementState.STOPPED):
        raise CoachingError("Choose whether the engagement was completed or stopped.")
    engagement.state, engagement.ended_at = state, timezone.now()
    engagement.save(update_fields=["state", "ended_at"])
    audit_log(
        action=AuditAction.COACHING_ENGAGEMENT_ENDED,
        actor=acting_user,
        program=program,
        target=engagement,
        data={"state": state},
    )
    if engagement.relationship.is_open:
        reason = EndReason.COMPLETED if state == EngagementState.COMPLETED else EndReason.OTHER
        relationship_services.relationship_end(
            relationship=engagement.relationship, acting_user=acting_user, reason=reason
        )
    return engagement


@transaction.atomic
def external_coach_invite(
    *, program, email: str, first_name: str, last_name: str, agency: str, capacity: int, acting_user
) -> User:
    """An external agency's coach: an account invited like others, a membership that
    reaches only their own coachees, and a coaching offer with `capacity` places."""
    _require_leader(program, acting_user)
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    is_new = user is None
    if user is None:
        user = User.objects.create(
            email=email,
            first_name=first_name,
            last_name=last_name,
            password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
        )
    elif (
        Membership.objects.filter(program=program, user=user)
        .exclude(role=Role.EXTERNAL_COACH)
        .exists()
    ):
        raise CoachingError(
            {"email": f"{user} already belongs to {program.name}: assign them as a coach."}
        )
    Membership.objects.update_or_create(
        program=program,
        user=user,
        role=Role.EXTERNAL_COACH,
        defaults={"department": agency, "is_active": True},
    )
    profile, _ = GuideProfile.objects.get_or_create(
        user=user, defaults={"department": agency, "title": "Coach"}
    )
    GuideOffer.objects.update_or_create(
        profile=profile, kind=GuidanceKind.COACHING, defaults={"capacity": capacity}
    )
    if is_new:
        invitations_queue(program=program, users=[user], invited_by=acting_user)
    audit_log(
        action=AuditAction.COACHING_COACH_INVITED,
        actor=acting_user,
        program=program,
        target=user,
        data={"coach": email, "agency": agency, "capacity": capacity},
    )
    return user


@transaction.atomic
def values_save(
    *, program, acting_user, ranked: list[str], reflections: dict[str, str], add_value: str = ""
) -> ValuesExercise:
    """The coachee's own values: a value they add joins their list; the ranking keeps
    the order given, most important first."""
    if not policy.can_keep_values(viewer_for(acting_user, program)):
        raise PermissionDenied
    exercise, _ = ValuesExercise.objects.select_for_update().get_or_create(
        program=program, owner=acting_user
    )
    added = rules.clean_value(add_value)
    if added and added not in selectors.available_values(exercise):
        if len(exercise.own_values) >= rules.MAX_OWN_VALUES:
            raise CoachingError(
                {"add_value": f"You can add up to {rules.MAX_OWN_VALUES} values of your own."}
            )
        exercise.own_values = [*exercise.own_values, added]
    picked, problems = rules.ranked_values(ranked, selectors.available_values(exercise))
    if problems:
        raise CoachingError(" ".join(problems))
    exercise.ranked = picked
    keys = {key for key, _ in rules.PROMPTS}
    exercise.reflections = {k: v.strip() for k, v in reflections.items() if k in keys}
    exercise.save()
    return exercise


@transaction.atomic
def values_share_set(*, program, acting_user, relationships) -> ValuesExercise:
    """Share the values with exactly these coaching relationships of the coachee's."""
    viewer = viewer_for(acting_user, program)
    if not policy.can_keep_values(viewer):
        raise PermissionDenied
    relationships = list(relationships)
    if any(not policy.can_share_values_with(viewer, r) for r in relationships):
        raise PermissionDenied
    exercise, _ = ValuesExercise.objects.get_or_create(program=program, owner=acting_user)
    before = {s.relationship_id: s for s in exercise.shares.select_related("relationship")}
    wanted = {r.pk: r for r in relationships}
    for pk, share in before.items():
        if pk not in wanted:
            share.delete()
            _share_audit(AuditAction.COACHING_VALUES_UNSHARED, share.relationship, acting_user)
    for pk, relationship in wanted.items():
        if pk not in before:
            ValuesShare.objects.create(exercise=exercise, relationship=relationship)
            _share_audit(AuditAction.COACHING_VALUES_SHARED, relationship, acting_user)
    return exercise


def _share_audit(action, relationship, acting_user) -> None:
    audit_log(action=action, actor=acting_user, program=relationship.program, target=relationship)
