import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from dyad.feedback.factories import answer, make_coaching, make_cycle, token_for
from dyad.feedback.models import ItemKind, Response

pytestmark = pytest.mark.django_db


@pytest.fixture
def coaching(program, director):
    return make_coaching(program, acting_user=director)


def _url(name, cycle, **kw):
    return reverse(f"feedback:{name}", args=[cycle.relationship.program.slug, cycle.uuid], **kw)


def _finished(coaching, groups, comments=("Calm on nights.", "")):
    """A closed cycle in which every rater of `groups` ({group: n}) answered 4s and 5s."""
    cycle = make_cycle(coaching, raters=groups, open_it=True)
    for n, rater in enumerate(cycle.raters.all()):
        answer(rater, rating=4 + n % 2, texts=comments)
    cycle.refresh_from_db()
    return cycle


def test_results_show_groups_of_three_and_withhold_smaller_ones(client, coaching):
    cycle = _finished(coaching, {"peer": 3, "supervisor": 3, "staff": 2})
    client.force_login(coaching.guide)
    page = client.get(_url("results", cycle)).content.decode()
    assert "Peers" in page and "Supervisors" in page
    assert "Not shown: nurses and staff (fewer than 3 answers" in page
    assert "Everyone" not in page  # the overall would give away the two staff by subtraction
    assert "Comments not shown: nurses and staff" in page
    assert page.count("Calm on nights.") == 6


def test_results_show_everyone_when_no_group_is_withheld(client, coaching):
    cycle = _finished(coaching, {"peer": 3, "staff": 3})
    client.force_login(coaching.learner)
    page = client.get(_url("results", cycle)).content.decode()
    assert "Everyone" in page
    assert "Not shown" not in page


def test_small_groups_are_merged_when_they_reach_three_together(client, coaching):
    cycle = _finished(coaching, {"peer": 3, "junior": 2, "staff": 1})
    client.force_login(coaching.learner)
    page = client.get(_url("results", cycle)).content.decode()
    assert "Other groups combined (juniors, nurses and staff)" in page
    assert "Everyone" in page


def test_no_result_before_the_cycle_closes(client, coaching):
    cycle = make_cycle(coaching, raters={"peer": 4}, open_it=True)
    for rater in list(cycle.raters.all())[:3]:
        answer(rater, texts=("HIDDEN-UNTIL-CLOSED", ""))
    client.force_login(coaching.learner)
    page = client.get(_url("results", cycle)).content.decode()
    assert "can be read once the cycle closes" in page
    assert "HIDDEN-UNTIL-CLOSED" not in page


def test_a_change_is_shown_against_the_previous_cycle(client, coaching):
    first = _finished(coaching, {"peer": 3})
    first.opens_on -= timedelta(days=200)
    first.closes_on -= timedelta(days=200)
    first.save()
    second = make_cycle(coaching, raters={"peer": 3}, open_it=True)
    for rater in second.raters.all():
        answer(rater, rating=5)
    client.force_login(coaching.learner)
    page = client.get(_url("results", second)).content.decode()
    assert "Change" in page and "+0.7" in page


def _no_keys(page):
    """The page without its one-time values (CSRF token, submission key)."""
    return re.sub(r'(value="|X-CSRFToken": ")[^"]*"', "", page)


def test_the_status_page_counts_answers_by_group_without_names(client, coaching):
    cycle = make_cycle(coaching, raters={"peer": 3, "staff": 1}, open_it=True)
    client.force_login(coaching.learner)

    def pages():
        cycle_page = client.get(_url("cycle", cycle)).content.decode()
        raters_page = client.get(_url("raters", cycle)).content.decode()
        return _no_keys(cycle_page), _no_keys(raters_page)

    before = pages()
    answer(cycle.raters.filter(group="peer").first())
    cycle_page, raters_page = pages()
    assert "Peer 1" not in cycle_page and "peer1@example.org" not in cycle_page
    assert re.search(r"Peers</th><td[^>]*>3</td><td[^>]*>1</td>", cycle_page)
    assert "Peer 1" in raters_page
    assert raters_page == before[1]  # the list reads the same before and after an answer


def test_the_coach_does_not_see_the_rater_list(client, coaching):
    cycle = make_cycle(coaching, raters={"peer": 3})
    client.force_login(coaching.guide)
    assert client.get(_url("raters", cycle)).status_code == 403


def test_leaders_do_not_learn_that_a_cycle_exists(client, coaching, director):
    cycle = _finished(coaching, {"peer": 3})
    client.force_login(director)
    assert client.get(_url("results", cycle)).status_code == 404
    assert client.get(_url("cycle", cycle)).status_code == 404
    page = client.get(reverse("feedback:index", args=[cycle.relationship.program.slug]))
    assert cycle.name not in page.content.decode()


def test_the_coachee_names_a_rater(client, coaching):
    cycle = make_cycle(coaching)
    client.force_login(coaching.learner)
    response = client.post(
        _url("raters", cycle), {"group": "peer", "name": "Ana Diaz", "email": "ana@example.org"}
    )
    assert response.status_code == 302
    assert cycle.raters.get().name == "Ana Diaz"


def test_preparing_a_cycle_through_the_form(client, coaching):
    client.force_login(coaching.learner)
    today = timezone.localdate()
    response = client.post(
        reverse("feedback:cycle_new", args=[coaching.program.slug, coaching.uuid]),
        {"name": "Chief year", "opens_on": today, "closes_on": today + timedelta(days=14)},
    )
    cycle = coaching.feedback_cycles.get()
    assert response["Location"] == cycle.get_absolute_url()
    assert cycle.items.count() == 12


# --- the rater's form -------------------------------------------------------------------------


def _answer_url(token):
    return reverse("feedback:answer", args=[token])


def _filled(cycle):
    data = {}
    for item in cycle.items.all():
        data[f"item_{item.position}"] = "4" if item.kind == ItemKind.RATING else "Good."
    return data


def test_a_rater_answers_without_an_account_once(client, coaching):
    cycle = make_cycle(coaching, raters={"peer": 3}, open_it=True)
    token = token_for(cycle.raters.first())
    page = client.get(_answer_url(token))
    assert page.status_code == 200
    assert coaching.learner.full_name in page.content.decode()
    assert page["Referrer-Policy"] == "same-origin"
    response = client.post(_answer_url(token), _filled(cycle))
    assert response["Location"] == reverse("feedback:thanks")
    assert Response.objects.count() == 1
    again = client.get(_answer_url(token))
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    client.post(_answer_url(token), _filled(cycle))
    assert Response.objects.count() == 1


def test_a_rating_must_be_chosen(client, coaching):
    cycle = make_cycle(coaching, raters={"peer": 3}, open_it=True)
    token = token_for(cycle.raters.first())
    data = _filled(cycle)
    del data["item_1"]
    page = client.post(_answer_url(token), data)
    assert page.status_code == 200
    assert "Choose a rating" in page.content.decode()
    assert not Response.objects.exists()


def test_can_t_say_is_an_answer(client, coaching):
    cycle = make_cycle(coaching, raters={"peer": 3}, open_it=True)
    token = token_for(cycle.raters.first())
    client.post(_answer_url(token), {**_filled(cycle), "item_1": "na"})
    rated = Response.objects.get().answers.filter(item__kind=ItemKind.RATING)
    assert rated.filter(rating__isnull=True).count() == 1


def test_an_unknown_link_is_refused_clearly(client):
    page = client.get(_answer_url("not-a-real-token"))
    assert page.status_code == 404
    assert "not valid" in page.content.decode()


def test_an_expired_link_is_refused_clearly(client, coaching):
    cycle = make_cycle(coaching, raters={"peer": 3}, open_it=True, days=7)
    token = token_for(cycle.raters.first())
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        page = client.get(_answer_url(token))
    assert page.status_code == 410
    assert "closed" in page.content.decode()


def test_the_results_page_reads_a_fixed_number_of_queries(
    client, coaching, django_assert_max_num_queries
):
    small = _finished(coaching, {"peer": 3})
    client.force_login(coaching.learner)
    with django_assert_max_num_queries(20) as counted:
        client.get(_url("results", small))
    baseline = len(counted.captured_queries)
    big = _finished(coaching, {"peer": 8, "supervisor": 6, "junior": 5, "staff": 7})
    with django_assert_max_num_queries(baseline):
        client.get(_url("results", big))


def test_the_list_reads_a_fixed_number_of_queries(client, coaching, django_assert_max_num_queries):
    make_cycle(coaching)
    url = reverse("feedback:index", args=[coaching.program.slug])
    client.force_login(coaching.learner)
    with django_assert_max_num_queries(30) as counted:
        client.get(url)
    baseline = len(counted.captured_queries)
    make_cycle(coaching)
    make_cycle(coaching, raters={"peer": 3}, open_it=True)
    with django_assert_max_num_queries(baseline):
        page = client.get(url)
    assert page.content.decode().count("Chief year 360°") == 3
