"""Every question form answers hostile input with a message, never a 500, and writes nothing."""

import pytest
from django.urls import reverse

from dyad.meetings.tests.bad_input import case_id, cases, snapshot, with_bad
from dyad.questions.models import Question
from dyad.questions.tests.helpers import make_meeting
from dyad.relationships.factories import make_active_relationship

QUESTION = {
    "text": "Which conference would you like to attend this year?",
    "direction": "guide_to_learner",
    "kinds": ["mentoring"],
    "topic": "research",
    "stages": ["senior_years"],
    "months": ["10"],
    "position": "5",
}
QUESTION_FIELDS = {
    "text": "text",
    "direction": "choice",
    "kinds": "choice",
    "topic": "choice",
    "stages": "choice",
    "months": "choice",
    "position": "int",
}
FORMS = {"add": QUESTION_FIELDS, "edit": QUESTION_FIELDS, "asked": {"question": "choice"}}


@pytest.fixture
def world(program, director):
    rel = make_active_relationship(program=program)
    return {
        "director": director,
        "relationship": rel,
        "meeting": make_meeting(rel),
        "question": Question.objects.default_bank().first(),
    }


def _post(client, world, name, data):
    slug = world["relationship"].program.slug
    if name == "add":
        client.force_login(world["director"])
        url = reverse("questions:add", args=[slug])
    elif name == "edit":
        client.force_login(world["director"])
        url = reverse("questions:edit", args=[slug, world["question"].uuid])
    else:
        client.force_login(world["relationship"].guide)
        url = reverse("questions:mark_asked", args=[slug, world["meeting"].uuid])
    response = client.post(url, data)
    assert response.status_code < 500
    return response


def _valid(world, name):
    if name == "asked":
        return {"question": [str(world["question"].uuid)]}
    return QUESTION


@pytest.mark.parametrize("name", FORMS)
def test_the_valid_form_is_accepted(client, world, name):
    before = snapshot()
    _post(client, world, name, _valid(world, name))
    assert snapshot() != before


@pytest.mark.parametrize(
    ("name", "field", "value"),
    cases(FORMS),
    ids=lambda v: case_id(v) if isinstance(v, str) else None,
)
def test_a_bad_value_is_refused_and_nothing_is_written(client, world, name, field, value):
    before = snapshot()
    _post(client, world, name, with_bad(_valid(world, name), field, value))
    assert snapshot() == before
