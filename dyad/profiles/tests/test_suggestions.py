"""The directory's remaining places on every card, and a learner's "Suggested for you"."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dyad.access import viewer_for
from dyad.profiles.factories import GuideProfileFactory, LearnerProfileFactory
from dyad.profiles.models import ContentArea
from dyad.profiles.suggestions import SUGGESTION_COUNT, suggested_guides
from dyad.profiles.tests.helpers import count_queries, make_guide
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import GuidanceKind, PairingModel, Role
from dyad.relationships import services
from dyad.relationships.factories import (
    DoNotRepairFactory,
    EvaluativeRoleFactory,
    director_of,
    make_learner,
    make_relationship,
)
from dyad.relationships.models import EndReason, EvaluativeKind

MENTORING = GuidanceKind.MENTORING


def url(program):
    return reverse("profiles:directory", args=[program.slug])


def area(slug):
    return ContentArea.objects.get(program=None, slug=slug)


def suggested(response):
    suggestions = response.context.get("suggestions")
    return [s.guide.user.last_name for s in suggestions.items] if suggestions else None


def seeking(user, *slugs, **fields):
    """Give the learner a profile seeking the content areas `slugs`."""
    fields.setdefault("interests", "")
    fields.setdefault("career_goals", "")
    profile = LearnerProfileFactory(user=user, **fields)
    profile.content_areas_sought.set([area(s) for s in slugs])
    return profile


def fitting_guide(program, last, *slugs, **kwargs):
    return make_guide(program, last=last, areas=[area(s) for s in slugs], **kwargs)


def take_places(program, guide, n, kind=MENTORING):
    for i in range(n):
        make_relationship(
            program=program,
            guide=guide.user,
            learner=make_learner(program, last=f"L{i}"),
            kind=kind,
        )


# --- Remaining places ------------------------------------------------------------------


@pytest.mark.django_db
def test_cards_show_the_places_left_per_kind(client, program, resident):
    guide = make_guide(program, last="Okafor", offers={"mentoring": 3, "coaching": 1})
    take_places(program, guide, 2)
    take_places(program, guide, 1, kind=GuidanceKind.COACHING)
    client.force_login(resident)
    text = client.get(url(program)).text
    assert "Mentoring · 1 of 3 places left" in text
    assert "Coaching · full" in text


@pytest.mark.django_db
def test_ended_relationships_free_their_places(client, program, resident):
    guide = make_guide(program, last="Okafor", offers={"mentoring": 2})
    take_places(program, guide, 2)
    client.force_login(resident)
    assert "Mentoring · full" in client.get(url(program)).text
    relationship = program.relationships.filter(guide=guide.user).first()
    services.relationship_end(
        relationship=relationship, acting_user=director_of(program), reason=EndReason.COMPLETED
    )
    assert "Mentoring · 1 of 2 places left" in client.get(url(program)).text


@pytest.mark.django_db
def test_places_taken_in_another_program_count(client, program, other_program, resident):
    """A guide's capacity is theirs, not one program's."""
    guide = make_guide(program, last="Okafor", offers={"mentoring": 2})
    MembershipFactory(program=other_program, user=guide.user, role=Role.FACULTY)
    take_places(other_program, guide, 1)
    client.force_login(resident)
    assert "Mentoring · 1 of 2 places left" in client.get(url(program)).text


# --- Suggestions -----------------------------------------------------------------------


@pytest.mark.django_db
def test_learner_sees_best_fitting_guides_first_with_reasons(client, program, resident):
    seeking(
        resident,
        "research",
        "wellness",
        interests="Severe asthma, school health",
        career_goals="Fellowship in pulmonology with protected time for research.",
        languages=["English", "Spanish"],
    )
    fitting_guide(
        program,
        "Best",
        "research",
        "wellness",
        clinical_interests="Severe asthma",
        career_path="Pediatrics residency; fellowship in pulmonology.",
        languages=["English", "Spanish"],
    )
    fitting_guide(program, "Some", "research")
    fitting_guide(program, "Nothing", "leadership", clinical_interests="Kidneys")
    client.force_login(resident)
    response = client.get(url(program))
    assert suggested(response) == ["Best", "Some"]
    best = response.context["suggestions"].items[0]
    assert best.reasons == (
        "shared: Research, Wellness, pulmonology, severe asthma",
        "speaks Spanish",
    )
    text = response.text
    assert "Suggested for you" in text
    assert "Shared: Research, Wellness, pulmonology, severe asthma" in text
    assert "Speaks Spanish" in text
    assert text.index("Suggested for you") < text.index('id="directory-results"')


@pytest.mark.django_db
def test_english_alone_is_no_reason(program, resident):
    seeking(resident, languages=["English"])
    fitting_guide(program, "Anglo", languages=["English"])
    assert suggested_guides(viewer_for(resident, program)).items == []


@pytest.mark.django_db
def test_suggestions_leave_out_full_closed_and_forbidden_guides(client, program, resident):
    seeking(resident, "research")
    fitting_guide(program, "Fits", "research")
    full = fitting_guide(program, "Full", "research", offers={"mentoring": 1})
    take_places(program, full, 1)
    fitting_guide(program, "Closed", "research", accepting_new=False)
    barred = fitting_guide(program, "Barred", "research")
    DoNotRepairFactory(program=program, learner=resident, guide=barred.user)
    judge = fitting_guide(program, "Judge", "research")
    EvaluativeRoleFactory(
        program=program,
        evaluator=judge.user,
        kind=EvaluativeKind.ROTATION_SUPERVISOR,
        learner=resident,
        start_date=date(2020, 7, 1),
    )
    mine = fitting_guide(program, "Mine", "research")
    make_relationship(program=program, learner=resident, guide=mine.user)
    client.force_login(resident)
    assert suggested(client.get(url(program))) == ["Fits"]


@pytest.mark.django_db
def test_evaluator_may_still_be_suggested_as_advisor(client, program, resident):
    """Advising may be evaluative; mentoring and coaching may not."""
    seeking(resident, "research")
    apd = fitting_guide(program, "Apd", "research", offers={"mentoring": 2, "advising": 2})
    EvaluativeRoleFactory(
        program=program,
        evaluator=apd.user,
        kind=EvaluativeKind.ASSOCIATE_DIRECTOR,
        start_date=date(2020, 7, 1),
    )
    client.force_login(resident)
    suggestion = client.get(url(program)).context["suggestions"].items[0]
    assert [o.kind for o in suggestion.offers] == [GuidanceKind.ADVISING]


@pytest.mark.django_db
def test_current_guide_is_still_suggested_in_another_kind(client, program, resident):
    seeking(resident, "research")
    guide = fitting_guide(program, "Both", "research", offers={"mentoring": 2, "coaching": 2})
    make_relationship(program=program, learner=resident, guide=guide.user)
    client.force_login(resident)
    suggestion = client.get(url(program)).context["suggestions"].items[0]
    assert [o.kind for o in suggestion.offers] == [GuidanceKind.COACHING]
    assert "Coaching · 2 of 2 places left" in client.get(url(program)).text


@pytest.mark.django_db
def test_peer_mentors_and_the_learner_themself_are_not_suggested(client, program, resident):
    seeking(resident, "wellness")
    fitting_guide(program, "Senior", "wellness", offers={"peer_mentoring": 2}, role=Role.RESIDENT)
    GuideProfileFactory(user=resident, content_areas=[area("wellness")])
    client.force_login(resident)
    assert suggested(client.get(url(program))) == []


@pytest.mark.django_db
def test_at_most_three_suggestions_ties_by_name(client, program, resident):
    seeking(resident, "research")
    for last in ["Fa", "Ea", "Da", "Ca", "Ba", "Aa"]:
        fitting_guide(program, last, "research")
    fitting_guide(program, "Zz", "research", "wellness", clinical_interests="")
    seeking_more = resident.learner_profile
    seeking_more.content_areas_sought.add(area("wellness"))
    client.force_login(resident)
    assert suggested(client.get(url(program))) == ["Zz", "Aa", "Ba"]


@pytest.mark.django_db
def test_learner_without_a_profile_is_asked_to_fill_it_in(client, program, resident):
    fitting_guide(program, "Fits", "research")
    client.force_login(resident)
    response = client.get(url(program))
    assert response.context["suggestions"].has_profile is False
    assert "Fill in your profile" in response.text
    assert reverse("profiles:edit_learner") in response.text


@pytest.mark.django_db
def test_no_fit_says_so(client, program, resident):
    seeking(resident, "research")
    fitting_guide(program, "Other", "leadership")
    client.force_login(resident)
    assert "No guide with room shares your content areas" in client.get(url(program)).text


@pytest.mark.django_db
def test_non_learners_see_no_suggestions(client, program, coordinator, faculty):
    fitting_guide(program, "Fits", "research")
    for user in (coordinator, faculty):
        seeking(user, "research")
        client.force_login(user)
        response = client.get(url(program))
        assert "suggestions" not in response.context
        assert "Suggested for you" not in response.text


@pytest.mark.django_db
def test_learners_of_an_assigned_only_program_see_no_suggestions(client, program, resident):
    program.pairing_model = PairingModel.ASSIGNED
    program.save()
    seeking(resident, "research")
    fitting_guide(program, "Fits", "research")
    client.force_login(resident)
    assert "Suggested for you" not in client.get(url(program)).text


@pytest.mark.django_db
def test_htmx_results_carry_no_suggestions(client, program, resident):
    seeking(resident, "research")
    fitting_guide(program, "Fits", "research")
    client.force_login(resident)
    response = client.get(url(program), HTTP_HX_REQUEST="true")
    assert "suggestions" not in response.context
    assert "Suggested for you" not in response.text


@pytest.mark.django_db
def test_suggestions_take_a_fixed_number_of_queries(computed_pages, client, program, resident):
    seeking(resident, "research", "wellness", interests="Asthma", languages=["Spanish"])
    areas = [area("research"), area("wellness"), area("leadership")]

    def add_guides(start, n):
        for i in range(start, start + n):
            guide = make_guide(
                program,
                last=f"G{i:02d}",
                areas=areas[: 1 + i % 3],
                offers={"mentoring": 2, "coaching": 1, "advising": 1},
                clinical_interests="Asthma" if i % 2 else "Kidneys",
                languages=["Spanish"] if i % 4 == 0 else ["English"],
            )
            if i % 5 == 0:
                take_places(program, guide, 1)

    client.force_login(resident)
    add_guides(0, 4)
    small = count_queries(client, url(program))
    cached = count_queries(client, url(program))
    add_guides(4, 30)
    assert count_queries(client, url(program)) == small
    assert count_queries(client, url(program)) == cached
    # The directory's own (test_directory pins them), and for the suggestions the version
    # (which keys the departments too) and the guides shown when cached; five more to
    # compute them, and one for the departments.
    assert small <= 19, small
    assert cached == small - 6, cached

    # Every candidate is scored from a few columns; only the guides suggested are read
    # whole (their bio, title, user), in one query naming no more than are shown.
    with CaptureQueriesContext(connection) as queries:
        result = suggested_guides(viewer_for(resident, program))
    assert len(result.items) == SUGGESTION_COUNT
    whole = [
        q["sql"] for q in queries.captured_queries if '"profiles_guideprofile"."bio"' in q["sql"]
    ]
    assert len(whole) == 1
    ids = re.search(r'"profiles_guideprofile"\."id" IN \(([^)]*)\)', whole[0])[1]
    assert len(ids.split(",")) == SUGGESTION_COUNT
