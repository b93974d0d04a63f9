from datetime import date, timedelta

from django.utils import timezone

from dyad.goals.demo import seed_goals
from dyad.goals.models import Achievement, Goal
from dyad.lib import smart
from dyad.relationships.factories import make_active_relationship


def _pairs(program, director, n):
    start = timezone.localdate() - timedelta(days=60)
    return [
        make_active_relationship(program=program, acting_user=director, start_date=start)
        for _ in range(n)
    ]


def test_demo_goals_cover_every_stage(program, director):
    _pairs(program, director, 8)
    today = timezone.localdate()
    made = seed_goals(program, today)
    goals = Goal.objects.filter(program=program)
    assert made == goals.count() >= 4
    assert {g.status for g in goals} == {"open", "achieved", "dropped"}
    assert goals.filter(relationship__isnull=True).exists()  # a personal goal
    assert any(not smart.is_smart(g.as_draft(), today=today) for g in goals)  # a vague draft
    assert any(g.steps.filter(done_at__isnull=False).exists() for g in goals)
    assert any(g.check_ins.exists() for g in goals)
    assert Achievement.objects.filter(program=program, goal__status="achieved").exists()


def test_demo_goals_are_made_once(program, director):
    _pairs(program, director, 4)
    assert seed_goals(program, timezone.localdate()) > 0
    assert seed_goals(program, timezone.localdate()) == 0


def test_a_program_without_active_pairings_gets_no_goals(program):
    assert seed_goals(program, date(2026, 9, 1)) == 0


def test_demo_plans_cover_every_stage_and_are_made_once(program, director):
    from dyad.goals.demo import seed_ilps
    from dyad.goals.models import Ilp, IlpState

    _pairs(program, director, 8)
    today = timezone.localdate()
    made = seed_ilps(program, today)
    plans = Ilp.objects.filter(program=program)
    assert made == plans.count() == 4
    assert {p.state for p in plans} == set(IlpState.values)
    reviewed = plans.get(state=IlpState.REVIEWED)
    assert reviewed.reviews.count() == 1 and reviewed.reviews.get().snapshot["goals"]
    completed = plans.get(state=IlpState.COMPLETED)
    assert completed.year == plans.get(state=IlpState.DRAFT).year - 1
    assert completed.reviews.count() == 2 and completed.completed_at.date() < today
    assert all(goal.competency for plan in plans for goal in plan.goals.all())
    assert seed_ilps(program, today) == 0
