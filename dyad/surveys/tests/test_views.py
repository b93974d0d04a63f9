import re

import pytest
from django.urls import reverse

from dyad.programs.factories import MembershipFactory
from dyad.programs.models import Role
from dyad.surveys import services
from dyad.surveys.factories import answer, answers_for, make_cycle, past_responses
from dyad.surveys.models import Response

pytestmark = pytest.mark.django_db


def _url(name, cycle, **kw):
    return reverse(f"surveys:{name}", args=[cycle.program.slug, cycle.uuid], **kw)


def _closed(program, director, learners, *, answering=None, **kwargs):
    cycle = make_cycle(program, by=director, audience="learners", open_it=True)
    for user in learners if answering is None else answering:
        answer(cycle, user, **kwargs)
    return services.cycle_close(cycle=cycle, acting_user=director)


def _form_data(cycle, respondent="learner"):
    values = answers_for(cycle, respondent)
    return {f"q_{q.position}": str(values[q.pk]) for q in cycle.questions.all() if q.pk in values}


def test_a_learner_answers_once_and_a_second_try_gets_a_clear_page(
    client, program, director, learners
):
    cycle = make_cycle(program, by=director, audience="learners", open_it=True)
    client.force_login(learners[0])
    assert client.get(_url("answer", cycle)).status_code == 200
    response = client.post(_url("answer", cycle), _form_data(cycle))
    assert response.status_code == 302
    again = client.get(_url("answer", cycle))
    assert again.status_code == 409
    assert "already answered" in again.content.decode()
    posted_again = client.post(_url("answer", cycle), _form_data(cycle))
    assert posted_again.status_code == 409
    assert Response.objects.filter(cycle=cycle).count() == 1


def test_the_survey_form_asks_learners_only_their_questions(client, program, director, learners):
    cycle = make_cycle(program, by=director, audience="both", open_it=True)
    client.force_login(learners[0])
    page = client.get(_url("answer", cycle)).content.decode()
    assert "satisfied are you with your mentoring" in page
    assert "your role as a guide" not in page


def test_below_five_answers_only_the_count_is_shown(client, program, director, learners):
    cycle = _closed(program, director, learners, answering=learners[:4], text="A comment")
    client.force_login(director)
    page = client.get(_url("results", cycle)).content.decode()
    assert "4 answered: fewer than 5, so the results are withheld" in page
    assert "A comment" not in page
    assert "mean" not in page


def test_groups_offered_are_only_those_that_may_be_shown(client, program, director, learners):
    # 6 answered: 3 PGY-1, 3 PGY-2. Neither band may be shown (3 < 5).
    cycle = _closed(program, director, learners)
    client.force_login(director)
    page = client.get(_url("results", cycle)).content.decode()
    assert "6 people answered" in page
    assert "?group=pgy" not in page
    asked_for_a_band = client.get(_url("results", cycle) + "?group=pgy:PGY-1").content.decode()
    assert re.search(r'<h2 class="sv-showing">Everyone</h2>', asked_for_a_band)


def test_a_group_of_five_is_offered_and_filters_the_figures(client, program, director, learners):
    cycle = make_cycle(program, by=director, audience="learners", open_it=True)
    for user in learners:
        answer(cycle, user, scale=2)
    past_responses(cycle, 5, pgy_band="PGY-3+", scale=5)
    services.cycle_close(cycle=cycle, acting_user=director)
    client.force_login(director)
    page = client.get(_url("results", cycle)).content.decode()
    assert "?group=pgy%3APGY-3%2B" in page
    filtered = client.get(_url("results", cycle), {"group": "pgy:PGY-3+"}).content.decode()
    assert "5 answers · mean <strong>5.00</strong>" in filtered


def test_members_read_results_only_once_the_cycle_closed(client, program, director, learners):
    cycle = make_cycle(program, by=director, audience="learners", open_it=True)
    for user in learners[:5]:
        answer(cycle, user)
    client.force_login(learners[0])
    assert client.get(_url("results", cycle)).status_code == 403
    client.force_login(director)
    open_page = client.get(_url("results", cycle)).content.decode()
    assert "can be read once the survey closes" in open_page
    services.cycle_close(cycle=cycle, acting_user=director)
    client.force_login(learners[0])
    assert client.get(_url("results", cycle)).status_code == 200


def test_a_leader_picks_a_comment_for_the_report(client, program, director, learners):
    cycle = _closed(program, director, learners, text="Keep the lunch talks.")
    comment = cycle.questions.filter(kind="text").first().answers.first()
    client.force_login(director)
    url = reverse("surveys:pick", args=[program.slug, cycle.uuid, comment.pk])
    response = client.post(url, {"picked": "on"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.picked


def test_the_cycle_page_shows_the_response_rate_never_who(client, program, director, learners):
    cycle = make_cycle(program, by=director, audience="learners", open_it=True)
    answer(cycle, learners[0])
    client.force_login(director)
    page = client.get(_url("cycle", cycle)).content.decode()
    assert "<strong>1</strong> of 6 answered" in page
    assert learners[0].full_name not in page


def test_home_shows_an_open_survey_to_answer_and_leaders_the_rate(
    client, program, director, learners
):
    cycle = make_cycle(program, by=director, audience="learners", open_it=True, name="Mid-year")
    client.force_login(learners[0])
    home = client.get(reverse("home:home", args=[program.slug])).content.decode()
    assert _url("answer", cycle) in home
    answer(cycle, learners[0])
    home = client.get(reverse("home:home", args=[program.slug])).content.decode()
    assert _url("answer", cycle) not in home
    client.force_login(director)
    home = client.get(reverse("home:home", args=[program.slug])).content.decode()
    assert "Mid-year</a>: 1 of 6 answered" in home


def test_the_results_page_reads_a_fixed_number_of_queries(
    client, program, director, learners, django_assert_num_queries
):
    small = _closed(program, director, learners, answering=learners[:5], text="Hi")
    client.force_login(director)
    with django_assert_num_queries(8):  # with the kept page's version
        client.get(_url("results", small))
    more = [MembershipFactory(program=program, role=Role.RESIDENT, pgy=3).user for _ in range(6)]
    large = _closed(program, director, learners + more, text="Hello")
    past_responses(large, 10, pgy_band="PGY-2", text="Earlier")
    with django_assert_num_queries(8):
        client.get(_url("results", large))


def test_the_cycles_list_reads_a_fixed_number_of_queries(
    client, program, director, learners, django_assert_max_num_queries
):
    _closed(program, director, learners, answering=learners[:1])
    client.force_login(director)
    index = reverse("surveys:index", args=[program.slug])
    with django_assert_max_num_queries(40) as counted:
        client.get(index)
    baseline = len(counted)
    for _ in range(3):
        _closed(program, director, learners)
    with django_assert_max_num_queries(baseline):
        assert client.get(index).status_code == 200
