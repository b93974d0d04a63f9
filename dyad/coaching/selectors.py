"""Reads for coaching. Every list starts from the program or from the viewing user."""

from __future__ import annotations

from django.db.models import Count

from dyad.accounts.models import User
from dyad.coaching.models import (
    CoachingSettings,
    Engagement,
    EngagementState,
    EngagementType,
    ValuesExercise,
    current_state_expression,
)
from dyad.lib import coaching as rules
from dyad.programs.models import GuidanceKind, Membership, Role
from dyad.relationships.models import Relationship

# Who may be coached in each type of engagement (SPEC §0, M7).
COACHEE_ROLES = {
    EngagementType.PROGRAM_WIDE: (Role.RESIDENT, Role.FELLOW, Role.CHIEF_RESIDENT),
    EngagementType.TARGETED: (Role.RESIDENT, Role.FELLOW, Role.CHIEF_RESIDENT),
    EngagementType.EXECUTIVE: (Role.CHIEF_RESIDENT, Role.JUNIOR_FACULTY),
}


def settings_of(program) -> CoachingSettings:
    """The program's coaching model; the defaults (referral only) until leaders choose."""
    found = CoachingSettings.objects.filter(program=program).first()
    return found or CoachingSettings(program=program)


def coachees(program, engagement_types):
    """The people a leader may start an engagement of one of these types for."""
    roles = {role for t in engagement_types for role in COACHEE_ROLES[EngagementType(t)]}
    members = Membership.objects.active().filter(program=program, role__in=roles)
    return User.objects.filter(pk__in=members.values("user_id"))


def coaches(program):
    """People of the program who offer coaching with places, external coaches included."""
    members = Membership.objects.active().filter(program=program).values("user_id")
    return User.objects.filter(
        pk__in=members,
        guide_profile__offers__kind=GuidanceKind.COACHING,
        guide_profile__offers__capacity__gt=0,
    ).distinct()


def is_coachee_of_type(program, user, engagement_type) -> bool:
    return (
        Membership.objects.active()
        .filter(program=program, user=user, role__in=COACHEE_ROLES[EngagementType(engagement_type)])
        .exists()
    )


def engagement_counts(program) -> list[dict]:
    """Engagements by type and state, every combination shown (zeros too). One query."""
    rows = (
        Engagement.objects.for_program(program)
        .annotate(current=current_state_expression())
        .values("type", "current")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = {(r["type"], r["current"]): r["n"] for r in rows}
    return [
        {
            "type": label,
            "counts": [found.get((value, state), 0) for state in EngagementState.values],
            "total": sum(found.get((value, state), 0) for state in EngagementState.values),
        }
        for value, label in EngagementType.choices
    ]


def engagements_for_leaders(program):
    """Every engagement of the program, newest first, with its pair and referral: two
    queries whatever their number (the referral is joined)."""
    return (
        Engagement.objects.for_program(program)
        .select_related(
            "program", "relationship__learner", "relationship__guide", "referral__referred_by"
        )
        .order_by("state", "-start_date", "-pk")
    )


def engagements_of(program, user):
    """The viewer's own engagements, as coachee or coach."""
    return (
        Engagement.objects.for_program(program)
        .for_party(user)
        .select_related(
            "program", "relationship__learner", "relationship__guide", "referral__referred_by"
        )
        .order_by("state", "-start_date", "-pk")
    )


def values_exercise(program, owner) -> ValuesExercise:
    """The coachee's exercise; an unsaved empty one until they first save it."""
    found = ValuesExercise.objects.filter(program=program, owner=owner).first()
    return found or ValuesExercise(program=program, owner=owner)


def available_values(exercise: ValuesExercise) -> list[str]:
    """The default list followed by the values the coachee added."""
    own = [v for v in exercise.own_values if v not in rules.DEFAULT_VALUES]
    return [*rules.DEFAULT_VALUES, *own]


def shareable_relationships(program, user):
    """The coachee's open coaching relationships: where they may share their values."""
    return (
        Relationship.objects.for_program(program)
        .holding_seats()
        .filter(learner=user, kind=GuidanceKind.COACHING)
        .select_related("guide")
    )


def coachees_sharing_values(program, coach) -> list[Relationship]:
    """The open coaching relationships of `coach` whose coachee shared their values."""
    return list(
        Relationship.objects.for_program(program)
        .holding_seats()
        .filter(guide=coach, kind=GuidanceKind.COACHING, shared_values__isnull=False)
        .select_related("learner")
        .distinct()
    )
