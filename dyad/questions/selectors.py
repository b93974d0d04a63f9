"""Reads of the question bank and the suggested agenda."""

from datetime import date

from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import Http404

from dyad.lib import agenda
from dyad.meetings.models import Meeting, MeetingStatus
from dyad.programs.models import Membership, Role
from dyad.questions.models import AskedQuestion, Question


def bank_is_customized(program) -> bool:
    """Whether the program keeps its own bank (it has copied the default bank)."""
    return Question.objects.of_program(program).exists()


def bank(program, *, customized: bool | None = None):
    """The questions the program uses: its own once customized, the default bank before."""
    if customized is None:
        customized = bank_is_customized(program)
    if customized:
        return Question.objects.of_program(program)
    return Question.objects.default_bank()


def askable(program):
    """Questions a pair of the program may have been shown: its own, and the default ones
    (an agenda shown before the program customized its bank)."""
    return Question.objects.filter(Q(program=program) | Q(program__isnull=True))


def bank_questions(
    program, *, customized: bool, direction="", kind="", topic="", stage="", status=""
):
    """The bank's questions for its list page, filtered (empty: no filter)."""
    qs = bank(program, customized=customized)
    if direction:
        qs = qs.filter(direction=direction)
    if kind:
        qs = qs.with_kind(kind)
    if topic:
        qs = qs.filter(topic=topic)
    if stage:
        qs = qs.with_stage(stage)
    if status == "active":
        qs = qs.filter(is_active=True)
    elif status == "inactive":
        qs = qs.filter(is_active=False)
    return qs.order_by("position", "id")


def bank_question(program, question_uuid) -> Question:
    """A question of the program's bank, or 404; never another program's. Before the
    program customizes, that is a default question (its first edit makes the program's
    copy); after, a default question's address is its copy's, so that a page opened before
    the copy was made still works."""
    question = askable(program).filter(uuid=question_uuid).first()
    if question is None:
        raise Http404("No such question")
    if question.program_id is not None:
        return question
    copy = Question.objects.of_program(program).filter(source=question).first()
    if copy is not None:
        return copy
    if bank_is_customized(program):
        # A default question added after the program made its own bank.
        raise Http404("No such question")
    return question


def learner_pgy(relationship) -> int | None:
    """The learner's PGY level as a resident of the relationship's program; None for
    chief residents, fellows, junior faculty and students (see agenda.stage_for)."""
    memberships = Membership.objects.active().filter(
        program_id=relationship.program_id, user_id=relationship.learner_id
    )
    if memberships.filter(role=Role.CHIEF_RESIDENT).exists():
        return None
    return memberships.filter(role=Role.RESIDENT).values_list("pgy", flat=True).first()


def relationship_stage(relationship, today: date, pgy: int | None) -> str:
    """The relationship's stage on `today`, for a learner of PGY level `pgy` (None: not a
    resident)."""
    program = relationship.program
    return agenda.stage_for(
        has_held_meeting=relationship.meetings.held().exists(),
        pgy=pgy,
        max_pgy=program.max_pgy,
        month=today.month,
        year_start_month=program.academic_year_start_month,
    )


def _as_data(question: Question) -> agenda.QuestionData:
    return agenda.QuestionData(
        id=question.pk,
        direction=question.direction,
        topic=question.topic,
        kinds=frozenset(question.kinds),
        stages=frozenset(question.stages),
        months=frozenset(question.months),
        position=question.position,
        is_active=question.is_active,
    )


def suggested_agenda(relationship, *, today: date, n: int = 5) -> list[Question]:
    """Up to n questions for the relationship's next meeting (see agenda.suggest), from
    the program's bank if customized, else the default bank. One query, whatever the size
    of the bank or the history: the bank's active questions, each with whether the pair
    was asked it and (the same on every row) what the stage depends on."""
    program = relationship.program
    learner = Membership.objects.active().filter(
        program_id=relationship.program_id, user_id=relationship.learner_id
    )
    own = Question.objects.filter(program_id=relationship.program_id)
    # A copy counts as asked when its default question was asked, and the other way round:
    # asked when the pair was asked it, its source, a copy of it or a copy of its source.
    pair_asked = AskedQuestion.objects.filter(relationship=relationship).filter(
        Q(question_id=OuterRef("pk"))
        | Q(question__source_id=OuterRef("pk"))
        | Q(question_id=OuterRef("source_id"))
        | Q(question__source_id=OuterRef("source_id"))
    )
    questions = list(
        # The program's own bank once customized (it has questions), the default before.
        Question.objects.alias(customized=Exists(own))
        .filter(Q(program_id=relationship.program_id) | Q(program__isnull=True, customized=False))
        .active()
        .annotate(
            asked=Exists(pair_asked),
            has_held_meeting=Exists(
                Meeting.objects.filter(relationship=relationship, status=MeetingStatus.HELD)
            ),
            learner_pgy=Subquery(learner.filter(role=Role.RESIDENT).values("pgy")[:1]),
            learner_is_chief=Exists(learner.filter(role=Role.CHIEF_RESIDENT)),
        )
    )
    if not questions:
        return []
    first = questions[0]
    stage = agenda.stage_for(
        has_held_meeting=first.has_held_meeting,
        pgy=None if first.learner_is_chief else first.learner_pgy,
        max_pgy=program.max_pgy,
        month=today.month,
        year_start_month=program.academic_year_start_month,
    )
    asked_ids = {q.pk for q in questions if q.asked}
    by_id = {q.pk: q for q in questions}
    picked = agenda.suggest(
        [_as_data(q) for q in questions],
        kind=relationship.kind,
        stage=stage,
        month=today.month,
        asked_ids=asked_ids,
        n=n,
    )
    return [by_id[data.id] for data in picked]


def discussed_at(meeting) -> list[Question]:
    """The questions recorded as discussed at this meeting, in bank order."""
    return list(
        Question.objects.filter(
            pk__in=AskedQuestion.objects.filter(meeting=meeting).values("question_id")
        ).order_by("position", "id")
    )
