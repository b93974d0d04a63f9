from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from dyad.programs.factories import MembershipFactory, ProgramFactory
from dyad.programs.models import Role
from dyad.surveys import selectors, services
from dyad.surveys.factories import answer, make_cycle, past_responses
from dyad.surveys.models import Respondent

pytestmark = pytest.mark.django_db


def _closed_with(program, director, *, learners=0, guides=0, scale=4, text=""):
    cycle = make_cycle(program, by=director, audience="both", open_it=True)
    past_responses(cycle, learners, respondent=Respondent.LEARNER, scale=scale, text=text)
    past_responses(cycle, guides, respondent=Respondent.GUIDE, scale=scale, text=text)
    return services.cycle_close(cycle=cycle, acting_user=director)


def test_the_trend_shows_an_audience_only_where_it_may_be_shown(program, director):
    _closed_with(program, director, learners=6, guides=5, scale=4)
    _closed_with(program, director, learners=7, guides=3, scale=2)
    trend = selectors.satisfaction_trend([program])[program.pk]
    shown = [(row["audience"], row["respondents"], row["mean"]) for row in trend]
    # The second survey's 3 guides cannot be shown, nor its 7 learners (everyone minus them
    # would be the guides).
    assert shown == [("learner", 6, 4.0), ("guide", 5, 4.0)]


def test_a_learners_only_survey_shows_their_satisfaction(program, director):
    cycle = make_cycle(program, by=director, audience="learners", open_it=True)
    past_responses(cycle, 5, scale=3)
    services.cycle_close(cycle=cycle, acting_user=director)
    trend = selectors.satisfaction_trend([program])[program.pk]
    assert [(r["audience"], r["mean"]) for r in trend] == [("learner", 3.0)]


def test_the_trend_reads_the_same_queries_for_one_program_or_many(
    program, director, django_assert_num_queries
):
    _closed_with(program, director, learners=5, guides=5)
    with django_assert_num_queries(3):
        selectors.satisfaction_trend([program])
    others = []
    for n in range(3):
        other = ProgramFactory(slug=f"other-{n}")
        leader = MembershipFactory(program=other, role=Role.DIRECTOR).user
        _closed_with(other, leader, learners=6, guides=6)
        others.append(other)
    with django_assert_num_queries(3):
        trend = selectors.satisfaction_trend([program, *others])
    assert all(len(trend[p.pk]) == 2 for p in others)


def test_the_trend_keeps_one_academic_year(program, director):
    _closed_with(program, director, learners=5)
    year = selectors.academic_year_of(program, timezone.localdate())
    assert selectors.satisfaction_trend([program], year=year)[program.pk]
    assert selectors.satisfaction_trend([program], year=year - 1)[program.pk] == []


def test_the_report_section_prints_results_and_picked_comments_only(program, director):
    cycle = _closed_with(program, director, learners=6, text="Comment")
    texts = cycle.questions.filter(kind="text").first().answers.order_by("text")
    services.answer_pick(answer=texts[0], acting_user=director, picked=True)
    year = selectors.academic_year_of(program, cycle.closes_on)
    report = selectors.report_results(program, year)
    assert [entry["cycle"] for entry in report] == [cycle]
    html = render_to_string("surveys/_report_section.html", {"report": report})
    assert "Comment 1" in html and "Comment 2" not in html
    assert "Overall, how satisfied are you with your mentoring" in html
    assert "<script" not in html and "style=" not in html


def test_a_cycle_of_fewer_than_five_is_withheld_in_the_report(program, director, resident):
    cycle = make_cycle(program, by=director, audience="learners", open_it=True)
    answer(cycle, resident)
    services.cycle_close(cycle=cycle, acting_user=director)
    report = selectors.report_results(program, selectors.academic_year_of(program, cycle.closes_on))
    html = render_to_string("surveys/_report_section.html", {"report": report})
    assert "Fewer than 5 answered; results are withheld." in html
    assert "1 of 1 answered" in html


def test_a_question_to_one_audience_is_withheld_when_that_audience_cannot_be_shown(
    program, director
):
    cycle = _closed_with(program, director, learners=8, guides=2)
    results = selectors.cycle_results(cycle)
    by_audience = {}
    for entry in results.questions:
        by_audience.setdefault(entry.question.audience, set()).add(entry.shown)
    assert by_audience["learners"] == {False}
    assert by_audience["guides"] == {False}
    assert by_audience["both"] == {True}


def test_open_cycles_past_their_date_are_not_offered_on_home(program, director, resident):
    make_cycle(program, by=director, audience="learners", open_it=True)
    assert len(selectors.open_unanswered(resident, program)) == 1
    services.cycles_close_due(today=timezone.localdate() + timedelta(days=30))
    assert selectors.open_unanswered(resident, program) == []


def test_a_leaders_home_reads_the_open_surveys_once(
    program, director, resident, django_assert_num_queries
):
    make_cycle(program, by=director, audience="learners", open_it=True, name="Learners")
    make_cycle(program, by=director, audience="both", open_it=True, name="Everyone")
    for user in (director, resident):
        with django_assert_num_queries(1):
            to_answer, rates = selectors.open_for_leader(user, program)
        assert to_answer == selectors.open_unanswered(user, program)
        assert rates == selectors.response_rates(program)
    assert len(selectors.open_for_leader(resident, program)[0]) == 2
