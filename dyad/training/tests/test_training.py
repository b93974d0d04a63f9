"""Faculty development: training modules, completions that lapse, and the requirement that
stops an untrained guide from being paired, with a reason that says what to do."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dyad.audit.models import AuditEntry
from dyad.matching.factories import make_round
from dyad.matching.services import RoundError
from dyad.programs.models import GuidanceKind
from dyad.relationships.factories import make_relationship
from dyad.relationships.services import RelationshipError, guide_request_create
from dyad.training.models import TrainingCompletion
from dyad.training.selectors import guides, missing_training, status_table, training_refusal
from dyad.training.services import completions_record, module_save

TODAY = date(2026, 12, 3)


def coach_training(program, director, *, valid_months=24, required_for=(GuidanceKind.COACHING,)):
    return module_save(
        program=program,
        acting_user=director,
        title="Coach training",
        description="Two days, with practice sessions.",
        valid_months=valid_months,
        required_for=list(required_for),
    )


def completed(module, person, on, director):
    return completions_record(module=module, people=[person], completed_on=on, acting_user=director)


def test_a_required_module_not_completed_is_missing(program, director, faculty):
    module = coach_training(program, director)
    [(missing, status)] = missing_training(
        program=program, person=faculty, kind=GuidanceKind.COACHING, on=TODAY
    )
    assert missing == module and status.label == "Not completed"
    assert missing_training(program=program, person=faculty, kind="mentoring", on=TODAY) == []


def test_a_completion_counts_until_it_lapses(program, director, faculty):
    module = coach_training(program, director, valid_months=12)
    completed(module, faculty, date(2025, 12, 10), director)
    assert not training_refusal(program=program, person=faculty, kind="coaching", on=TODAY)
    later = date(2026, 12, 10)
    refusal = training_refusal(program=program, person=faculty, kind="coaching", on=later)
    assert "Coach training (expired 10 dec 2026)" in refusal


def test_the_refusal_says_who_what_and_what_to_do(program, director, faculty):
    coach_training(program, director)
    refusal = training_refusal(program=program, person=faculty, kind="coaching", on=TODAY)
    assert refusal == (
        f"{faculty} has not completed the training {program} requires before someone may "
        "coach: Coach training (not completed). A program leader records a completion on "
        "the Training page; until then, choose another guide."
    )


def test_an_assignment_to_an_untrained_coach_is_refused_then_allowed_once_trained(
    program, director, faculty, resident
):
    from dyad.profiles.models import GuideOffer

    GuideOffer.objects.create(profile=faculty.guide_profile, kind="coaching", capacity=2)
    module = coach_training(program, director)
    with pytest.raises(RelationshipError, match="has not completed the training"):
        make_relationship(
            program=program, learner=resident, guide=faculty, kind="coaching", acting_user=director
        )
    completed(module, faculty, timezone.localdate(), director)
    rel = make_relationship(
        program=program, learner=resident, guide=faculty, kind="coaching", acting_user=director
    )
    assert rel.guide == faculty


def test_mentoring_is_not_held_up_by_coach_training(program, director, faculty, resident):
    coach_training(program, director)
    rel = make_relationship(program=program, learner=resident, guide=faculty, acting_user=director)
    assert rel.kind == GuidanceKind.MENTORING


def test_a_learner_cannot_ask_an_untrained_mentor(program, director, faculty, resident):
    coach_training(program, director, required_for=[GuidanceKind.MENTORING])
    with pytest.raises(RelationshipError, match="before someone may mentor"):
        guide_request_create(
            program=program,
            learner=resident,
            guide=faculty,
            kind="mentoring",
            message="I would like your advice on research.",
            acting_user=resident,
        )


def test_a_match_round_refuses_an_untrained_guide_in_its_pool(program, director, faculty, resident):
    coach_training(program, director, required_for=[GuidanceKind.MENTORING])
    with pytest.raises(RoundError, match="has not completed the training"):
        make_round(program=program, guides=[faculty], acting_user=director)


def test_recording_the_same_completion_twice_adds_nothing(program, director, faculty):
    module = coach_training(program, director)
    assert completed(module, faculty, TODAY, director) == 1
    assert completed(module, faculty, TODAY, director) == 0
    assert TrainingCompletion.objects.count() == 1
    assert AuditEntry.objects.filter(action="training.completed").count() == 1


def test_a_completion_in_the_future_or_of_a_non_guide_is_refused(
    program, director, faculty, resident
):
    module = coach_training(program, director)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        completed(module, faculty, timezone.localdate() + timedelta(days=1), director)
    with pytest.raises(ValidationError, match="Only people who guide"):
        completed(module, resident, TODAY, director)


def test_a_leader_records_completions_on_the_module_page(client, program, director, faculty):
    module = coach_training(program, director)
    client.force_login(director)
    page = client.get(module.get_absolute_url()).text
    assert faculty.full_name in page and "Not completed" in page
    response = client.post(
        reverse("training:record", args=[program.slug, module.uuid]),
        {"people": [faculty.pk], "completed_on": timezone.localdate().isoformat()},
        follow=True,
    )
    assert "1 completion recorded." in response.text
    assert "Valid until" in response.text


def test_a_guide_sees_where_they_stand_and_why_it_matters(client, program, director, faculty):
    coach_training(program, director)
    client.force_login(faculty)
    page = client.get(reverse("training:index", args=[program.slug])).text
    assert "Your training" in page and "Coach training" in page
    assert "Required before you may coach in" in page
    assert "Not completed" in page


def test_the_status_table_does_not_grow_in_queries(
    program, director, faculty, django_assert_num_queries
):
    from dyad.profiles.factories import GuideProfileFactory
    from dyad.programs.factories import MembershipFactory

    module = coach_training(program, director)
    completed(module, faculty, TODAY, director)
    with django_assert_num_queries(3):
        status_table(program, TODAY)
    for _ in range(5):
        GuideProfileFactory(user=MembershipFactory(program=program, role="faculty").user)
    with django_assert_num_queries(3):
        table = status_table(program, TODAY)
    assert len(table["rows"]) == 7  # the director guides too


def _faculty(program, n, start=0):
    from dyad.programs.factories import MembershipFactory

    return [
        MembershipFactory(
            program=program,
            role="faculty",
            user__first_name="Fac",
            user__last_name=f"F{i:02}",
            user__email=f"f{i:02}@h.org",
        ).user
        for i in range(start, start + n)
    ]


def test_the_status_page_shows_fifty_guides_a_page_in_the_same_queries(client, program, director):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    module = coach_training(program, director)
    completed(module, _faculty(program, 3)[0], TODAY, director)
    client.force_login(director)
    address = reverse("training:index", args=[program.slug])
    with CaptureQueriesContext(connection) as few:
        client.get(address)
    for person in _faculty(program, 57, start=3):
        completed(module, person, TODAY, director)
    with CaptureQueriesContext(connection) as many:
        first = client.get(address)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(first.context["table"]["rows"]) == 50
    second = client.get(address + "?page=2")
    # The director guides too: 61 guides by name, the last 11 on page 2.
    everyone = [p.last_name for p in guides(program)]
    rows = second.context["table"]["rows"]
    assert [p.last_name for p, _ in rows] == everyone[50:] and len(rows) == 11
    assert all(s.current for p, (s,) in rows if p.last_name.startswith("F"))
    assert "guides 51–61 of 61" in second.text


def test_the_status_page_finds_a_guide_and_pages_through_the_search(client, program, director):
    coach_training(program, director)
    _faculty(program, 60)
    client.force_login(director)
    address = reverse("training:index", args=[program.slug])
    found = client.get(address + "?q=f07")
    assert [p.last_name for p, _ in found.context["table"]["rows"]] == ["F07"]
    assert 'value="f07"' in found.text
    searched = client.get(address + "?q=fac")
    assert searched.context["page"].paginator.count == 60
    assert "?q=fac&amp;page=2" in searched.text
    assert "No guide matches “zzz”." in client.get(address + "?q=zzz").text
