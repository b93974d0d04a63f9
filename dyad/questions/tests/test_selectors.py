from datetime import date

import pytest

from dyad.meetings.models import MeetingStatus
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import GuidanceKind, Role
from dyad.questions import selectors, services
from dyad.questions.factories import QuestionFactory
from dyad.questions.models import Question, Stage
from dyad.questions.tests.helpers import make_meeting
from dyad.relationships.factories import director_of, make_learner, make_relationship

pytestmark = pytest.mark.django_db

JULY = date(2025, 7, 15)
FEBRUARY = date(2026, 2, 10)


@pytest.fixture
def relationship(program):
    return make_relationship(program=program)


def mark(relationship, questions):
    services.questions_mark_asked(
        relationship=relationship,
        meeting=None,
        questions=questions,
        acting_user=relationship.learner,
    )


# --- stage ---------------------------------------------------------------------------------


def test_first_meeting_until_a_meeting_is_held(relationship):
    make_meeting(relationship, status=MeetingStatus.SCHEDULED, days_ago=-3)
    make_meeting(relationship, status=MeetingStatus.CANCELLED)
    assert selectors.relationship_stage(relationship, JULY, 1) == Stage.FIRST_MEETING
    make_meeting(relationship, status=MeetingStatus.HELD)
    assert selectors.relationship_stage(relationship, JULY, 1) == Stage.INTERN_YEAR


def test_stage_by_pgy_after_the_first_meeting(relationship):
    make_meeting(relationship)
    assert selectors.relationship_stage(relationship, FEBRUARY, 2) == Stage.SENIOR_YEARS
    assert selectors.relationship_stage(relationship, FEBRUARY, 3) == Stage.GRADUATING
    assert selectors.relationship_stage(relationship, date(2025, 11, 1), 3) == Stage.SENIOR_YEARS
    assert selectors.relationship_stage(relationship, FEBRUARY, None) == Stage.SENIOR_YEARS


def test_learner_pgy_is_that_of_a_resident_only(program):
    resident = make_relationship(program=program, learner=make_learner(program, pgy=2))
    assert selectors.learner_pgy(resident) == 2
    fellow = make_learner(program, "Fay", "Fellow", role=Role.FELLOW)
    assert selectors.learner_pgy(make_relationship(program=program, learner=fellow)) is None
    chief = make_learner(program, "Cy", "Chief", pgy=3)
    MembershipFactory(program=program, user=chief, role=Role.CHIEF_RESIDENT, pgy=None)
    assert selectors.learner_pgy(make_relationship(program=program, learner=chief)) is None


# --- suggested agenda ------------------------------------------------------------------


def test_first_meeting_agenda_comes_from_the_default_bank(relationship):
    agenda = selectors.suggested_agenda(relationship, today=JULY)
    assert len(agenda) == 5
    for q in agenda:
        assert q.program_id is None
        assert GuidanceKind.MENTORING in q.kinds
        assert not q.stages or Stage.FIRST_MEETING in q.stages
        assert not q.months or 7 in q.months
    assert len({q.topic for q in agenda}) == 5
    assert {q.direction for q in agenda} == {"guide_to_learner", "learner_to_guide"}


def test_graduating_agenda_in_the_spring(program):
    learner = make_learner(program, pgy=3)
    relationship = make_relationship(program=program, learner=learner)
    make_meeting(relationship)
    agenda = selectors.suggested_agenda(relationship, today=date(2026, 3, 10))
    assert len(agenda) == 5
    assert all(not q.stages or Stage.GRADUATING in q.stages for q in agenda)


def test_the_agenda_follows_the_kind_of_relationship(program):
    coaching = make_relationship(program=program, kind=GuidanceKind.COACHING)
    agenda = selectors.suggested_agenda(coaching, today=JULY)
    assert agenda and all(GuidanceKind.COACHING in q.kinds for q in agenda)


def test_discussed_questions_are_not_suggested_again(relationship):
    first = selectors.suggested_agenda(relationship, today=JULY)
    mark(relationship, first)
    second = selectors.suggested_agenda(relationship, today=JULY)
    assert len(second) == 5
    assert not {q.pk for q in first} & {q.pk for q in second}


def test_another_pairs_history_does_not_count(program, relationship):
    before = selectors.suggested_agenda(relationship, today=JULY)
    other = make_relationship(program=program)
    mark(other, selectors.suggested_agenda(other, today=JULY))
    assert selectors.suggested_agenda(relationship, today=JULY) == before


def test_customized_bank_is_used_and_inactive_questions_are_left_out(program, relationship):
    director = director_of(program)
    services.question_bank_customize(program=program, acting_user=director)
    first = selectors.suggested_agenda(relationship, today=JULY)
    assert all(q.program_id == program.pk for q in first)
    services.question_set_active(
        program=program, question=first[0], active=False, acting_user=director
    )
    assert first[0] not in selectors.suggested_agenda(relationship, today=JULY)


def test_a_question_asked_before_customizing_stays_asked(program, relationship):
    before = selectors.suggested_agenda(relationship, today=JULY)
    mark(relationship, before[:2])
    services.question_bank_customize(program=program, acting_user=director_of(program))
    after = selectors.suggested_agenda(relationship, today=JULY, n=50)
    assert {q.source_id for q in after}.isdisjoint({q.pk for q in before[:2]})
    assert {q.source_id for q in after} >= {q.pk for q in before[2:]}


def test_other_programs_questions_are_never_suggested(program, other_program, relationship):
    services.question_bank_customize(program=other_program, acting_user=director_of(other_program))
    QuestionFactory(program=other_program, stages=[Stage.FIRST_MEETING], position=0)
    agenda = selectors.suggested_agenda(relationship, today=JULY, n=100)
    assert all(q.program_id is None for q in agenda)


def test_suggested_agenda_takes_one_query_whatever_the_history(
    program, relationship, django_assert_num_queries
):
    with django_assert_num_queries(1):
        selectors.suggested_agenda(relationship, today=JULY)
    services.question_bank_customize(program=program, acting_user=director_of(program))
    for _ in range(3):
        make_meeting(relationship)
    mark(relationship, list(Question.objects.of_program(program)[:20]))
    with django_assert_num_queries(1):
        agenda = selectors.suggested_agenda(relationship, today=FEBRUARY)
    assert len(agenda) == 5


def test_discussed_at_lists_the_meetings_questions(relationship):
    meeting = make_meeting(relationship)
    agenda = selectors.suggested_agenda(relationship, today=JULY)
    services.questions_mark_asked(
        relationship=relationship,
        meeting=meeting,
        questions=agenda[:2],
        acting_user=relationship.guide,
    )
    assert set(selectors.discussed_at(meeting)) == set(agenda[:2])
