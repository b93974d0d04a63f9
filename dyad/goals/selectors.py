"""Reads for the goal pages: each starts from the viewer, so that nobody's list holds a
goal they may not read."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count
from django.utils import timezone

from dyad import policy
from dyad.goals.models import Achievement, Goal, GoalStatus
from dyad.lib import smart
from dyad.relationships.services import consent_in_force


def goal_consent(goal: Goal) -> frozenset[str]:
    """What leadership may see of the goal's pairing; nothing for a personal goal."""
    return consent_in_force(goal.relationship) if goal.relationship_id else frozenset()


def _with_parties(goals):
    return goals.select_related("learner", "relationship__guide", "program").order_by(
        "status", "target_date", "-created_at"
    )


def goals_of_learner(program, learner):
    return _with_parties(Goal.objects.for_program(program).filter(learner=learner))


def goals_for_guide(program, guide):
    """Goals the guide may read, grouped by learner (in name order)."""
    goals = _with_parties(Goal.objects.for_program(program).visible_to_guide(guide))
    grouped = defaultdict(list)
    for goal in goals:
        grouped[goal.learner].append(goal)
    return sorted(grouped.items(), key=lambda item: (item[0].last_name, item[0].first_name))


def goal_counts(program) -> list[dict]:
    """Per learner, how many goals are in progress, achieved and dropped: one query,
    whatever the number of learners. No titles, no content."""
    rows = (
        Goal.objects.for_program(program)
        .values("learner", "learner__uuid", "learner__first_name", "learner__last_name", "status")
        .annotate(n=Count("id"))
        .order_by("learner__last_name", "learner__first_name", "learner")
    )
    table: dict[int, dict] = {}
    for row in rows:
        entry = table.setdefault(
            row["learner"],
            {
                "name": f"{row['learner__first_name']} {row['learner__last_name']}",
                "uuid": row["learner__uuid"],
                **{status: 0 for status in GoalStatus.values},
            },
        )
        entry[row["status"]] = row["n"]
    return list(table.values())


def open_goal_count(program, learner, *, excluding: Goal | None = None) -> int:
    goals = Goal.objects.for_program(program).open().filter(learner=learner)
    if excluding is not None:
        goals = goals.exclude(pk=excluding.pk)
    return goals.count()


def smart_gaps(draft: smart.Draft, *, program, learner, goal: Goal | None = None):
    """What the draft lacks today, counting the learner's other open goals."""
    return smart.check(
        draft,
        today=timezone.localdate(),
        open_goals=open_goal_count(program, learner, excluding=goal),
    )


def goal_page(viewer, goal: Goal) -> dict:
    """What the goal page shows. Meetings, and the meeting a check-in was made at, only
    where the viewer may know that the meeting took place."""
    meetings = list(policy.visible_meetings(viewer, goal.meetings.order_by("-starts_at")))
    check_ins = list(goal.check_ins.select_related("author", "meeting"))
    for entry in check_ins:
        entry.shown_meeting = entry.meeting if entry.meeting in meetings else None
    return {
        "steps": list(goal.steps.all()),
        "check_ins": check_ins,
        "meetings": meetings,
        "shared_with": list(goal.shared_with.select_related("guide")),
        "achievements": list(goal.achievements.all()),
    }


def portfolio(program, learner):
    return Achievement.objects.for_learner(program, learner).select_related("goal", "recorded_by")


def learner_goals_for_leader(viewer, learner) -> dict:
    """One learner as leadership sees them: the counts by state of all their goals, and
    the goals of the pairings whose consent in force covers goals (a few pairings per
    learner, so a consent lookup each)."""
    goals = list(
        Goal.objects.for_program(viewer.program)
        .filter(learner=learner)
        .select_related("relationship__guide", "program")
    )
    counts = {status: 0 for status in GoalStatus.values}
    consents: dict[int, frozenset[str]] = {}
    shown = []
    for goal in goals:
        counts[goal.status] += 1
        if goal.relationship_id is None:
            continue
        if goal.relationship_id not in consents:
            consents[goal.relationship_id] = goal_consent(goal)
        if policy.can_view_goal(viewer, goal, consents[goal.relationship_id]):
            shown.append(goal)
    return {"counts": counts, "shown": shown, "hidden": len(goals) - len(shown)}
