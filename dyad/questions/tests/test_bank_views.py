"""The program's question bank: list with filters, add, edit, (de)activate, customize."""

import pytest
from django.urls import reverse

from dyad.programs.models import GuidanceKind
from dyad.questions import services
from dyad.questions.factories import QuestionFactory
from dyad.questions.models import Question, Stage, Topic

pytestmark = pytest.mark.django_db


def bank_url(program, **params):
    url = reverse("questions:bank", args=[program.slug])
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def q_url(name, program, question):
    return reverse(f"questions:{name}", args=[program.slug, question.uuid])


def default_question():
    return Question.objects.default_bank().first()


def shown(response):
    return list(response.context["questions"])


VALID = {
    "text": "  Which   conference would you like to attend this year? ",
    "direction": "guide_to_learner",
    "kinds": ["mentoring", "advising"],
    "topic": "research",
    "stages": ["senior_years"],
    "months": ["10", "9"],
    "position": "",
}


# --- the list -----------------------------------------------------------------------------


def test_leader_sees_the_default_bank_until_customizing(client, program, coordinator):
    client.force_login(coordinator)
    response = client.get(bank_url(program))
    assert response.status_code == 200
    assert "You are using Dyad's default bank" in response.text
    assert default_question().text in response.text
    assert len(shown(response)) == Question.objects.default_bank().count()
    assert all(q.program_id is None for q in shown(response))


def test_after_customizing_the_list_is_the_programs_own(client, program, director):
    services.question_bank_customize(program=program, acting_user=director)
    client.force_login(director)
    response = client.get(bank_url(program))
    assert "keeps its own bank" in response.text
    assert all(q.program_id == program.pk for q in shown(response))


def test_filters_by_direction_kind_topic_stage_and_status(client, program, director):
    client.force_login(director)
    every = Question.objects.default_bank()
    by_topic = shown(client.get(bank_url(program, topic="burnout")))
    assert by_topic and {q.topic for q in by_topic} == {Topic.BURNOUT}
    by_kind = shown(client.get(bank_url(program, kind="peer_mentoring")))
    assert len(by_kind) == sum(1 for q in every if GuidanceKind.PEER_MENTORING in q.kinds)
    by_direction = shown(client.get(bank_url(program, direction="learner_to_guide")))
    assert by_direction and {q.direction for q in by_direction} == {"learner_to_guide"}
    by_stage = shown(client.get(bank_url(program, stage="graduating")))
    assert by_stage and all(not q.stages or Stage.GRADUATING in q.stages for q in by_stage)
    assert any(not q.stages for q in by_stage)  # questions for every stage are included
    combined = shown(client.get(bank_url(program, kind="coaching", topic="goals")))
    assert combined and all("coaching" in q.kinds and q.topic == "goals" for q in combined)


def test_mentoring_filter_does_not_match_peer_mentoring(client, program, director):
    client.force_login(director)
    peer_only = Question.objects.default_bank().filter(kinds=["peer_mentoring"]).first()
    assert peer_only is not None
    assert peer_only not in shown(client.get(bank_url(program, kind="mentoring")))


def test_status_filter_and_invalid_filters(client, program, director):
    copy = services.question_set_active(
        program=program, question=default_question(), active=False, acting_user=director
    )
    client.force_login(director)
    assert shown(client.get(bank_url(program, status="inactive"))) == [copy]
    assert copy not in shown(client.get(bank_url(program, status="active")))
    response = client.get(bank_url(program, topic="nonsense"))
    assert response.status_code == 200
    assert len(shown(response)) == Question.objects.of_program(program).count()


def test_list_page_query_count_does_not_grow(
    computed_pages, client, program, director, django_assert_num_queries
):
    client.force_login(director)
    client.get(bank_url(program))  # warm the session
    with django_assert_num_queries(5):
        client.get(bank_url(program))
    services.question_bank_customize(program=program, acting_user=director)
    QuestionFactory.create_batch(30, program=program, kinds=["coaching", "advising"])
    with django_assert_num_queries(5):
        response = client.get(bank_url(program, kind="coaching"))
    assert len(shown(response)) > 30


# --- add and edit -------------------------------------------------------------------------


def test_leader_adds_a_question(client, program, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("questions:add", args=[program.slug])).status_code == 200
    response = client.post(reverse("questions:add", args=[program.slug]), VALID)
    assert response.status_code == 302 and response["Location"] == bank_url(program)
    added = Question.objects.of_program(program).get(topic="research", source=None)
    assert added.text == "Which conference would you like to attend this year?"
    assert added.kinds == ["mentoring", "advising"]
    assert added.months == [9, 10]
    assert Question.objects.of_program(program).count() == (
        Question.objects.default_bank().count() + 1
    )
    assert "Added: “Which conference" in client.get(bank_url(program)).text


def test_an_invalid_question_is_shown_again_with_errors(client, program, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("questions:add", args=[program.slug]), {**VALID, "kinds": []})
    assert response.status_code == 200
    assert "Choose at least one kind of relationship." in response.text
    assert not Question.objects.of_program(program).exists()


def test_editing_a_default_question_customizes_the_bank(client, program, director):
    original = default_question()
    client.force_login(director)
    form = client.get(q_url("edit", program, original))
    assert form.status_code == 200
    assert original.text in form.text
    response = client.post(q_url("edit", program, original), {**VALID, "topic": "teaching"})
    assert response.status_code == 302
    copy = Question.objects.of_program(program).get(source=original)
    assert copy.topic == "teaching" and copy.position == original.position
    original.refresh_from_db()
    assert original.topic != "teaching"
    # The default question's address now leads to the program's copy.
    assert client.get(q_url("edit", program, original)).context["question"] == copy


def test_another_programs_question_is_not_found(client, program, other_program, director):
    theirs = QuestionFactory(program=other_program)
    client.force_login(director)
    assert client.get(q_url("edit", program, theirs)).status_code == 404
    assert client.post(q_url("deactivate", program, theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active


def test_deactivate_and_reactivate(client, program, director):
    client.force_login(director)
    response = client.post(q_url("deactivate", program, default_question()))
    assert response.status_code == 302 and response["Location"] == bank_url(program)
    copy = Question.objects.of_program(program).get(source=default_question())
    assert not copy.is_active
    assert "will no longer be suggested" in client.get(bank_url(program)).text
    client.post(q_url("reactivate", program, copy))
    copy.refresh_from_db()
    assert copy.is_active


def test_customize_copies_once(client, program, director):
    client.force_login(director)
    url = reverse("questions:customize", args=[program.slug])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    assert Question.objects.of_program(program).count() == Question.objects.default_bank().count()
    assert "already has its own bank" in client.get(bank_url(program)).text


def test_changes_need_post(client, program, director):
    client.force_login(director)
    question = default_question()
    assert client.get(reverse("questions:customize", args=[program.slug])).status_code == 405
    assert client.get(q_url("deactivate", program, question)).status_code == 405
    assert client.get(q_url("reactivate", program, question)).status_code == 405
    assert not Question.objects.of_program(program).exists()


# --- the permission trio, for every view of the bank --------------------------------------


def urls(program):
    question = default_question()
    return [
        ("get", bank_url(program), 200),
        ("get", reverse("questions:add", args=[program.slug]), 200),
        ("post", reverse("questions:add", args=[program.slug]), 302),
        ("get", q_url("edit", program, question), 200),
        ("post", q_url("edit", program, question), 302),
        ("post", q_url("deactivate", program, question), 302),
        ("post", q_url("reactivate", program, question), 302),
        ("post", reverse("questions:customize", args=[program.slug]), 302),
    ]


def call(client, method, url):
    return client.post(url, VALID) if method == "post" else client.get(url)


@pytest.mark.parametrize("persona", ["director", "coordinator"])
def test_leaders_may_use_every_view(client, program, persona, request):
    client.force_login(request.getfixturevalue(persona))
    for method, url, status in urls(program):
        assert call(client, method, url).status_code == status, (method, url)


@pytest.mark.parametrize("persona", ["resident", "faculty"])
def test_learners_and_faculty_get_403(client, program, persona, request):
    client.force_login(request.getfixturevalue(persona))
    for method, url, _ in urls(program):
        assert call(client, method, url).status_code == 403, (method, url)
    assert not Question.objects.of_program(program).exists()


def test_members_of_another_program_get_404(client, program, outsider):
    client.force_login(outsider)
    for method, url, _ in urls(program):
        assert call(client, method, url).status_code == 404, (method, url)
    assert not Question.objects.of_program(program).exists()


def test_anonymous_is_sent_to_login(client, program):
    for method, url, _ in urls(program):
        response = call(client, method, url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_row_buttons_share_one_form_and_name_their_own_address(client, program, director):
    client.force_login(director)
    services.question_set_active(
        program=program, question=default_question(), active=False, acting_user=director
    )
    inactive = Question.objects.of_program(program).get(is_active=False)
    active = Question.objects.of_program(program).filter(is_active=True).first()
    text = client.get(bank_url(program)).text
    assert text.count("csrfmiddlewaretoken") == 2  # the top bar's sign-out, and the rows'
    assert f'form="bank-actions" formaction="{q_url("deactivate", program, active)}"' in text
    assert f'form="bank-actions" formaction="{q_url("reactivate", program, inactive)}"' in text
    assert f'href="{q_url("edit", program, active)}"' in text
