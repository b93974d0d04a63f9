"""Builders for goal tests: goals are made through the services, as learners make them."""

from datetime import date, timedelta

from django.utils import timezone

from dyad.goals import services
from dyad.goals.models import AchievementKind, Competency

SMART_FIELDS = {
    "title": "Present a quality-improvement poster at the regional pediatrics meeting",
    "description": "Use the hand-off audit from my NICU rotation as the project.",
    "measure": "Abstract submitted by January 15 and poster presented in April",
    "relevance": "I want to apply to a neonatology fellowship",
    "competency": Competency.PBLI,
}


def make_goal(*, relationship=None, program=None, learner=None, acting_user=None, **fields):
    """A goal of the relationship's learner within it, or a personal goal of `learner`.
    SMART by default (target date four months ahead); any field can be overridden."""
    if relationship is not None:
        program, learner = relationship.program, relationship.learner
    values = {**SMART_FIELDS, "target_date": timezone.localdate() + timedelta(days=120)}
    values.update(fields)
    return services.goal_create(
        program=program,
        learner=learner,
        relationship=relationship,
        acting_user=acting_user or learner,
        **values,
    )


def make_achievement(*, program, learner, acting_user=None, **fields):
    values = {
        "kind": AchievementKind.PRESENTATION,
        "title": "Poster at the regional pediatrics meeting",
        "date": date(2026, 4, 12),
    }
    values.update(fields)
    return services.achievement_record(
        program=program, learner=learner, acting_user=acting_user or learner, **values
    )


def make_ilp(*, program, learner, year=2026, shared_with=(), **sections):
    """A learner's plan for `year`, made through the services: sections given, shared with
    the pairings given (and then shared for review, when there are any)."""
    ilp = services.ilp_start(program=program, learner=learner, year=year, acting_user=learner)
    if sections:
        ilp = services.ilp_update(ilp=ilp, acting_user=learner, **sections)
    if shared_with:
        services.ilp_share(ilp=ilp, acting_user=learner, shared_with=list(shared_with))
        ilp = services.ilp_submit(ilp=ilp, acting_user=learner)
    return ilp
