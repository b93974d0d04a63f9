"""Goals, their steps and check-ins, and successes: every change, with its audit entry.

Audit entries name the goal by its id and never carry its words: the audit log is read by
directors, who see goal content only with the learner's consent.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dyad.audit.actions import AuditAction
from dyad.audit.services import audit_log
from dyad.goals.models import Achievement, CheckIn, Goal, GoalStatus, Step, StepKind

GOAL_FIELDS = ("title", "description", "measure", "target_date", "competency", "relevance")


def _require_open(goal: Goal) -> None:
    if not goal.is_open:
        raise ValidationError(
            f"This goal is already {goal.get_status_display().lower()}; set a new goal instead."
        )


def _check_relationship(program, learner, relationship) -> None:
    if relationship is None:
        return
    if relationship.program_id != program.pk or relationship.learner_id != learner.pk:
        raise ValidationError({"relationship": "Choose one of your own pairings in this program."})
    if not relationship.is_open:
        raise ValidationError({"relationship": "That pairing has ended; choose an open one."})


def _check_author(learner, relationship, acting_user) -> None:
    """A goal is set by its learner, or within a pairing by that pairing's guide."""
    if acting_user.pk == learner.pk:
        return
    if relationship is None or relationship.guide_id != acting_user.pk:
        raise ValidationError("A goal is set by the learner or their guide in that pairing.")


def _check_shares(goal: Goal, shared_with) -> None:
    for relationship in shared_with:
        if relationship.learner_id != goal.learner_id or not relationship.is_open:
            raise ValidationError(
                {"shared_with": "Share a goal only with the guides of your open pairings."}
            )
    if goal.relationship_id and shared_with:
        raise ValidationError(
            {"shared_with": "A pairing's goal is already shared with that guide."}
        )


def _audit(action: AuditAction, goal: Goal, actor, **data) -> None:
    audit_log(action=action, actor=actor, program=goal.program, target=goal, data=data)


@transaction.atomic
def goal_create(
    *, program, learner, acting_user, relationship=None, shared_with=(), **fields
) -> Goal:
    """Set a goal for `learner`, alone or within one of their pairings. A goal that is not
    SMART is saved all the same: the feedback says what it lacks, the learner decides."""
    _check_relationship(program, learner, relationship)
    _check_author(learner, relationship, acting_user)
    goal = Goal(
        program=program,
        learner=learner,
        relationship=relationship,
        created_by=acting_user,
        **{name: fields.get(name) or _empty(name) for name in GOAL_FIELDS},
    )
    goal.full_clean()
    _check_shares(goal, shared_with)
    goal.save()
    goal.shared_with.set(shared_with)
    _audit(
        AuditAction.GOAL_CREATED,
        goal,
        acting_user,
        relationship=str(relationship.uuid) if relationship else None,
    )
    return goal


def _empty(name: str):
    return None if name == "target_date" else ""


@transaction.atomic
def goal_update(*, goal: Goal, acting_user, shared_with=None, **fields) -> Goal:
    """Change the wording, target or shares of an open goal."""
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    _require_open(goal)
    changed = []
    for name in GOAL_FIELDS:
        if name in fields:
            value = fields[name] or _empty(name)
            if getattr(goal, name) != value:
                setattr(goal, name, value)
                changed.append(name)
    goal.full_clean()
    goal.save()
    if shared_with is not None:
        _check_shares(goal, shared_with)
        if set(goal.shared_with.all()) != set(shared_with):
            goal.shared_with.set(shared_with)
            changed.append("shared_with")
    _audit(AuditAction.GOAL_UPDATED, goal, acting_user, fields=changed)
    return goal


@transaction.atomic
def goal_close(*, goal: Goal, acting_user, outcome: str, reflection: str) -> Goal:
    """Close a goal as achieved or dropped, with what the learner takes from it."""
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    _require_open(goal)
    if outcome not in (GoalStatus.ACHIEVED, GoalStatus.DROPPED):
        raise ValidationError({"outcome": "Say whether you achieved the goal or dropped it."})
    if not reflection.strip():
        raise ValidationError(
            {"reflection": "Write a few words on what you learned, or why you let it go."}
        )
    goal.status = outcome
    goal.reflection = reflection.strip()
    goal.closed_at = timezone.now()
    goal.save()
    _audit(AuditAction.GOAL_CLOSED, goal, acting_user, outcome=outcome)
    return goal


@transaction.atomic
def step_add(
    *, goal: Goal, acting_user, text: str, kind: str = StepKind.MILESTONE, due_date=None
) -> Step:
    _require_open(goal)
    if goal.target_date and due_date and due_date > goal.target_date:
        raise ValidationError(
            {
                "due_date": "This step would fall due after the goal's target date "
                f"({goal.target_date:%b %-d, %Y}); pick an earlier date or move the target."
            }
        )
    return Step.objects.create(
        goal=goal, kind=kind, text=text, due_date=due_date, created_by=acting_user
    )


@transaction.atomic
def step_toggle(*, step: Step, acting_user) -> Step:
    """Tick a step done, or undo it. Only done is audited: it is the progress made."""
    step = Step.objects.select_for_update().select_related("goal__program").get(pk=step.pk)
    _require_open(step.goal)
    if step.done_at:
        step.done_at, step.done_by = None, None
    else:
        step.done_at, step.done_by = timezone.now(), acting_user
        _audit(AuditAction.GOAL_MILESTONE_DONE, step.goal, acting_user, step=str(step.uuid))
    step.save()
    return step


def discussable_meetings(goal: Goal, user):
    """The meetings `user` may tie a check-in to: their own meetings of the goal's pairing,
    or of the pairings it is shared with (never another guide's meetings with the learner)."""
    from dyad.meetings.models import Meeting

    if goal.relationship_id:
        meetings = Meeting.objects.filter(relationship=goal.relationship_id)
    else:
        meetings = Meeting.objects.filter(relationship__in=goal.shared_with.all())
    return meetings.for_party(user)


@transaction.atomic
def check_in(
    *, goal: Goal, acting_user, note: str, percent=None, progress: str = "", meeting=None
) -> CheckIn:
    """Record progress, optionally at a meeting: the goal then lists that meeting as one
    where it was discussed."""
    _require_open(goal)
    if percent is None and not progress:
        raise ValidationError("Say how far along you are: a percent, or on track / behind.")
    allowed = discussable_meetings(goal, acting_user)
    if meeting is not None and not allowed.filter(pk=meeting.pk).exists():
        raise ValidationError({"meeting": "Choose a meeting of the pairing this goal is in."})
    entry = CheckIn(
        goal=goal,
        author=acting_user,
        note=note,
        percent=percent,
        progress=progress,
        meeting=meeting,
    )
    entry.full_clean()
    entry.save()
    if meeting is not None:
        goal.meetings.add(meeting)
    return entry


@transaction.atomic
def achievement_record(
    *, program, learner, acting_user, kind, title, date: date, description="", link="", goal=None
) -> Achievement:
    if date > timezone.localdate():
        raise ValidationError(
            {"date": "Record a success once it has happened: the date is after today."}
        )
    if goal is not None and (goal.learner_id != learner.pk or goal.program_id != program.pk):
        raise ValidationError({"goal": "Link the success to one of this learner's goals."})
    achievement = Achievement(
        program=program,
        learner=learner,
        kind=kind,
        title=title,
        date=date,
        description=description,
        link=link,
        goal=goal,
        recorded_by=acting_user,
    )
    achievement.full_clean()
    achievement.save()
    audit_log(
        action=AuditAction.ACHIEVEMENT_RECORDED,
        actor=acting_user,
        program=program,
        target=achievement,
        data={"kind": kind},
    )
    return achievement
