"""The party's prompt and answer, and what they see right after."""

import pytest
from django.urls import reverse

from dyad.checkins.models import CheckIn
from dyad.checkins.tests.conftest import hold_meeting
from dyad.relationships.factories import make_active_relationship

pytestmark = pytest.mark.django_db


def new_url(rel):
    return reverse("checkins:new", args=[rel.program.slug, rel.uuid])


def form_data(client, rel, **data):
    """The form's fields as the page renders them, with the one-time key."""
    page = client.get(new_url(rel))
    key = page.context["form"]["submission_key"].value()
    return {"submission_key": str(key), "comment": "", **data}


def test_the_home_page_links_each_due_check_in_and_its_form_has_words_for_each_point(
    client, pair, learner
):
    client.force_login(learner)
    html = client.get(reverse("home:home", args=[pair.program.slug])).content.decode()
    assert "How are your pairings working?" in html
    assert "only program leadership reads your answer" in html
    assert f'href="{new_url(pair)}"' in html
    form = client.get(new_url(pair)).content.decode()
    assert "How well is this pairing working for you?" in form
    for words in ("Not working at all", "Working in part", "Working very well"):
        assert words in form


def test_the_relationship_page_asks_a_party_whose_check_in_is_due(client, pair, guide):
    client.force_login(guide)
    html = client.get(pair.get_absolute_url()).content.decode()
    assert "How well is this pairing working for you?" in html


def test_no_prompt_before_the_first_meeting(client, program, director, learner, guide):
    rel = make_active_relationship(
        program=program, learner=learner, guide=guide, acting_user=director
    )
    client.force_login(learner)
    assert "How well is this pairing" not in client.get(rel.get_absolute_url()).content.decode()
    home = client.get(reverse("home:home", args=[program.slug])).content.decode()
    assert "How well is this pairing" not in home
    page = client.get(new_url(rel)).content.decode()
    assert "once you have held your first meeting" in page


def test_no_prompt_for_a_leader_who_is_not_a_party(client, pair, director):
    client.force_login(director)
    assert "How well is this pairing" not in client.get(pair.get_absolute_url()).content.decode()


def test_a_low_answer_offers_the_no_fault_rematch(client, pair, learner):
    client.force_login(learner)
    response = client.post(
        new_url(pair), form_data(client, pair, rating="2", comment="We never meet.")
    )
    checkin = CheckIn.objects.get()
    assert response.status_code == 302
    assert response["Location"] == checkin.get_absolute_url()
    page = client.get(checkin.get_absolute_url()).content.decode()
    assert "Your answer went to program leadership only." in page
    assert "different mentor without it counting against anyone" in page
    assert f"{pair.get_absolute_url()}#rematch" in page
    assert "We never meet." in page
    # …and the prompt is gone.
    assert "How well is this pairing" not in client.get(pair.get_absolute_url()).content.decode()


def test_the_guide_is_offered_a_different_learner_in_the_kinds_words(
    client, program, director, learner, guide
):
    rel = make_active_relationship(
        program=program, learner=learner, guide=guide, kind="coaching", acting_user=director
    )
    hold_meeting(rel)
    client.force_login(guide)
    response = client.post(new_url(rel), form_data(client, rel, rating="1"))
    page = client.get(response["Location"]).content.decode()
    assert "different coachee" in page


def test_a_good_answer_only_thanks(client, pair, learner):
    client.force_login(learner)
    response = client.post(new_url(pair), form_data(client, pair, rating="5"))
    page = client.get(response["Location"]).content.decode()
    assert "no-fault rematch" not in page


def test_a_double_submit_saves_once(client, pair, learner):
    client.force_login(learner)
    data = form_data(client, pair, rating="2")
    first = client.post(new_url(pair), data)
    second = client.post(new_url(pair), data)
    assert CheckIn.objects.count() == 1
    assert second.status_code == 302 and second["Location"] == first["Location"]


def test_a_missing_rating_is_asked_for(client, pair, learner):
    client.force_login(learner)
    response = client.post(new_url(pair), form_data(client, pair))
    assert response.status_code == 200
    assert "Choose a point from 1 to 5." in response.content.decode()
    assert not CheckIn.objects.exists()


def test_answering_again_in_the_same_period_is_refused_in_words(client, pair, learner):
    client.force_login(learner)
    client.post(new_url(pair), form_data(client, pair, rating="4"))
    page = client.get(new_url(pair)).content.decode()
    assert "No check-in is due now. You will be asked again on" in page
    response = client.post(new_url(pair), form_data(client, pair, rating="4"))
    assert response.status_code == 200
    assert "No check-in is due for this pairing now." in response.content.decode()
    assert CheckIn.objects.count() == 1


def test_the_home_page_lists_each_pairing_due_once(client, pair, program, director, learner):
    other = make_active_relationship(
        program=program, learner=learner, kind="advising", acting_user=director
    )
    hold_meeting(other)
    client.force_login(learner)
    html = client.get(reverse("home:home", args=[program.slug])).content.decode()
    assert html.count(f'href="{new_url(pair)}"') == 1
    assert html.count(f'href="{new_url(other)}"') == 1
    assert 'name="rating"' not in html
