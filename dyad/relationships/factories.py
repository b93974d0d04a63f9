"""Builders for relationship tests. Relationships, agreements and requests are made through
the services, as people make them, so that a test starts from a state the product can reach
(a seat, an agreement v1, the events and audit entries)."""

from datetime import date

import factory

from dyad.accounts.factories import UserFactory
from dyad.profiles.factories import GuideProfileFactory
from dyad.programs.factories import MembershipFactory, ProgramFactory
from dyad.programs.models import GuidanceKind, Membership, Role
from dyad.relationships import services
from dyad.relationships.models import (
    DoNotRepair,
    EvaluativeKind,
    EvaluativeRole,
    Origin,
    SafetyContact,
)

DEFAULT_GOALS = "Find a research project for PGY-2 and plan the first abstract."


class EvaluativeRoleFactory(factory.django.DjangoModelFactory):
    """A program-wide role by default (CCC member: evaluates every learner); give
    kind=ROTATION_SUPERVISOR and a learner for rotation supervision."""

    class Meta:
        model = EvaluativeRole

    program = factory.SubFactory(ProgramFactory)
    evaluator = factory.SubFactory(UserFactory)
    kind = EvaluativeKind.CCC_MEMBER
    learner = None
    start_date = date(2024, 7, 1)
    end_date = None


class SafetyContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SafetyContact

    program = factory.SubFactory(ProgramFactory)
    user = factory.SubFactory(UserFactory)


class DoNotRepairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DoNotRepair

    program = factory.SubFactory(ProgramFactory)
    learner = factory.SubFactory(UserFactory)
    guide = factory.SubFactory(UserFactory)


def make_learner(program, first="Lee", last="Learner", *, role=Role.RESIDENT, **kwargs):
    """A learner of the program (a PGY-1 resident by default)."""
    pgy = kwargs.pop("pgy", 1 if role == Role.RESIDENT else None)
    return MembershipFactory(
        program=program, role=role, pgy=pgy, user__first_name=first, user__last_name=last, **kwargs
    ).user


def make_guide(program, first="Gale", last="Guide", *, offers=None, role=Role.FACULTY, **kwargs):
    """A member of the program with a guide profile; offers={kind: capacity}, mentoring ×2
    by default. Extra keyword arguments go to the profile (e.g. accepting_new=False)."""
    user = MembershipFactory(
        program=program, role=role, user__first_name=first, user__last_name=last
    ).user
    GuideProfileFactory(user=user, offers=offers or {GuidanceKind.MENTORING: 2}, **kwargs)
    return user


def director_of(program):
    """A program director of the program: the first one, or a new one."""
    membership = Membership.objects.filter(program=program, role=Role.DIRECTOR).first()
    if membership:
        return membership.user
    return MembershipFactory(program=program, role=Role.DIRECTOR).user


def make_relationship(
    *,
    program,
    learner=None,
    guide=None,
    kind=GuidanceKind.MENTORING,
    acting_user=None,
    origin=Origin.ASSIGNED,
    goals=DEFAULT_GOALS,
    **kwargs,
):
    """A proposed relationship made by services.relationship_create (by a director unless
    acting_user says otherwise); learner and guide are created when not given."""
    learner = learner or make_learner(program)
    guide = guide or make_guide(program, offers={kind: 2})
    return services.relationship_create(
        program=program,
        learner=learner,
        guide=guide,
        kind=kind,
        origin=origin,
        acting_user=acting_user or director_of(program),
        goals=goals,
        **kwargs,
    )


def acknowledge_both(relationship):
    """Both parties acknowledge the newest agreement version; returns it."""
    agreement = relationship.current_agreement()
    services.agreement_acknowledge(agreement=agreement, acting_user=relationship.learner)
    agreement = services.agreement_acknowledge(agreement=agreement, acting_user=relationship.guide)
    relationship.refresh_from_db()
    return agreement


def make_active_relationship(**kwargs):
    relationship = make_relationship(**kwargs)
    acknowledge_both(relationship)
    return relationship


def revise_agreement(relationship, acting_user, **changes):
    """A new agreement version that keeps everything of the newest one but `changes`."""
    current = relationship.current_agreement()
    fields = {
        "goals": current.goals,
        "meeting_frequency": current.meeting_frequency,
        "later_after_months": current.later_after_months,
        "later_frequency": current.later_frequency,
        "scheduler": current.scheduler,
        "preferred_modes": current.preferred_modes,
        "confidentiality": current.confidentiality,
        "consent": current.consent,
    }
    fields.update(changes)
    return services.agreement_revise(relationship=relationship, acting_user=acting_user, **fields)


def make_guide_request(*, program, learner, guide, kind=GuidanceKind.MENTORING, **kwargs):
    """A pending request made by the learner through services.guide_request_create."""
    kwargs.setdefault("message", "I would like to work on a research project with you.")
    return services.guide_request_create(
        program=program, learner=learner, guide=guide, kind=kind, acting_user=learner, **kwargs
    )
