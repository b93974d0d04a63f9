"""Demo coaching: the program offers all three kinds, one external coach of an agency, and
three engagements: program-wide, targeted (a referral), and an executive engagement of a
chief resident over eight months. Made through the services; deterministic.

`executive_demo_relationship(program)` gives the executive coaching relationship, for
demo data that builds on it (360° feedback).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.db import transaction

from dyad.accounts.models import User
from dyad.coaching import services
from dyad.coaching.models import Engagement, EngagementType
from dyad.coaching.selectors import coaches
from dyad.lib.coaching import add_months
from dyad.profiles.models import ContentArea
from dyad.programs.models import GuidanceKind, Membership, Role
from dyad.relationships import services as relationship_services
from dyad.relationships.models import Relationship
from dyad.relationships.services import RelationshipError, guide_capacity, seats_taken

# The agency's coach has an account of the institution, as its contractors do.
AGENCY_COACH = ("Morgan", "Reed", "morgan.reed@riverside.example", "Summit Coaching")
AGENCY_COACH_BIO = (
    "Certified executive coach with Summit Coaching. I coach physicians on leadership, "
    "feedback conversations and finding a sustainable pace; I ask more than I tell."
)
GOALS = {
    EngagementType.PROGRAM_WIDE: "Set two SMART goals for the year and check in on them monthly.",
    EngagementType.TARGETED: "Find what gets in the way on busy days and try one change a month.",
    EngagementType.EXECUTIVE: "Lead the chief year: delegate, give feedback, run the meetings.",
}


def _without_coach(program, role) -> list:
    coached = Relationship.objects.for_program(program).filter(kind=GuidanceKind.COACHING)
    members = (
        Membership.objects.active()
        .filter(program=program, role=role)
        .exclude(user__in=coached.values("learner"))
        # The demo's logins (director@…, intern@…) keep the situations they are there to
        # show; everyone else's address is firstname.lastname@….
        .filter(user__email__regex=r"^[^@]+\.[^@]+@")
        .select_related("user")
        .order_by("pgy", "user__email")
    )
    return [m.user for m in members]


def _director(program):
    return (
        Membership.objects.filter(program=program, role=Role.DIRECTOR)
        .select_related("user")
        .order_by("user__email")
        .first()
        .user
    )


def _start(program, director, engagement_type, coachee, coach, start, months, cadence):
    kwargs = dict(
        program=program,
        learner=coachee,
        coach=coach,
        start_date=start,
        planned_end=add_months(start, months),
        cadence=cadence,
        acting_user=director,
        goals=GOALS[engagement_type],
    )
    if engagement_type == EngagementType.TARGETED:
        engagement = services.referral_create(**kwargs).engagement
    else:
        engagement = services.engagement_start(engagement_type=engagement_type, **kwargs)
    agreement = engagement.relationship.current_agreement()
    relationship_services.agreement_acknowledge(agreement=agreement, acting_user=coachee)
    relationship_services.agreement_acknowledge(agreement=agreement, acting_user=coach)
    return engagement


def _faculty_coach_with_room(program, external):
    for user in coaches(program).exclude(pk=external.pk).order_by("email"):
        if seats_taken(user, GuidanceKind.COACHING) < guide_capacity(user, GuidanceKind.COACHING):
            yield user


def seed_coaching(program, today: date) -> int:
    """Returns how many engagements it made; nothing when the program already has some."""
    if Engagement.objects.for_program(program).exists():
        return 0
    director = _director(program)
    services.coaching_settings_save(
        program=program, program_wide=True, targeted=True, executive=True, acting_user=director
    )
    first, last, email, agency = AGENCY_COACH
    coach = services.external_coach_invite(
        program=program,
        email=email,
        first_name=first,
        last_name=last,
        agency=agency,
        capacity=3,
        acting_user=director,
    )
    _complete_profile(coach, email)
    residents = _without_coach(program, Role.RESIDENT)
    chiefs = _without_coach(program, Role.CHIEF_RESIDENT)
    made = 0
    plans = [
        (EngagementType.PROGRAM_WIDE, residents[:1], today - timedelta(days=75), 10, "monthly"),
        (EngagementType.TARGETED, residents[1:2], today - timedelta(days=40), 4, "biweekly"),
        (EngagementType.EXECUTIVE, chiefs[:1], today - timedelta(days=60), 8, "biweekly"),
    ]
    for engagement_type, coachees, start, months, cadence in plans:
        for coachee in coachees:
            # A faculty coach for every resident's coaching, if one with room does not
            # evaluate the resident; the agency's coach for the rest.
            candidates = [coach]
            if engagement_type == EngagementType.PROGRAM_WIDE:
                candidates = [*_faculty_coach_with_room(program, coach), coach]
            for candidate in candidates:
                try:
                    with transaction.atomic():
                        _start(
                            program,
                            director,
                            engagement_type,
                            coachee,
                            candidate,
                            start,
                            months,
                            cadence,
                        )
                except RelationshipError:
                    continue
                made += 1
                break
    executive = executive_demo_relationship(program)
    if executive is not None:
        services.values_save(
            program=program,
            acting_user=executive.learner,
            ranked=["Integrity", "Teamwork", "Growth", "Compassion", "Balance"],
            reflections={
                "lived": "Running the intern orientation week: everyone knew what to do.",
                "tension": "Scheduling fairly and keeping everyone happy pull against honesty.",
                "next": "Say no to one meeting a week and use the time for feedback talks.",
            },
        )
        services.values_share_set(
            program=program, acting_user=executive.learner, relationships=[executive]
        )
    return made


def _complete_profile(coach, email: str) -> None:
    """A stable identity (the demo is the same every run) and a profile a coachee can
    read; the agency's coach gives no FTE effort to the program."""
    User.objects.filter(pk=coach.pk).update(uuid=uuid.uuid5(uuid.NAMESPACE_URL, f"demo:{email}"))
    profile = coach.guide_profile
    profile.bio = AGENCY_COACH_BIO
    profile.title = "Executive coach (Summit Coaching)"
    profile.languages = ["English"]
    profile.meeting_modes = ["video", "in_person"]
    profile.save()
    areas = ContentArea.objects.filter(
        program=None, slug__in=["leadership", "wellness", "career-planning"]
    )
    profile.content_areas.set(areas)


def executive_demo_relationship(program) -> Relationship | None:
    """The coaching relationship of the demo's executive engagement (a chief resident)."""
    engagement = (
        Engagement.objects.for_program(program)
        .filter(type=EngagementType.EXECUTIVE)
        .select_related("relationship__learner", "relationship__guide", "relationship__program")
        .order_by("start_date", "pk")
        .first()
    )
    return engagement.relationship if engagement else None
