"""Reads for the goal pages: each starts from the viewer, so that nobody's list holds a
goal they may not read."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Prefetch
from django.utils import timezone

from dyad import policy
from dyad.goals.models import Achievement, Competency, Goal, GoalStatus, Ilp, IlpState
from dyad.lib import smart
from dyad.lib.people import PERSON_FIELDS, Person
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
    the goals of the pairings whose consent in force covers goals (their agreements read
    in one query)."""
    from dyad.relationships.models import Agreement

    goals = list(
        Goal.objects.for_program(viewer.program)
        .filter(learner=learner)
        .select_related("relationship__guide", "program")
        .prefetch_related(
            Prefetch("relationship__agreements", queryset=Agreement.objects.order_by("-version"))
        )
    )
    policy.read_goal_guides(viewer.user, goals)
    counts = {status: 0 for status in GoalStatus.values}
    consents: dict[int, frozenset[str]] = {}
    shown = []
    for goal in goals:
        counts[goal.status] += 1
        if goal.relationship_id is None:
            continue
        if goal.relationship_id not in consents:
            consents[goal.relationship_id] = consent_in_force(
                goal.relationship, versions=list(goal.relationship.agreements.all())
            )
        if policy.can_view_goal(viewer, goal, consents[goal.relationship_id]):
            shown.append(goal)
    return {"counts": counts, "shown": shown, "hidden": len(goals) - len(shown)}


# --- ILP (SPEC M7) ------------------------------------------------------------------------

# The sections of a plan as a version keeps them, in the order the pages show them.
SNAPSHOT_LABELS = {
    "strengths": "Strengths",
    "growth_areas": "Areas for growth",
    "competency_notes": "Self-assessment by competency",
    "goals": "Learning goals",
    "strategies": "Strategies",
    "resources": "Resources",
    "timeline": "Timeline",
    "review_dates": "Review dates",
}


def ilp_consent(ilp) -> frozenset[str]:
    """What leadership may see of the plan: what the consent in force of the open pairings
    it is shared with allows (nothing for a plan shared with nobody)."""
    from dyad.relationships.models import SEAT_HOLDING_STATES

    consent: frozenset[str] = frozenset()
    for relationship in ilp.shared_with.filter(state__in=SEAT_HOLDING_STATES):
        consent |= consent_in_force(relationship)
    return consent


def current_year(program, today=None) -> int:
    from dyad.lib.cadence import academic_year_start

    return academic_year_start(
        today or timezone.localdate(), program.academic_year_start_month
    ).year


def ilps_of_learner(program, learner):
    return (
        Ilp.objects.for_program(program)
        .filter(learner=learner)
        .select_related("program")
        .order_by("-year")
    )


def ilps_for_guide(program, guide):
    """Plans shared with `guide`, with their learner, newest year first."""
    return (
        Ilp.objects.for_program(program)
        .shared_with_guide(guide)
        .select_related("learner", "program")
        .order_by("-year", "learner__last_name", "learner__first_name")
    )


def ilp_goals(ilp):
    return ilp.goals.order_by("competency", "status", "target_date", "created_at")


def ilp_snapshot(ilp) -> dict:
    """The plan's content as a review keeps it: plain JSON, readable without the rows it
    came from (goal titles and labels, not ids)."""
    labels = dict(Competency.choices)
    return {
        "year": ilp.year,
        "state": ilp.state,
        "strengths": ilp.strengths,
        "growth_areas": ilp.growth_areas,
        "competency_notes": {
            labels[code]: text
            for code, text in sorted(ilp.competency_notes.items(), key=_competency_order)
            if text and code in labels
        },
        "goals": [
            {
                "title": goal.title,
                "competency": labels.get(goal.competency, ""),
                "status": goal.get_status_display(),
                "target_date": goal.target_date.isoformat() if goal.target_date else None,
                "measure": goal.measure,
            }
            for goal in ilp_goals(ilp)
        ],
        "strategies": ilp.strategies,
        "resources": ilp.resources,
        "timeline": ilp.timeline,
        "review_dates": list(ilp.review_dates),
    }


def _competency_order(item):
    order = list(Competency.values)
    return order.index(item[0]) if item[0] in order else len(order)


def snapshot_lines(key: str, value) -> list[str]:
    """One section of a snapshot as lines of text, for the version page and its diff."""
    from datetime import date

    from dyad.lib.dates import format_day

    if not value:
        return []
    if key == "competency_notes":
        return [f"{label}: {text}" for label, text in value.items()]
    if key == "goals":
        return [
            f"{g['title']} — {g['competency'] or 'no competency'} ({g['status'].lower()}"
            + (
                f", by {format_day(date.fromisoformat(g['target_date']))})"
                if g["target_date"]
                else ")"
            )
            for g in value
        ]
    if key == "review_dates":
        return [format_day(date.fromisoformat(d)) for d in value]
    return str(value).splitlines()


def snapshot_sections(snapshot: dict) -> list[dict]:
    return [
        {"key": key, "label": label, "lines": snapshot_lines(key, snapshot.get(key))}
        for key, label in SNAPSHOT_LABELS.items()
    ]


def version_changes(review, previous) -> list[dict]:
    """What changed in the plan between the previous version (if any) and this one."""
    from dyad.lib.ilp import snapshot_changes

    changes = snapshot_changes(
        previous.snapshot if previous else None, review.snapshot, SNAPSHOT_LABELS
    )
    for change in changes:
        before = set(snapshot_lines(change["key"], change["before"]))
        after = snapshot_lines(change["key"], change["after"])
        change["added"] = [line for line in after if line not in before]
        change["removed"] = [line for line in sorted(before) if line not in set(after)]
    return changes


def ilp_completion(program, year: int) -> list[dict]:
    """Every learner of the program and the state of their plan for `year` (None: not
    started), as plain values, for the counts and to choose a page. No content. Two
    queries, whatever the number of learners; with_plans reads the plans of a page."""
    from dyad.accounts.models import User

    learners = (
        User.objects.filter(memberships__program=program, memberships__role__in=_learner_roles())
        .order_by("last_name", "first_name", "id")
        .values_list(*PERSON_FIELDS)
        .distinct()
    )
    states = dict(
        Ilp.objects.for_program(program)
        .filter(year=year)
        .order_by()
        .values_list("learner_id", "state")
    )
    return [{"learner": Person(*row), "state": states.get(row[0])} for row in learners]


def with_plans(program, year: int, rows: list[dict]) -> list[dict]:
    """The rows with their plans for `year`: state, when shared, reviewed (how often, last)
    and completed. One query for all of them."""
    from django.db.models import Max

    started = [row["learner"].pk for row in rows if row["state"]]
    plans = (
        {
            plan.learner_id: plan
            for plan in Ilp.objects.for_program(program)
            .filter(year=year, learner_id__in=started)
            .only("learner_id", "state", "shared_at", "completed_at")  # never what it says
            .annotate(review_count=Count("reviews"), last_review=Max("reviews__reviewed_on"))
        }
        if started
        else {}
    )
    return [{**row, "ilp": plans.get(row["learner"].pk)} for row in rows]


def _learner_roles():
    from dyad.programs.models import Role

    return Role.learners()


def completion_counts(rows: list[dict]) -> dict:
    counts = {"none": 0, **{state: 0 for state in IlpState.values}}
    for row in rows:
        counts[row["state"] or "none"] += 1
    return counts
