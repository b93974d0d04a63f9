from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dyad.audit.models import AuditEntry
from dyad.surveys import services
from dyad.surveys.factories import answer, answers_for, make_cycle
from dyad.surveys.models import (
    DEFAULT_QUESTIONS,
    CycleState,
    Invitation,
    Question,
    QuestionKind,
    Response,
)

pytestmark = pytest.mark.django_db


def test_a_program_starts_from_the_default_questions_once(program):
    services.questions_ensure(program)
    services.questions_ensure(program)
    questions = list(Question.objects.filter(program=program))
    assert len(questions) == len(DEFAULT_QUESTIONS)
    assert sum(q.satisfaction for q in questions) == 2


def test_opening_invites_the_current_members_of_the_audience_and_writes_to_them(
    program, director, faculty, learners, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        cycle = make_cycle(program, by=director, audience="learners", open_it=True)
    invited = set(cycle.invitations.values_list("user_id", flat=True))
    assert invited == {u.pk for u in learners}
    assert len(mailoutbox) == 6
    assert f"/p/{program.slug}/surveys/{cycle.uuid}/answer/" in mailoutbox[0].body


def test_a_cycle_to_both_asks_faculty_as_guides_and_leaders_not_at_all(
    program, director, faculty, learners
):
    cycle = make_cycle(program, by=director, audience="both", open_it=True)
    assert cycle.invitations.get(user=faculty).respondent == "guide"
    assert not cycle.invitations.filter(user=director).exists()


def test_an_open_cycle_keeps_the_wording_it_was_opened_with(program, director, learners):
    cycle = make_cycle(program, by=director, audience="learners", open_it=True)
    question = Question.objects.filter(program=program, audience="learners").first()
    services.question_update(
        question=question, acting_user=director, audience="learners", text="Reworded?"
    )
    assert not cycle.questions.filter(text="Reworded?").exists()
    later = make_cycle(program, by=director, audience="learners", open_it=True)
    assert later.questions.filter(text="Reworded?").exists()


def test_a_retired_question_is_not_asked_again_and_its_answers_stay(program, director, learners):
    cycle = make_cycle(program, by=director, audience="learners", open_it=True)
    answer(cycle, learners[0])
    question = Question.objects.filter(program=program, audience="learners").first()
    services.question_retire(question=question, acting_user=director)
    assert cycle.questions.get(source=question).answers.count() == 1
    later = make_cycle(program, by=director, audience="learners", open_it=True)
    assert not later.questions.filter(source=question).exists()


def test_a_question_moves_up_among_the_active_ones(program, director):
    services.questions_ensure(program)
    first, second = Question.objects.filter(program=program)[:2]
    services.question_move(question=second, acting_user=director, up=True)
    assert list(Question.objects.filter(program=program)[:2]) == [second, first]


def test_a_choice_question_needs_two_options(program, director):
    with pytest.raises(ValidationError):
        services.question_create(
            program=program,
            acting_user=director,
            kind=QuestionKind.CHOICE,
            audience="both",
            text="Pick one",
            options=["Only"],
        )


def test_only_leaders_run_surveys(program, faculty):
    with pytest.raises(ValidationError):
        make_cycle(program, by=faculty)


def test_an_answer_names_nobody_and_the_invitation_only_learns_it_was_answered(
    program, director, learners
):
    cycle = make_cycle(program, by=director, audience="learners", open_it=True)
    answer(cycle, learners[0])
    invitation = Invitation.objects.get(cycle=cycle, user=learners[0])
    assert invitation.answered
    response = Response.objects.get(cycle=cycle)
    assert response.pgy_band == "PGY-1"
    fields = {f.name for f in Response._meta.get_fields()}
    assert fields == {"id", "cycle", "respondent", "pgy_band", "guidance", "answers"}
    assert not any(
        f.get_internal_type() in ("DateTimeField", "DateField", "AutoField", "BigAutoField")
        for f in Response._meta.concrete_fields
    )


def test_a_person_answers_once(program, director, learners):
    cycle = make_cycle(program, by=director, audience="learners", open_it=True)
    answer(cycle, learners[0])
    with pytest.raises(services.AlreadyAnswered):
        answer(cycle, learners[0])
    assert Response.objects.filter(cycle=cycle).count() == 1


def test_an_invalid_answer_writes_nothing(program, director, learners):
    cycle = make_cycle(program, by=director, audience="learners", open_it=True)
    values = answers_for(cycle, "learner")
    scale = next(q for q in cycle.questions.all() if q.is_scale)
    values[scale.pk] = 9
    with pytest.raises(ValidationError):
        services.response_submit(cycle=cycle, acting_user=learners[0], answers=values)
    assert not Response.objects.filter(cycle=cycle).exists()
    assert not Invitation.objects.get(cycle=cycle, user=learners[0]).answered


def test_someone_not_asked_cannot_answer(program, director, faculty, learners):
    cycle = make_cycle(program, by=director, audience="learners", open_it=True)
    with pytest.raises(ValidationError):
        services.response_submit(cycle=cycle, acting_user=faculty, answers={})


def test_a_closed_cycle_takes_no_answer(program, director, learners):
    cycle = make_cycle(program, by=director, audience="learners", open_it=True)
    services.cycle_close(cycle=cycle, acting_user=director)
    with pytest.raises(ValidationError):
        answer(cycle, learners[0])


def test_the_scheduled_work_opens_due_cycles_and_closes_past_ones(program, director, learners):
    today = timezone.localdate()
    cycle = make_cycle(program, by=director, audience="learners")
    assert services.cycles_open_due(today=today) == 1
    cycle.refresh_from_db()
    assert cycle.state == CycleState.OPEN
    assert services.cycles_close_due(today=today + timedelta(days=30)) == 1
    assert AuditEntry.objects.filter(action="survey.cycle_closed").count() == 1


def test_picking_a_comment_is_audited(program, director, learners):
    cycle = make_cycle(program, by=director, audience="learners", open_it=True)
    answer(cycle, learners[0], text="More protected time, please.")
    comment = cycle.questions.filter(kind="text").first().answers.get()
    services.answer_pick(answer=comment, acting_user=director, picked=True)
    comment.refresh_from_db()
    assert comment.picked
    entry = AuditEntry.objects.get(action="survey.answer_picked")
    assert entry.actor == director and "More protected" not in str(entry.data)
