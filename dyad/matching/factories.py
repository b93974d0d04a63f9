"""Builders for match-round tests, through the services as leaders and learners would."""

from datetime import timedelta

from django.utils import timezone

from dyad.matching import services
from dyad.programs.models import GuidanceKind, Role
from dyad.relationships.factories import director_of


def make_round(
    *,
    program,
    guides,
    learners=None,
    kind=GuidanceKind.MENTORING,
    acting_user=None,
    deadline=None,
    roles=(Role.RESIDENT,),
    pgy_levels=(),
    **kwargs,
):
    """An open round whose lists close in a week. The cohort is every resident of the
    program unless `learners` narrows it."""
    match_round = services.round_open(
        program=program,
        acting_user=acting_user or director_of(program),
        name=kwargs.pop("name", "Mentors for the interns"),
        kind=kind,
        learner_roles=list(roles),
        pgy_levels=list(pgy_levels),
        guides=guides,
        deadline=deadline or timezone.now() + timedelta(days=7),
        **kwargs,
    )
    if learners is not None:
        match_round.learners.set(learners)
    return match_round


def rank(match_round, learner, *guides):
    return services.ranking_save(
        match_round=match_round, learner=learner, guides=list(guides), acting_user=learner
    )


def mark(match_round, guide, marks):
    """marks: {learner: (mark, rank)}, e.g. {ann: ("prefer", None)}."""
    return services.guide_marks_save(
        match_round=match_round, guide=guide, marks=marks, acting_user=guide
    )


def run(match_round, acting_user=None, **kwargs):
    return services.round_run(
        match_round=match_round,
        acting_user=acting_user or director_of(match_round.program),
        **kwargs,
    )
