"""Goals as the services write them: checks a user can act on, and the audit trail."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dyad.audit.models import AuditEntry
from dyad.goals import services
from dyad.goals.factories import make_achievement, make_goal
from dyad.goals.models import GoalStatus
from dyad.meetings import services as meeting_services
from dyad.relationships.factories import make_relationship
from dyad.relationships.services import relationship_end


def actions(goal_or_achievement):
    return list(
        AuditEntry.objects.filter(target_id=str(goal_or_achievement.uuid))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_a_goal_that_is_not_smart_is_saved_all_the_same(pairing):
    goal = make_goal(
        relationship=pairing, title="Improve", description="", measure="", target_date=None
    )
    assert goal.status == GoalStatus.OPEN
    assert actions(goal) == ["goal.created"]


def test_audit_entries_never_carry_the_words_of_the_goal(pairing):
    goal = make_goal(relationship=pairing, title="WORDS-OF-THE-GOAL")
    services.goal_update(goal=goal, acting_user=pairing.learner, measure="MEASURE-WORDS 3")
    services.goal_close(
        goal=goal, acting_user=pairing.learner, outcome="achieved", reflection="REFLECTION"
    )
    entries = AuditEntry.objects.filter(target_id=str(goal.uuid))
    assert [e.action for e in entries.order_by("id")] == [
        "goal.created",
        "goal.updated",
        "goal.closed",
    ]
    for entry in entries:
        assert "WORDS" not in str(entry.data) and "REFLECTION" not in str(entry.data)
    assert entries.get(action="goal.updated").data == {"fields": ["measure"]}


def test_a_goal_only_in_ones_own_open_pairing(program, pairing, director, resident):
    with pytest.raises(ValidationError, match="your own pairings"):
        services.goal_create(
            program=program,
            learner=resident,
            relationship=pairing,
            acting_user=resident,
            title="A goal in someone else's pairing",
        )
    relationship_end(relationship=pairing, acting_user=director, reason="completed")
    pairing.refresh_from_db()
    with pytest.raises(ValidationError, match="has ended"):
        make_goal(relationship=pairing)


def test_a_personal_goal_is_shared_only_with_guides_of_open_pairings(program, pairing, director):
    other = make_relationship(program=program, acting_user=director)
    with pytest.raises(ValidationError, match="open pairings"):
        make_goal(program=program, learner=pairing.learner, shared_with=[other])
    goal = make_goal(program=program, learner=pairing.learner, shared_with=[pairing])
    assert list(goal.shared_with.all()) == [pairing]


def test_closing_asks_for_a_reflection_and_then_freezes_the_goal(pairing):
    goal = make_goal(relationship=pairing)
    with pytest.raises(ValidationError, match="what you learned"):
        services.goal_close(
            goal=goal, acting_user=pairing.learner, outcome="dropped", reflection=" "
        )
    services.goal_close(
        goal=goal, acting_user=pairing.learner, outcome="dropped", reflection="Rotation changed."
    )
    goal.refresh_from_db()
    assert goal.status == GoalStatus.DROPPED and goal.closed_at
    with pytest.raises(ValidationError, match="already dropped"):
        services.step_add(goal=goal, acting_user=pairing.learner, text="One more thing")


def test_a_step_done_is_audited_and_undone_is_not(pairing):
    goal = make_goal(relationship=pairing)
    step = services.step_add(goal=goal, acting_user=pairing.guide, text="Draft the abstract")
    step = services.step_toggle(step=step, acting_user=pairing.guide)
    assert step.done_at and step.done_by == pairing.guide
    step = services.step_toggle(step=step, acting_user=pairing.learner)
    assert step.done_at is None
    assert actions(goal) == ["goal.created", "goal.milestone_done"]


def test_a_step_due_after_the_target_date_is_refused(pairing):
    goal = make_goal(relationship=pairing, target_date=timezone.localdate() + timedelta(days=30))
    with pytest.raises(ValidationError, match="after the goal's target date"):
        services.step_add(
            goal=goal,
            acting_user=pairing.learner,
            text="Late step",
            due_date=timezone.localdate() + timedelta(days=31),
        )


def test_a_check_in_at_a_meeting_links_the_goal_to_it(pairing):
    goal = make_goal(relationship=pairing)
    meeting = meeting_services.meeting_log(
        relationship=pairing,
        acting_user=pairing.learner,
        starts_at=timezone.now() - timedelta(days=1),
        duration_minutes=30,
        mode="video",
    )
    services.check_in(
        goal=goal, acting_user=pairing.guide, note="Abstract drafted", percent=40, meeting=meeting
    )
    assert list(goal.meetings.all()) == [meeting]


def test_a_check_in_says_how_far_along_and_at_which_meeting(program, pairing, director):
    goal = make_goal(relationship=pairing)
    with pytest.raises(ValidationError, match="how far along"):
        services.check_in(goal=goal, acting_user=pairing.learner, note="Some work")
    elsewhere = make_relationship(
        program=program,
        acting_user=director,
        start_date=timezone.localdate() - timedelta(days=30),
    )
    meeting = meeting_services.meeting_log(
        relationship=elsewhere,
        acting_user=elsewhere.learner,
        starts_at=timezone.now() - timedelta(days=1),
        duration_minutes=30,
        mode="video",
    )
    with pytest.raises(ValidationError, match="meeting of the pairing"):
        services.check_in(
            goal=goal, acting_user=pairing.learner, note="x", progress="on_track", meeting=meeting
        )


def test_a_success_is_recorded_once_it_happened_and_audited(program, pairing):
    with pytest.raises(ValidationError, match="once it has happened"):
        make_achievement(
            program=program,
            learner=pairing.learner,
            date=timezone.localdate() + timedelta(days=1),
        )
    achievement = make_achievement(
        program=program, learner=pairing.learner, acting_user=pairing.guide, kind="nomination"
    )
    assert actions(achievement) == ["achievement.recorded"]


def test_a_success_links_only_to_the_learners_own_goal(program, pairing, resident):
    others = make_goal(program=program, learner=resident)
    with pytest.raises(ValidationError, match="this learner's goals"):
        make_achievement(program=program, learner=pairing.learner, goal=others)
