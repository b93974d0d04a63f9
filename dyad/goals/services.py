"""Goals, their steps and check-ins, and successes: every change, with its audit entry.

Audit entries name the goal by its id and never carry its words: the audit log is read by
directors, who see goal content only with the learner's consent.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from dyad.audit.actions import AuditAction
from dyad.audit.services import audit_log
from dyad.goals.models import (
    Achievement,
    CheckIn,
    Competency,
    Goal,
    GoalStatus,
    Ilp,
    IlpReview,
    IlpState,
    Step,
    StepKind,
)
from dyad.lib import ilp as ilp_rules
from dyad.relationships.models import SEAT_HOLDING_STATES

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


# --- ILP (SPEC M7) ------------------------------------------------------------------------
# Audit entries name the plan by its id and carry no words of it, as for goals.

ILP_FIELDS = ("strengths", "growth_areas", "strategies", "resources", "timeline")


def _audit_ilp(action: AuditAction, ilp: Ilp, actor, **data) -> None:
    audit_log(action=action, actor=actor, program=ilp.program, target=ilp, data=data)


def _locked(ilp: Ilp) -> Ilp:
    return Ilp.objects.select_for_update().select_related("program").get(pk=ilp.pk)


def _require_not_completed(ilp: Ilp) -> None:
    if ilp.is_completed:
        raise ValidationError(
            f"The plan for {ilp.year_label} is completed; start next year's plan instead."
        )


def _move(ilp: Ilp, to: str) -> None:
    if not ilp_rules.can_move(ilp.state, to):
        raise ValidationError(
            f"A plan that is {ilp.get_state_display().lower()} cannot become "
            f"{IlpState(to).label.lower()}."
        )
    ilp.state = to


@transaction.atomic
def ilp_start(*, program, learner, year: int, acting_user) -> Ilp:
    """Start the learner's plan for the academic year `year`, with the program's default
    review dates (two a year: mid-year and before the year ends)."""
    if acting_user.pk != learner.pk:
        raise ValidationError("A learner starts their own plan.")
    if Ilp.objects.filter(program=program, learner=learner, year=year).exists():
        raise ValidationError(f"You already have a plan for {ilp_rules.year_label(year)}.")
    dates = ilp_rules.default_review_dates(year, program.academic_year_start_month)
    ilp = Ilp.objects.create(
        program=program,
        learner=learner,
        year=year,
        review_dates=[d.isoformat() for d in dates],
    )
    _audit_ilp(AuditAction.ILP_STARTED, ilp, acting_user, year=year)
    return ilp


def _clean_review_dates(ilp: Ilp, dates) -> list[str]:
    dates = sorted({d for d in dates if d is not None})
    if len(dates) > ilp_rules.MAX_REVIEW_DATES:
        raise ValidationError(
            {"review_dates": f"Plan at most {ilp_rules.MAX_REVIEW_DATES} review dates."}
        )
    start_month = ilp.program.academic_year_start_month
    outside = [d for d in dates if not ilp_rules.in_year(d, ilp.year, start_month)]
    if outside:
        raise ValidationError(
            {
                "review_dates": f"Review dates fall in the academic year {ilp.year_label}; "
                f"{outside[0]:%b %-d, %Y} does not."
            }
        )
    return [d.isoformat() for d in dates]


@transaction.atomic
def ilp_update(*, ilp: Ilp, acting_user, competency_notes=None, review_dates=None, **fields) -> Ilp:
    """Change the plan's sections, per-competency self-assessment and review dates."""
    ilp = _locked(ilp)
    _require_not_completed(ilp)
    changed = []
    for name in ILP_FIELDS:
        if name in fields and getattr(ilp, name) != (fields[name] or ""):
            setattr(ilp, name, fields[name] or "")
            changed.append(name)
    if competency_notes is not None:
        notes = {
            code: text.strip()
            for code, text in competency_notes.items()
            if code in Competency.values and text and text.strip()
        }
        if notes != ilp.competency_notes:
            ilp.competency_notes = notes
            changed.append("competency_notes")
    if review_dates is not None:
        dates = _clean_review_dates(ilp, review_dates)
        if dates != ilp.review_dates:
            ilp.review_dates = dates
            changed.append("review_dates")
    ilp.full_clean()
    ilp.save()
    _audit_ilp(AuditAction.ILP_UPDATED, ilp, acting_user, fields=changed)
    return ilp


def _check_ilp_shares(ilp: Ilp, shared_with) -> None:
    for relationship in shared_with:
        if (
            relationship.learner_id != ilp.learner_id
            or relationship.program_id != ilp.program_id
            or not relationship.is_open
        ):
            raise ValidationError(
                {"shared_with": "Share your plan only with the guides of your open pairings."}
            )


@transaction.atomic
def ilp_share(*, ilp: Ilp, acting_user, shared_with) -> Ilp:
    """Choose the pairings whose guide may read the plan (and review it). The plan's
    learning goals follow: they are shown to the same guides."""
    ilp = _locked(ilp)
    _require_not_completed(ilp)
    if acting_user.pk != ilp.learner_id:
        raise ValidationError("With whom the plan is shared is the learner's choice.")
    shared_with = list(shared_with)
    _check_ilp_shares(ilp, shared_with)
    before = {r.uuid for r in ilp.shared_with.all()}
    ilp.shared_with.set(shared_with)
    for goal in ilp.goals.all():
        goal.shared_with.set(shared_with)
    after = {r.uuid for r in shared_with}
    _audit_ilp(
        AuditAction.ILP_SHARING_CHANGED,
        ilp,
        acting_user,
        added=sorted(str(u) for u in after - before),
        removed=sorted(str(u) for u in before - after),
    )
    return ilp


@transaction.atomic
def ilp_submit(*, ilp: Ilp, acting_user) -> Ilp:
    """Draft → shared for review: the learner says the plan is ready to be reviewed."""
    ilp = _locked(ilp)
    if acting_user.pk != ilp.learner_id:
        raise ValidationError("The learner shares their plan for review.")
    if not ilp.shared_with.filter(state__in=SEAT_HOLDING_STATES).exists():
        raise ValidationError(
            "Choose first which of your guides the plan is shared with: they review it."
        )
    _move(ilp, IlpState.SHARED)
    ilp.shared_at = timezone.now()
    ilp.save()
    _audit_ilp(AuditAction.ILP_SUBMITTED, ilp, acting_user)
    return ilp


@transaction.atomic
def ilp_goal_add(*, ilp: Ilp, acting_user, **fields) -> Goal:
    """A learning goal of the plan: a goal of the learner linked to the plan and to one of
    the six ACGME competencies, shown to the guides the plan is shared with."""
    ilp = _locked(ilp)
    _require_not_completed(ilp)
    if acting_user.pk != ilp.learner_id:
        raise ValidationError("The learner sets the goals of their plan.")
    if fields.get("competency") not in Competency.values:
        raise ValidationError({"competency": "Link the goal to one of the ACGME competencies."})
    goal = goal_create(
        program=ilp.program,
        learner=ilp.learner,
        acting_user=acting_user,
        shared_with=list(ilp.shared_with.filter(state__in=SEAT_HOLDING_STATES)),
        **fields,
    )
    goal.ilp = ilp
    goal.save(update_fields=["ilp"])
    _audit_ilp(AuditAction.ILP_GOAL_ADDED, ilp, acting_user, goal=str(goal.uuid))
    return goal


@transaction.atomic
def ilp_review(*, ilp: Ilp, acting_user, note: str, reviewed_on: date | None = None) -> IlpReview:
    """A guide the plan is shared with records a review, at the review meeting: the plan
    becomes reviewed and a version keeps it as it stands, with the note, who and when."""
    from dyad.goals.selectors import ilp_snapshot

    ilp = _locked(ilp)
    if (
        ilp.learner_id == acting_user.pk
        or not ilp.shared_with.filter(guide=acting_user, state__in=SEAT_HOLDING_STATES).exists()
    ):
        raise ValidationError("A guide the plan is shared with records its review.")
    if not note.strip():
        raise ValidationError({"note": "Write what you agreed at the review."})
    reviewed_on = reviewed_on or timezone.localdate()
    if reviewed_on > timezone.localdate():
        raise ValidationError({"reviewed_on": "Record a review once it has taken place."})
    _move(ilp, IlpState.REVIEWED)
    ilp.save()
    number = (ilp.reviews.aggregate(n=Max("number"))["n"] or 0) + 1
    review = IlpReview.objects.create(
        ilp=ilp,
        number=number,
        reviewed_by=acting_user,
        reviewer_name=acting_user.full_name or acting_user.email,
        reviewed_on=reviewed_on,
        note=note.strip(),
        snapshot=ilp_snapshot(ilp),
    )
    _audit_ilp(AuditAction.ILP_REVIEWED, ilp, acting_user, version=number)
    return review


@transaction.atomic
def ilp_complete(*, ilp: Ilp, acting_user) -> Ilp:
    """Reviewed → completed for the year: the learner, or a guide who reviews it. The plan
    is closed; leadership sees that (and when), never what it says without consent."""
    ilp = _locked(ilp)
    participant = (
        ilp.learner_id == acting_user.pk
        or ilp.shared_with.filter(guide=acting_user, state__in=SEAT_HOLDING_STATES).exists()
    )
    if not participant:
        raise ValidationError("The learner or a guide reviewing the plan completes it.")
    _move(ilp, IlpState.COMPLETED)
    ilp.completed_at, ilp.completed_by = timezone.now(), acting_user
    ilp.save()
    _audit_ilp(AuditAction.ILP_COMPLETED, ilp, acting_user)
    return ilp


@transaction.atomic
def ilp_reopen(*, ilp: Ilp, acting_user) -> Ilp:
    """Completed → reviewed again, during its year: the learner, or a guide who reviews it.
    The plan can be changed and reviewed once more; its review history stays."""
    ilp = _locked(ilp)
    participant = (
        ilp.learner_id == acting_user.pk
        or ilp.shared_with.filter(guide=acting_user, state__in=SEAT_HOLDING_STATES).exists()
    )
    if not participant:
        raise ValidationError("The learner or a guide reviewing the plan reopens it.")
    start_month = ilp.program.academic_year_start_month
    if not ilp_rules.can_reopen(ilp.state, ilp.year, timezone.localdate(), start_month):
        raise ValidationError(
            "Only a plan completed during the academic year that is still running can be "
            "reopened; start next year's plan instead."
        )
    ilp.state, ilp.completed_at, ilp.completed_by = IlpState.REVIEWED, None, None
    ilp.save()
    _audit_ilp(AuditAction.ILP_REOPENED, ilp, acting_user)
    return ilp
