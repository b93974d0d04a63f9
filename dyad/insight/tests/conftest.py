from datetime import date, datetime

import pytest
import time_machine
from django.utils import timezone

from dyad.goals.factories import make_goal, make_ilp
from dyad.goals.models import Goal, Ilp
from dyad.insight.tests.helpers import held, pairing
from dyad.programs.models import GuidanceKind, InstitutionAdmin
from dyad.relationships import services
from dyad.relationships.factories import make_guide, make_learner

# Academic year 2025–26 (July start), seen in March 2026.
TODAY = date(2026, 3, 16)


@pytest.fixture
def today():
    with time_machine.travel(datetime(2026, 3, 16, 12, 0), tick=False):
        yield TODAY


@pytest.fixture
def busy_program(program, director, today):
    """Three learners, two guides: two mentoring pairs (one met twice, one ended as a
    rematch), one coaching pair that has not met; goals and plans for the year."""
    lee, kim, ash = (make_learner(program, n, "Learner") for n in ("Lee", "Kim", "Ash"))
    gale = make_guide(program, "Gale", "Guide", offers={GuidanceKind.MENTORING: 2})
    rae = make_guide(program, "Rae", "Guide", offers={GuidanceKind.COACHING: 2}, fte_effort=10)
    first = pairing(program, director, lee, gale, date(2025, 9, 1))
    held(first, date(2025, 9, 11))  # 10 days after the start
    held(first, date(2025, 11, 20), mode="video")
    with time_machine.travel(datetime(2026, 1, 10, 12, 0), tick=False):
        second = pairing(program, director, kim, gale, date(2025, 10, 1))
        services.relationship_end(relationship=second, acting_user=director, reason="rematch")
    pairing(program, director, ash, rae, date(2026, 2, 1), kind=GuidanceKind.COACHING)
    for status in ("achieved", "open", "achieved"):
        goal = make_goal(relationship=first, title=f"GOAL-TITLE-SECRET {status}")
        closed = timezone.now() if status != "open" else None
        Goal.objects.filter(pk=goal.pk).update(status=status, closed_at=closed)
    make_ilp(program=program, learner=lee, year=2025)
    done = make_ilp(program=program, learner=kim, year=2025)
    Ilp.objects.filter(pk=done.pk).update(state="completed", completed_at=timezone.now())
    return program


@pytest.fixture
def gme_admin(program):
    from dyad.accounts.factories import UserFactory

    user = UserFactory(email="gme@example.org")
    InstitutionAdmin.objects.create(user=user, institution=program.institution)
    return user
