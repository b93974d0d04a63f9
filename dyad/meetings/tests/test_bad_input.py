"""Every meeting form answers hostile input with a message, never a 500, and writes nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dyad.meetings import services
from dyad.meetings.tests.bad_input import case_id, cases, snapshot, with_bad
from dyad.relationships.factories import make_active_relationship

LATER = timezone.localdate() + timedelta(days=10)
EARLIER = timezone.localdate() - timedelta(days=1)
PLAN = {
    "date": LATER.isoformat(),
    "time": "16:30",
    "duration_minutes": "45",
    "mode": "in_person",
    "place": "Room 4",
    "link": "https://video.example/room",
}
PLAN_FIELDS = {
    "date": "date",
    "time": "time",
    "duration_minutes": "int",
    "mode": "choice",
    "place": "text",
    "link": "text",
}

# name: (url name, object the url is for, who posts, valid data, fields and their kinds)
FORMS = {
    "schedule": ("meetings:schedule", "relationship", "learner", PLAN, PLAN_FIELDS),
    "log": (
        "meetings:log",
        "relationship",
        "guide",
        {**PLAN, "date": EARLIER.isoformat()},
        PLAN_FIELDS,
    ),
    "reschedule": ("meetings:reschedule", "upcoming", "guide", PLAN, PLAN_FIELDS),
    "outcome": ("meetings:outcome", "past", "guide", {"outcome": "held"}, {"outcome": "choice"}),
    "preparation": (
        "meetings:preparation",
        "upcoming",
        "learner",
        {"prep-goals": "Research plan", "prep-progress": "", "prep-obstacles": ""},
        {"prep-goals": "text", "prep-progress": "text", "prep-obstacles": "text"},
    ),
    "summary": (
        "meetings:summary",
        "past",
        "guide",
        {"summary-text": "We talked", "summary-topics": []},
        {"summary-text": "text", "summary-topics": "choice"},
    ),
    "action": (
        "meetings:action_add",
        "past",
        "learner",
        {"action-text": "Draft abstract", "action-owner": "learner", "action-due_date": ""},
        {"action-text": "text", "action-owner": "choice", "action-due_date": "date"},
    ),
    "private_note": (
        "meetings:private_note",
        "past",
        "guide",
        {"note-text": "Mine alone"},
        {"note-text": "text"},
    ),
}
RULES = {
    f"mentoring-{name}": "int"
    for name in (
        "first_meeting_days_midyear",
        "monthly_months",
        "max_gap_days",
        "min_in_person_per_year",
        "due_soon_days",
        "escalation_grace_days",
    )
}
VALID_RULES = {
    "kind": "mentoring",
    "mentoring-first_meeting_in_person": "on",
    "mentoring-first_meeting_days_midyear": "30",
    "mentoring-monthly_months": "3",
    "mentoring-max_gap_days": "92",
    "mentoring-min_in_person_per_year": "3",
    "mentoring-due_soon_days": "14",
    "mentoring-escalation_grace_days": "14",
}


@pytest.fixture
def world(program):
    rel = make_active_relationship(program=program, start_date=EARLIER - timedelta(days=30))
    upcoming = services.meeting_schedule(
        relationship=rel,
        acting_user=rel.learner,
        starts_at=timezone.now() + timedelta(days=3),
        duration_minutes=45,
        mode="in_person",
        place="Room 4",
    )
    past = services.meeting_log(
        relationship=rel,
        acting_user=rel.learner,
        starts_at=timezone.now() - timedelta(hours=2),
        duration_minutes=45,
        mode="in_person",
        place="Room 4",
    )
    return {"relationship": rel, "upcoming": upcoming, "past": past}


def _post(client, world, name, data):
    url_name, target, who, _, _ = FORMS[name]
    rel = world["relationship"]
    client.force_login(getattr(rel, who))
    key = world[target].uuid
    response = client.post(reverse(url_name, args=[rel.program.slug, key]), data)
    assert response.status_code < 500
    return response


@pytest.mark.parametrize("name", FORMS)
def test_the_valid_form_is_accepted(client, world, name):
    """The control: the same post without a bad value does write."""
    before = snapshot()
    _post(client, world, name, FORMS[name][3])
    assert snapshot() != before


@pytest.mark.parametrize(
    ("name", "field", "value"),
    cases({name: spec[4] for name, spec in FORMS.items()}),
    ids=lambda v: case_id(v) if isinstance(v, str) else None,
)
def test_a_bad_value_is_refused_and_nothing_is_written(client, world, name, field, value):
    before = snapshot()
    _post(client, world, name, with_bad(FORMS[name][3], field, value))
    assert snapshot() == before


def test_every_field_bad_at_once_is_refused(client, world):
    for name, (*_, fields) in FORMS.items():
        before = snapshot()
        _post(client, world, name, {field: "\x00" for field in fields})
        assert snapshot() == before, name


def _post_rules(client, director, program, data):
    client.force_login(director)
    response = client.post(reverse("meetings:cadence", args=[program.slug]), data)
    assert response.status_code < 500
    return response


def test_valid_cadence_rules_are_saved(client, director, program):
    before = snapshot()
    _post_rules(client, director, program, VALID_RULES)
    assert snapshot() != before


@pytest.mark.parametrize(
    ("name", "field", "value"),
    cases({"rules": RULES}),
    ids=lambda v: case_id(v) if isinstance(v, str) else None,
)
def test_bad_cadence_rules_are_refused_and_nothing_is_written(
    client, director, program, name, field, value
):
    before = snapshot()
    response = _post_rules(client, director, program, with_bad(VALID_RULES, field, value))
    assert response.status_code == 200
    assert snapshot() == before


def test_rules_the_cadence_engine_cannot_follow_are_refused_with_their_limits(
    client, director, program
):
    response = _post_rules(
        client, director, program, {**VALID_RULES, "mentoring-max_gap_days": "30000"}
    )
    assert "less than or equal to 366" in response.text
    assert client.get(reverse("meetings:compliance", args=[program.slug])).status_code == 200
