"""A create form posted twice creates once.

Each create form carries a one-time key in a hidden field; the first POST claims it with
what it creates, a second POST of the same page (a double click, a replay) creates nothing
and is sent where the first one went. The forms are filled in from their pages, as a
browser would, so that a form whose page forgets the hidden field fails here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dyad.checkins.models import CheckIn
from dyad.coaching.models import Referral
from dyad.feedback.models import Cycle, Rater
from dyad.goals.models import Goal, Ilp
from dyad.matching.models import MatchRound
from dyad.meetings.models import Meeting
from dyad.profiles.models import ContentArea
from dyad.programs.models import RosterImport
from dyad.questions.models import Question
from dyad.relationships.models import (
    EvaluativeRole,
    GuideRequest,
    Relationship,
    SafetyConcern,
    SafetyContact,
)
from dyad.surveys.factories import answers_for
from dyad.surveys.models import Cycle as SurveyCycle
from dyad.surveys.models import Question as SurveyQuestion
from dyad.surveys.models import Response as SurveyResponse
from tests.test_fuzz_forms import FormFinder
from tests.world import build_world

LAST_WEEK = timezone.localdate() - timedelta(days=7)


@dataclass
class CreateForm:
    """Where a create form is shown, who fills it in, with what, and what it creates."""

    persona: str
    page: Callable  # world → the page's URL
    values: Callable  # world → the fields to fill in (the rest as the page has them)
    created: Callable  # world → the queryset of what it creates
    posts_to: Callable | None = None  # world → where it posts, when not to the page
    given: Callable | None = None  # world → None: what must be so before the form is filled


def _started_last_month(w):
    """The world's pair started today; a meeting of last week needs an older pairing."""
    Relationship.objects.filter(pk=w.relationship.pk).update(
        start_date=LAST_WEEK - timedelta(days=30)
    )


def _first_meeting_held(w):
    """The world's pair has only a meeting to come: a held one makes a check-in due."""
    Meeting.objects.create(
        relationship=w.relationship,
        starts_at=timezone.now() - timedelta(days=7),
        duration_minutes=45,
        mode="in_person",
        status="held",
        created_by=w.user("learner"),
    )


def _program(w):
    return {"slug": w.program.slug}


def _rel(w):
    return {"slug": w.program.slug, "rel_uuid": w.relationship.uuid}


def _survey_answers(cycle):
    values = answers_for(cycle, "learner")
    return {f"q_{q.position}": str(values[q.pk]) for q in cycle.questions.all() if q.pk in values}


def _roster_file():
    return SimpleUploadedFile(
        "roster.csv",
        b"Email,First Name,Last Name,PGY\nsecond.intern@example.org,Second,Intern,1\n",
        "text/csv",
    )


CREATE_FORMS = {
    "log a meeting": CreateForm(
        persona="learner",
        page=lambda w: reverse("meetings:log", kwargs=_rel(w)),
        values=lambda w: {
            "date": LAST_WEEK.isoformat(),
            "time": "14:00",
            "duration_minutes": "45",
            "mode": "in_person",
            "place": "Clinic B",
        },
        created=lambda w: Meeting.objects.filter(relationship=w.relationship),
        given=_started_last_month,
    ),
    "schedule a meeting": CreateForm(
        persona="learner",
        page=lambda w: reverse("meetings:schedule", kwargs=_rel(w)),
        values=lambda w: {
            "date": (timezone.localdate() + timedelta(days=10)).isoformat(),
            "time": "14:00",
            "duration_minutes": "45",
            "mode": "in_person",
            "place": "Clinic B",
        },
        created=lambda w: Meeting.objects.filter(relationship=w.relationship),
    ),
    "request a guide": CreateForm(
        persona="learner",
        page=lambda w: reverse(
            "relationships:request_guide",
            kwargs={
                "slug": w.program.slug,
                "profile_uuid": w.user("other_guide").guide_profile.uuid,
            },
        ),
        values=lambda w: {"kind": "mentoring", "message": "May I learn from you?"},
        created=lambda w: GuideRequest.objects.filter(learner=w.user("learner")),
    ),
    "assign": CreateForm(
        persona="director",
        page=lambda w: reverse("relationships:assign", kwargs=_program(w)),
        values=lambda w: {
            "learner": str(w.user("other_learner").pk),
            "guide": str(w.user("other_guide").pk),
            "kind": "mentoring",
        },
        created=lambda w: Relationship.objects.filter(program=w.program),
    ),
    "evaluative role": CreateForm(
        persona="director",
        page=lambda w: reverse("relationships:evaluative_roles", kwargs=_program(w)),
        values=lambda w: {
            "evaluator": str(w.user("other_guide").pk),
            "kind": "ccc_member",
            "learner": "",
        },
        created=lambda w: EvaluativeRole.objects.filter(program=w.program),
    ),
    "safety contact": CreateForm(
        persona="director",
        page=lambda w: reverse("relationships:safety_contacts", kwargs=_program(w)),
        values=lambda w: {"contacts": [str(w.user("coordinator").pk)]},
        created=lambda w: SafetyContact.objects.filter(program=w.program),
    ),
    "concern": CreateForm(
        persona="guide",
        page=lambda w: reverse("relationships:concern_raise", kwargs=_rel(w)),
        values=lambda w: {"urgency": "routine", "description": "Hardly sleeps, it seems."},
        created=lambda w: SafetyConcern.objects.filter(relationship=w.relationship),
    ),
    "question": CreateForm(
        persona="director",
        page=lambda w: reverse("questions:add", kwargs=_program(w)),
        values=lambda w: {
            "text": "What would make this year a good one for you?",
            "direction": "guide_to_learner",
            "kinds": ["mentoring"],
            "topic": Question.objects.values_list("topic", flat=True).first(),
        },
        created=lambda w: Question.objects.filter(program=w.program),
    ),
    "match round": CreateForm(
        persona="director",
        page=lambda w: reverse("matching:round_open", kwargs=_program(w)),
        values=lambda w: {"name": "Second round"},
        created=lambda w: MatchRound.objects.filter(program=w.program),
    ),
    "content area": CreateForm(
        persona="director",
        page=lambda w: reverse("profiles:content_areas", kwargs=_program(w)),
        posts_to=lambda w: reverse("profiles:content_area_add", kwargs=_program(w)),
        values=lambda w: {"name": "Simulation"},
        created=lambda w: ContentArea.objects.filter(program=w.program),
    ),
    "roster upload": CreateForm(
        persona="coordinator",
        page=lambda w: reverse("programs:roster_upload", kwargs=_program(w)),
        values=lambda w: {"file": _roster_file()},
        created=lambda w: RosterImport.objects.filter(program=w.program),
    ),
    "start a learning plan": CreateForm(
        persona="other_learner",
        page=lambda w: reverse("goals:ilp_index", kwargs=_program(w)),
        posts_to=lambda w: reverse("goals:ilp_start", kwargs=_program(w)),
        values=lambda w: {},
        created=lambda w: Ilp.objects.filter(learner=w.user("other_learner")),
    ),
    "learning goal of a plan": CreateForm(
        persona="learner",
        page=lambda w: reverse(
            "goals:ilp_goal_new", kwargs={"slug": w.program.slug, "ilp_uuid": w.goals["ilp"].uuid}
        ),
        values=lambda w: {"title": "Teach the sepsis pathway", "competency": "sbp"},
        created=lambda w: Goal.objects.filter(ilp=w.goals["ilp"]),
    ),
    "coaching referral": CreateForm(
        persona="director",
        page=lambda w: reverse("coaching:refer", kwargs=_program(w)),
        values=lambda w: {
            "learner": str(w.user("other_learner").pk),
            "coach": str(w.user("external_coach").pk),
            "start_date": timezone.localdate().isoformat(),
            "planned_end": (timezone.localdate() + timedelta(days=90)).isoformat(),
            "cadence": "monthly",
        },
        created=lambda w: Referral.objects.filter(engagement__program=w.program),
    ),
    "360° feedback cycle": CreateForm(
        persona="learner",
        page=lambda w: reverse(
            "feedback:cycle_new",
            kwargs={"slug": w.program.slug, "rel_uuid": w.feedback["relationship"].uuid},
        ),
        values=lambda w: {"name": "Second 360°"},
        created=lambda w: Cycle.objects.filter(relationship=w.feedback["relationship"]),
    ),
    "360° feedback rater": CreateForm(
        persona="learner",
        page=lambda w: reverse(
            "feedback:raters",
            kwargs={"slug": w.program.slug, "cycle_uuid": w.feedback["draft"].uuid},
        ),
        values=lambda w: {"group": "peer", "name": "Ana Diaz", "email": "ana@example.org"},
        created=lambda w: Rater.objects.filter(cycle=w.feedback["draft"]),
    ),
    "survey question": CreateForm(
        persona="director",
        page=lambda w: reverse("surveys:questions", kwargs=_program(w)),
        values=lambda w: {"kind": "text", "audience": "both", "text": "Anything else?"},
        created=lambda w: SurveyQuestion.objects.filter(program=w.program),
    ),
    "survey cycle": CreateForm(
        persona="director",
        page=lambda w: reverse("surveys:cycle_new", kwargs=_program(w)),
        values=lambda w: {},
        created=lambda w: SurveyCycle.objects.filter(program=w.program),
    ),
    "survey answers": CreateForm(
        persona="other_learner",
        page=lambda w: reverse(
            "surveys:answer",
            kwargs={"slug": w.program.slug, "cycle_uuid": w.surveys["open"].uuid},
        ),
        values=lambda w: _survey_answers(w.surveys["open"]),
        created=lambda w: SurveyResponse.objects.filter(cycle=w.surveys["open"]),
    ),
    # Expectations of the year (SPEC M10): once sent, each save is a new version.
    "new version of the year's expectations": CreateForm(
        persona="director",
        page=lambda w: reverse(
            "expectations:edit",
            kwargs={"slug": w.program.slug, "year": w.expectations["year"], "audience": "guides"},
        ),
        values=lambda w: {"expectations": "Meet in July.", "confidentiality": "Between you."},
        created=lambda w: w.program.expectations_documents.filter(audience="guides"),
    ),
    "pairing-fit check-in": CreateForm(
        persona="guide",
        page=lambda w: reverse("checkins:new", kwargs=_rel(w)),
        values=lambda w: {"rating": "2", "comment": "We rarely manage to meet."},
        created=lambda w: CheckIn.objects.filter(rater=w.user("guide")),
        given=_first_meeting_held,
    ),
    # Year rollover: the second click finds the program already rolled over.
    "roll over": CreateForm(
        persona="coordinator",
        page=lambda w: reverse("rollover:index", kwargs=_program(w)),
        values=lambda w: {},
        created=lambda w: w.program.rollovers.all(),
    ),
}

# Their views, in files being moved onto dyad/flow.py elsewhere, do not claim the key yet.


def filled_in(client, world, form: CreateForm) -> tuple[str, dict]:
    """The page's form as a browser would send it, with `form.values` typed in."""
    if form.given:
        form.given(world)
    page = form.page(world)
    response = client.get(page)
    assert response.status_code == 200, page
    target = form.posts_to(world) if form.posts_to else page
    finder = FormFinder(page)
    finder.feed(response.content.decode())
    found = finder.forms[target]
    data = {name: values for name, values in found.fields.items() if values}
    data.update(form.values(world))
    return target, data


def _cases():
    return list(CREATE_FORMS)


@pytest.mark.django_db
@pytest.mark.parametrize("name", _cases())
def test_the_same_form_posted_twice_creates_once(client, name):
    world = build_world()
    form = CREATE_FORMS[name]
    client.force_login(world.user(form.persona))
    target, data = filled_in(client, world, form)
    assert data.get("submission_key"), "the page does not render the form's one-time key"
    before = form.created(world).count()

    first = client.post(target, data)
    assert first.status_code == 302, first.context and first.context["form"].errors
    after_first = form.created(world).count()
    if "file" in data:
        data["file"] = _roster_file()  # a browser sends the file again
    second = client.post(target, data)

    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    assert form.created(world).count() == after_first
    assert after_first > before or name == "safety contact"
    said = [str(m) for m in get_messages(second.wsgi_request)]
    assert any("already saved" in text for text in said), said


@pytest.mark.django_db
def test_a_key_of_someone_else_is_refused(client):
    world = build_world()
    form = CREATE_FORMS["concern"]
    client.force_login(world.user("guide"))
    target, data = filled_in(client, world, form)
    client.post(target, data)
    client.force_login(world.user("director"))
    other = CREATE_FORMS["assign"]
    other_target, other_data = filled_in(client, world, other)
    other_data["submission_key"] = data["submission_key"]
    before = other.created(world).count()

    response = client.post(other_target, other_data)

    assert response.status_code == 200
    assert "out of date" in " ".join(response.context["form"].non_field_errors())
    assert other.created(world).count() == before


@pytest.mark.django_db
def test_a_refused_form_keeps_its_key_for_the_corrected_post(client):
    """Nothing is claimed when the form is refused: the corrected POST of the same page
    still creates."""
    world = build_world()
    form = CREATE_FORMS["concern"]
    client.force_login(world.user("guide"))
    target, data = filled_in(client, world, form)
    before = form.created(world).count()

    refused = client.post(target, {**data, "description": ""})
    assert refused.status_code == 200
    assert refused.context["form"]["submission_key"].value() == data["submission_key"][0]
    saved = client.post(target, data)

    assert saved.status_code == 302
    assert form.created(world).count() == before + 1


# --- At once, on PostgreSQL --------------------------------------------------------------------


def _post_at_once(world, form: CreateForm, times: int = 2) -> list[int]:
    """The same filled-in form posted by `times` threads released together."""
    client = Client()
    client.force_login(world.user(form.persona))
    target, data = filled_in(client, world, form)
    barrier = threading.Barrier(times)
    statuses: list[int] = []

    def post():
        try:
            own = Client()
            own.force_login(world.user(form.persona))
            barrier.wait()
            statuses.append(own.post(target, data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite writes one at a time")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("name", ["log a meeting", "concern"])
def test_two_identical_posts_at_once_create_one(name):
    world = build_world()
    form = CREATE_FORMS[name]
    for attempt in range(20):
        before = form.created(world).count()
        statuses = _post_at_once(world, form)
        assert sorted(statuses) == [302, 302], f"try {attempt + 1}: {statuses}"
        assert form.created(world).count() == before + 1, f"try {attempt + 1}"
