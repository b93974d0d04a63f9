import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dyad.audit.models import AuditEntry
from dyad.programs.models import GuidanceKind
from dyad.questions import services
from dyad.questions.factories import QuestionFactory
from dyad.questions.models import AskedQuestion, Direction, Question, Stage, Topic
from dyad.questions.tests.helpers import make_meeting
from dyad.relationships.factories import director_of, make_relationship

pytestmark = pytest.mark.django_db


def default_question():
    return Question.objects.default_bank().first()


def actions(program):
    return list(
        AuditEntry.objects.filter(program=program, action__startswith="question_bank.")
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- customizing --------------------------------------------------------------------------


def test_customize_copies_the_default_bank_once(program, director):
    n_defaults = Question.objects.default_bank().count()
    assert services.question_bank_customize(program=program, acting_user=director) == n_defaults
    assert services.question_bank_customize(program=program, acting_user=director) == 0
    own = Question.objects.of_program(program)
    assert own.count() == n_defaults
    assert Question.objects.default_bank().count() == n_defaults
    assert actions(program) == ["question_bank.customized"]
    original = default_question()
    copy = own.get(source=original)
    assert (copy.text, copy.kinds, copy.stages, copy.months, copy.position) == (
        original.text,
        original.kinds,
        original.stages,
        original.months,
        original.position,
    )
    assert copy.uuid != original.uuid


def test_only_leaders_customize(program, faculty, resident):
    for user in (faculty, resident):
        with pytest.raises(PermissionDenied):
            services.question_bank_customize(program=program, acting_user=user)
    assert not Question.objects.of_program(program).exists()


def test_editing_a_default_question_changes_the_programs_copy_only(
    program, other_program, director
):
    original = default_question()
    text = original.text
    copy = services.question_update(
        program=program, question=original, acting_user=director, text="What is on your mind?"
    )
    assert copy.program == program and copy.source == original
    assert copy.text == "What is on your mind?"
    original.refresh_from_db()
    assert original.text == text
    assert not Question.objects.of_program(other_program).exists()
    assert actions(program) == ["question_bank.customized", "question_bank.question_changed"]
    entry = AuditEntry.objects.get(action="question_bank.question_changed")
    assert entry.data == {"fields": ["text"]} and entry.target_id == str(copy.uuid)


def test_one_programs_edits_do_not_reach_another_customized_program(
    program, other_program, director
):
    other_director = director_of(other_program)
    services.question_bank_customize(program=other_program, acting_user=other_director)
    theirs = Question.objects.of_program(other_program).get(source=default_question())
    services.question_update(
        program=program, question=default_question(), acting_user=director, topic=Topic.TEACHING
    )
    services.question_set_active(
        program=program, question=default_question(), active=False, acting_user=director
    )
    theirs.refresh_from_db()
    assert theirs.is_active and theirs.topic == default_question().topic


def test_a_program_cannot_edit_another_programs_question(program, other_program, director):
    theirs = QuestionFactory(program=other_program)
    with pytest.raises(PermissionDenied):
        services.question_update(
            program=program, question=theirs, acting_user=director, text="Mine now"
        )
    with pytest.raises(PermissionDenied):
        services.question_set_active(
            program=program, question=theirs, active=False, acting_user=director
        )


def test_an_unchanged_question_is_not_audited(program, director):
    copy = services.question_update(
        program=program, question=default_question(), acting_user=director
    )
    services.question_update(program=program, question=copy, acting_user=director, text=copy.text)
    assert actions(program) == ["question_bank.customized"]


def test_adding_a_question_customizes_first_and_puts_it_last(program, coordinator):
    question = services.question_create(
        program=program,
        acting_user=coordinator,
        text="Which conference would you like to attend this year?",
        direction=Direction.GUIDE_TO_LEARNER,
        kinds=[GuidanceKind.MENTORING, GuidanceKind.ADVISING],
        topic=Topic.RESEARCH,
        stages=[Stage.SENIOR_YEARS],
        months=[9, 10],
    )
    own = Question.objects.of_program(program)
    assert own.count() == Question.objects.default_bank().count() + 1
    assert question.position > max(q.position for q in own.exclude(pk=question.pk))
    assert actions(program) == ["question_bank.customized", "question_bank.question_added"]


def test_a_question_needs_a_kind_and_valid_months(program, director):
    common = {
        "program": program,
        "acting_user": director,
        "text": "Anything?",
        "direction": Direction.GUIDE_TO_LEARNER,
        "topic": Topic.GOALS,
        "stages": [],
    }
    with pytest.raises(ValidationError):
        services.question_create(kinds=[], months=[], **common)
    with pytest.raises(ValidationError):
        services.question_create(kinds=[GuidanceKind.COACHING], months=[13], **common)


def test_deactivate_and_reactivate_are_audited(program, director):
    copy = services.question_set_active(
        program=program, question=default_question(), active=False, acting_user=director
    )
    assert not copy.is_active and default_question().is_active
    services.question_set_active(program=program, question=copy, active=False, acting_user=director)
    services.question_set_active(program=program, question=copy, active=True, acting_user=director)
    assert actions(program) == [
        "question_bank.customized",
        "question_bank.question_deactivated",
        "question_bank.question_reactivated",
    ]


# --- marking questions as discussed -------------------------------------------------------


@pytest.fixture
def relationship(program):
    return make_relationship(program=program)


def test_mark_asked_records_once(relationship):
    meeting = make_meeting(relationship)
    questions = list(Question.objects.default_bank()[:3])
    kw = {"relationship": relationship, "meeting": meeting, "questions": questions}
    assert services.questions_mark_asked(acting_user=relationship.learner, **kw) == 3
    assert services.questions_mark_asked(acting_user=relationship.guide, **kw) == 0
    rows = AskedQuestion.objects.filter(relationship=relationship)
    assert rows.count() == 3
    assert {r.recorded_by for r in rows} == {relationship.learner}
    assert {r.meeting for r in rows} == {meeting}


def test_mark_asked_is_for_the_parties_only(relationship, director):
    with pytest.raises(PermissionDenied):
        services.questions_mark_asked(
            relationship=relationship,
            meeting=None,
            questions=[default_question()],
            acting_user=director,
        )


def test_mark_asked_refuses_a_meeting_of_another_relationship(program, relationship):
    other_meeting = make_meeting(make_relationship(program=program))
    with pytest.raises(ValidationError):
        services.questions_mark_asked(
            relationship=relationship,
            meeting=other_meeting,
            questions=[default_question()],
            acting_user=relationship.learner,
        )


def test_mark_asked_refuses_another_programs_question(relationship, other_program):
    with pytest.raises(ValidationError):
        services.questions_mark_asked(
            relationship=relationship,
            meeting=None,
            questions=[QuestionFactory(program=other_program)],
            acting_user=relationship.learner,
        )
    assert not AskedQuestion.objects.exists()
