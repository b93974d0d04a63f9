"""Changes to question banks and to what a pair has discussed. Each one checks the policy,
writes and audits in one transaction; views call these and nothing else."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from dyad import policy
from dyad.access import viewer_for
from dyad.audit.actions import AuditAction
from dyad.audit.services import audit_log
from dyad.programs.models import Program
from dyad.questions.models import AskedQuestion, Question
from dyad.questions.selectors import bank_is_customized

EDITABLE_FIELDS = ("text", "direction", "kinds", "topic", "stages", "months", "position")
COPIED_FIELDS = (*EDITABLE_FIELDS, "is_active")


def _check_editor(program, acting_user) -> None:
    if not policy.can_edit_question_bank(viewer_for(acting_user, program)):
        raise PermissionDenied


@transaction.atomic
def question_bank_customize(*, program, acting_user) -> int:
    """Copy the default bank into questions of the program's own, which it then edits
    freely. Only the first call copies; it returns how many questions it copied."""
    _check_editor(program, acting_user)
    # Two leaders customizing at once: the second waits here, then finds the copy made.
    Program.objects.select_for_update().filter(pk=program.pk).first()
    if bank_is_customized(program):
        return 0
    defaults = list(Question.objects.default_bank().order_by("position", "id"))
    Question.objects.bulk_create(
        Question(program=program, source=q, **{f: getattr(q, f) for f in COPIED_FIELDS})
        for q in defaults
    )
    audit_log(
        action=AuditAction.QUESTION_BANK_CUSTOMIZED,
        actor=acting_user,
        program=program,
        data={"copied": len(defaults)},
    )
    return len(defaults)


def _own_question(program, question, acting_user) -> Question:
    """The program's own version of a question of its bank: a default question is first
    copied, with the whole default bank (the first edit customizes)."""
    if question.program_id == program.pk:
        return question
    if question.program_id is not None:
        raise PermissionDenied
    question_bank_customize(program=program, acting_user=acting_user)
    copy = Question.objects.filter(program=program, source=question).first()
    if copy is None:
        raise ValidationError("This question is not in the program's bank.")
    return copy


@transaction.atomic
def question_create(*, program, acting_user, position=None, **fields) -> Question:
    """Add a question to the program's bank (customizing it first). `fields`: text,
    direction, kinds, topic, stages, months. Without a position it goes last."""
    _check_editor(program, acting_user)
    question_bank_customize(program=program, acting_user=acting_user)
    if position is None:
        last = Question.objects.of_program(program).aggregate(m=Max("position"))["m"] or 0
        position = last + 10
    question = Question(program=program, position=position, **fields)
    question.full_clean()
    question.save()
    audit_log(
        action=AuditAction.QUESTION_ADDED,
        actor=acting_user,
        program=program,
        target=question,
        data={"topic": question.topic, "direction": question.direction},
    )
    return question


@transaction.atomic
def question_update(*, program, question, acting_user, **fields) -> Question:
    """Change a question of the program's bank; a default question is changed in the
    program's copy, never in the default bank."""
    _check_editor(program, acting_user)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {sorted(unknown)}")
    question = _own_question(program, question, acting_user)
    changed = sorted(name for name, value in fields.items() if getattr(question, name) != value)
    if not changed:
        return question
    for name in changed:
        setattr(question, name, fields[name])
    question.full_clean()
    question.save()
    audit_log(
        action=AuditAction.QUESTION_CHANGED,
        actor=acting_user,
        program=program,
        target=question,
        data={"fields": changed},
    )
    return question


@transaction.atomic
def question_set_active(*, program, question, active: bool, acting_user) -> Question:
    """Deactivate (no longer suggested) or reactivate a question of the program's bank."""
    _check_editor(program, acting_user)
    question = _own_question(program, question, acting_user)
    if question.is_active != active:
        question.is_active = active
        question.save(update_fields=["is_active", "updated_at"])
        verb = "reactivated" if active else "deactivated"
        audit_log(
            action=AuditAction(f"question_bank.question_{verb}"),
            actor=acting_user,
            program=program,
            target=question,
        )
    return question


@transaction.atomic
def questions_mark_asked(*, relationship, meeting, questions, acting_user) -> int:
    """Record that the pair discussed these questions (at `meeting`, if given), so that
    they are not suggested again. Idempotent: a question already recorded for the
    relationship keeps its first record. Returns how many were new.

    Not audited: which questions a pair discussed is meeting content, and the audit log
    is read by program directors."""
    if not policy.is_party(acting_user, relationship):
        raise PermissionDenied
    if meeting is not None and meeting.relationship_id != relationship.pk:
        raise ValidationError("The meeting is not of this relationship.")
    questions = list(questions)
    if any(q.program_id not in (None, relationship.program_id) for q in questions):
        raise ValidationError("A question is not in the program's bank.")
    known = set(
        AskedQuestion.objects.filter(relationship=relationship, question__in=questions).values_list(
            "question_id", flat=True
        )
    )
    now = timezone.now()
    new = [
        AskedQuestion(
            relationship=relationship,
            question=q,
            meeting=meeting,
            asked_at=now,
            recorded_by=acting_user,
        )
        for q in {q.pk: q for q in questions}.values()
        if q.pk not in known
    ]
    # ignore_conflicts: the other party may record the same questions at the same moment.
    AskedQuestion.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)
