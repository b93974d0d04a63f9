"""The goal pages as each person sees them: content by the privacy table, SMART feedback
while typing and after saving."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dyad.audit.models import AuditEntry
from dyad.goals.factories import SMART_FIELDS, make_achievement, make_goal
from dyad.goals.models import Goal
from dyad.relationships.factories import acknowledge_both, make_guide, revise_agreement


def url(name, goal, *extra):
    return reverse(f"goals:{name}", args=[goal.program.slug, goal.uuid, *extra])


def get(client, user, address):
    client.force_login(user)
    return client.get(address)


def test_the_learner_drafts_a_vague_goal_and_sees_what_it_lacks_as_they_type(
    client, program, pairing
):
    client.force_login(pairing.learner)
    response = client.post(
        reverse("goals:new", args=[program.slug]),
        {"title": "Improve my knowledge", "smart_check": "1"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert [t.name for t in response.templates] == ["goals/_smart.html"]
    text = response.text
    assert "Specific:" in text and "Measurable:" in text and "Time-bound:" in text
    assert "a number, a count, a score, a date" in text
    assert not Goal.objects.exists()


def test_the_feedback_follows_the_fixes(client, program, pairing):
    client.force_login(pairing.learner)
    data = {
        **SMART_FIELDS,
        "target_date": (timezone.localdate() + timedelta(days=90)).isoformat(),
        "smart_check": "1",
    }
    response = client.post(
        reverse("goals:new", args=[program.slug]), data, headers={"HX-Request": "true"}
    )
    assert "This goal is SMART" in response.text


def test_a_goal_that_is_not_smart_is_saved_and_its_page_keeps_the_feedback(
    client, program, pairing
):
    client.force_login(pairing.learner)
    response = client.post(
        reverse("goals:new", args=[program.slug]),
        {"title": "Get better at procedures", "relationship": pairing.pk},
        follow=True,
    )
    goal = Goal.objects.get()
    assert goal.relationship == pairing
    assert "It is not SMART yet" in response.text
    assert "What would make it SMART" in response.text


def test_a_smart_goal_says_so_on_save(client, program, pairing):
    client.force_login(pairing.learner)
    data = {**SMART_FIELDS, "target_date": (timezone.localdate() + timedelta(days=90))}
    response = client.post(reverse("goals:new", args=[program.slug]), data, follow=True)
    assert "Your goal is SMART" in response.text


def test_a_bad_date_is_named_and_nothing_saved(client, program, pairing):
    client.force_login(pairing.learner)
    response = client.post(
        reverse("goals:new", args=[program.slug]), {"title": "A goal", "target_date": "soon"}
    )
    assert response.status_code == 200
    assert "Enter a valid date" in response.text
    assert not Goal.objects.exists()


def test_the_guide_of_the_pairing_reads_and_works_on_its_goal(client, pairing):
    goal = make_goal(relationship=pairing, title="PAIRING-GOAL")
    response = get(client, pairing.guide, url("detail", goal))
    assert "PAIRING-GOAL" in response.text
    client.post(url("step_add", goal), {"step-text": "Draft the abstract", "step-kind": "action"})
    assert goal.steps.get().text == "Draft the abstract"


def test_a_personal_goal_is_hidden_from_the_guide_until_shared(client, program, pairing):
    goal = make_goal(program=program, learner=pairing.learner, title="MY-OWN-GOAL")
    assert get(client, pairing.guide, url("detail", goal)).status_code == 404
    assert (
        "MY-OWN-GOAL"
        not in get(client, pairing.guide, reverse("goals:index", args=[program.slug])).text
    )
    client.force_login(pairing.learner)
    data = {**SMART_FIELDS, "title": "MY-OWN-GOAL", "shared_with": [pairing.pk]}
    data["target_date"] = goal.target_date.isoformat()
    assert client.post(url("edit", goal), data).status_code == 302
    assert "MY-OWN-GOAL" in get(client, pairing.guide, url("detail", goal)).text


def test_a_guide_of_another_pairing_of_the_learner_does_not_see_its_goal(
    client, program, pairing, director
):
    from dyad.relationships.factories import make_relationship

    coach = make_guide(program, "Cora", "Coach", offers={"coaching": 2})
    make_relationship(program=program, learner=pairing.learner, guide=coach, kind="coaching")
    goal = make_goal(relationship=pairing)
    assert get(client, coach, url("detail", goal)).status_code == 404


def test_leaders_see_counts_and_no_content_without_consent(client, program, pairing, director):
    goal = make_goal(relationship=pairing, title="GOAL-WORDS")
    make_goal(program=program, learner=pairing.learner, title="PRIVATE-WORDS")
    response = get(client, director, reverse("goals:index", args=[program.slug]))
    assert "GOAL-WORDS" not in response.text and "PRIVATE-WORDS" not in response.text
    counts = response.context["counts"]
    assert counts == [
        {
            "name": pairing.learner.full_name,
            "uuid": pairing.learner.uuid,
            "open": 2,
            "achieved": 0,
            "dropped": 0,
        }
    ]
    assert get(client, director, url("detail", goal)).status_code == 404


def test_with_consent_a_leader_reads_the_pairing_goal_and_the_reading_is_audited(
    client, program, pairing, director
):
    goal = make_goal(relationship=pairing, title="GOAL-WORDS")
    personal = make_goal(program=program, learner=pairing.learner, title="PRIVATE-WORDS")
    revise_agreement(pairing, pairing.learner, consent=["goals"])
    acknowledge_both(pairing)
    response = get(client, director, url("detail", goal))
    assert "GOAL-WORDS" in response.text
    assert "Close the goal" not in response.text and "Add step" not in response.text
    entry = AuditEntry.objects.get(action="consent.read", actor=director)
    assert entry.target_id == str(goal.uuid)
    assert get(client, director, url("detail", personal)).status_code == 404
    assert client.post(url("step_add", goal), {"step-text": "x"}).status_code == 403


def test_an_evaluator_never_sees_goals_even_with_consent(client, program, pairing, faculty):
    from dyad.relationships.factories import EvaluativeRoleFactory

    EvaluativeRoleFactory(program=program, evaluator=faculty)
    goal = make_goal(relationship=pairing)
    revise_agreement(pairing, pairing.learner, consent=["goals"])
    acknowledge_both(pairing)
    assert get(client, faculty, url("detail", goal)).status_code == 404


def test_only_the_learner_closes_the_goal(client, pairing):
    goal = make_goal(relationship=pairing)
    client.force_login(pairing.guide)
    data = {"close-outcome": "achieved", "close-reflection": "Done"}
    assert client.post(url("close", goal), data).status_code == 403
    client.force_login(pairing.learner)
    client.post(url("close", goal), data)
    goal.refresh_from_db()
    assert goal.status == "achieved" and goal.reflection == "Done"


def test_the_guide_records_a_success_in_the_learners_portfolio(client, program, pairing):
    client.force_login(pairing.guide)
    address = reverse("goals:achievement_add", args=[program.slug, pairing.learner.uuid])
    data = {"kind": "nomination", "title": "Nominated for the teaching award", "date": "2026-01-10"}
    response = client.post(address, data, follow=True)
    assert "Nominated for the teaching award" in response.text
    make_achievement(program=program, learner=pairing.learner, title="Own poster")
    page = get(
        client,
        pairing.learner,
        reverse("goals:portfolio", args=[program.slug, pairing.learner.uuid]),
    )
    assert "Own poster" in page.text and "recorded by" in page.text


def test_a_guide_shown_a_personal_goal_does_not_learn_of_the_other_pairings_meetings(
    client, program, pairing, director
):
    from dyad.goals import services
    from dyad.meetings import services as meeting_services
    from dyad.relationships.factories import make_relationship

    coach = make_guide(program, "Cora", "Coach", offers={"coaching": 2})
    coaching = make_relationship(
        program=program, learner=pairing.learner, guide=coach, kind="coaching"
    )
    acknowledge_both(coaching)
    goal = make_goal(program=program, learner=pairing.learner, shared_with=[pairing, coaching])
    meeting = meeting_services.meeting_log(
        relationship=pairing,
        acting_user=pairing.learner,
        starts_at=timezone.now() - timedelta(days=2),
        duration_minutes=30,
        mode="video",
    )
    services.check_in(
        goal=goal, acting_user=pairing.learner, note="Talked it over", percent=10, meeting=meeting
    )
    page = get(client, coach, url("detail", goal))
    assert "Talked it over" in page.text
    assert str(meeting.uuid) not in page.text
    assert "at the meeting of" not in page.text
    assert list(page.context["check_in_form"].fields["meeting"].queryset) == []
    with pytest.raises(ValidationError, match="meeting of the pairing"):
        services.check_in(goal=goal, acting_user=coach, note="x", percent=20, meeting=meeting)
    assert str(meeting.uuid) in get(client, pairing.guide, url("detail", goal)).text


def test_the_guide_rewords_the_pairing_goal_with_feedback_as_they_type(client, pairing):
    goal = make_goal(relationship=pairing)
    client.force_login(pairing.guide)
    data = {**SMART_FIELDS, "target_date": "", "smart_check": "1"}
    response = client.post(url("edit", goal), data, headers={"HX-Request": "true"})
    assert "Time-bound:" in response.text and "There is no target date" in response.text
    goal.refresh_from_db()
    assert goal.target_date is not None
    data.pop("smart_check")
    data["measure"] = "3 posters"
    assert client.post(url("edit", goal), data).status_code == 302
    goal.refresh_from_db()
    assert goal.measure == "3 posters" and goal.target_date is None


def test_a_closed_goal_cannot_be_changed(client, pairing):
    from dyad.goals import services

    goal = make_goal(relationship=pairing)
    services.goal_close(
        goal=goal, acting_user=pairing.learner, outcome="achieved", reflection="Done."
    )
    assert get(client, pairing.learner, url("edit", goal)).status_code == 403
    page = get(client, pairing.learner, url("detail", goal))
    assert "Done." in page.text and "Change the goal" not in page.text


def test_the_guide_sets_a_goal_in_the_pairing_for_the_learner(client, program, pairing):
    client.force_login(pairing.guide)
    page = client.get(reverse("goals:new", args=[program.slug]))
    assert f"Mentoring of {pairing.learner.full_name}" in page.text
    assert "Just me" not in page.text
    data = {**SMART_FIELDS, "relationship": pairing.pk, "target_date": "2027-01-31"}
    assert client.post(reverse("goals:new", args=[program.slug]), data).status_code == 302
    goal = Goal.objects.get()
    assert (goal.learner, goal.relationship, goal.created_by) == (
        pairing.learner,
        pairing,
        pairing.guide,
    )


def test_a_guide_must_choose_one_of_their_pairings(client, program, pairing, director):
    from dyad.relationships.factories import make_relationship

    elsewhere = make_relationship(program=program, acting_user=director)
    client.force_login(pairing.guide)
    for choice in ("", elsewhere.pk):
        data = {**SMART_FIELDS, "relationship": choice}
        response = client.post(reverse("goals:new", args=[program.slug]), data)
        assert response.status_code == 200
        assert "Choose the pairing" in response.text or "valid choice" in response.text
    assert not Goal.objects.exists()


def test_the_service_refuses_a_goal_set_by_someone_outside_the_pairing(program, pairing, faculty):
    from dyad.goals import services

    with pytest.raises(ValidationError, match="learner or their guide"):
        services.goal_create(
            program=program,
            learner=pairing.learner,
            relationship=pairing,
            acting_user=faculty,
            title="A goal set from outside",
        )


def learner_page(client, leader, learner, program):
    return get(client, leader, reverse("goals:learner", args=[program.slug, learner.uuid]))


def test_a_leader_reads_a_learners_goals_only_where_consent_covers_them(
    client, program, pairing, director
):
    from dyad.relationships.factories import make_relationship

    coach = make_guide(program, "Cora", "Coach", offers={"coaching": 2})
    coaching = make_relationship(
        program=program, learner=pairing.learner, guide=coach, kind="coaching"
    )
    acknowledge_both(coaching)
    shared = make_goal(relationship=pairing, title="SHARED-GOAL")
    make_goal(relationship=coaching, title="COACHING-GOAL")
    make_goal(program=program, learner=pairing.learner, title="PRIVATE-GOAL")
    page = learner_page(client, director, pairing.learner, program)
    assert "SHARED-GOAL" not in page.text and "COACHING-GOAL" not in page.text
    assert page.context["counts"]["open"] == 3
    assert not AuditEntry.objects.filter(action="consent.read").exists()

    revise_agreement(pairing, pairing.learner, consent=["goals"])
    acknowledge_both(pairing)
    page = learner_page(client, director, pairing.learner, program)
    assert "SHARED-GOAL" in page.text
    assert "COACHING-GOAL" not in page.text and "PRIVATE-GOAL" not in page.text
    read = AuditEntry.objects.get(action="consent.read", actor=director)
    assert read.target_id == str(shared.uuid)


def test_the_learner_page_of_someone_outside_the_program_is_not_found(
    client, program, director, outsider
):
    assert learner_page(client, director, outsider, program).status_code == 404


@pytest.mark.parametrize("goals", [1, 4])
def test_a_learners_goals_page_reads_and_records_in_queries_that_do_not_grow_with_the_goals(
    computed_pages, client, program, pairing, director, django_assert_num_queries, goals
):
    """The consents of every pairing in one query; each reading recorded, in one INSERT."""
    from dyad.relationships.factories import make_relationship

    coach = make_guide(program, "Cora", "Coach", offers={"coaching": 2})
    coaching = make_relationship(
        program=program, learner=pairing.learner, guide=coach, kind="coaching"
    )
    for relationship in (pairing, coaching):
        revise_agreement(relationship, pairing.learner, consent=["goals"])
        acknowledge_both(relationship)
        for n in range(goals):
            make_goal(relationship=relationship, title=f"GOAL-{relationship.pk}-{n}")
    address = reverse("goals:learner", args=[program.slug, pairing.learner.uuid])
    get(client, director, address)  # the session of a first visit
    AuditEntry.objects.filter(action="consent.read").delete()
    with django_assert_num_queries(8):
        page = client.get(address)
    assert page.text.count("GOAL-") == 2 * goals
    reads = AuditEntry.objects.filter(action="consent.read", actor=director, program=program)
    assert sorted(reads.values_list("target_id", flat=True)) == sorted(
        str(uuid) for uuid in Goal.objects.values_list("uuid", flat=True)
    )


@pytest.mark.parametrize("url_name", ["goals:detail", "goals:learner", "relationships:detail"])
def test_a_leaders_reading_is_recorded_again_each_time_a_kept_copy_is_served(
    client, program, pairing, director, url_name
):
    revise_agreement(pairing, pairing.learner, consent=["goals"])
    acknowledge_both(pairing)
    goal = make_goal(relationship=pairing, title="SHARED-GOAL")
    target = pairing if url_name == "relationships:detail" else goal
    key = {"goals:detail": goal.uuid, "goals:learner": pairing.learner.uuid}.get(url_name)
    address = reverse(url_name, args=[program.slug, key or pairing.uuid])
    client.force_login(director)

    def readings():
        return list(
            AuditEntry.objects.filter(action="consent.read", actor=director)
            .order_by("pk")
            .values_list("program_id", "target_id", "data")
        )

    first = client.get(address)
    assert first.templates
    again = client.get(address)
    assert not again.templates  # served from its copy
    reading = (program.pk, str(target.uuid), {"categories": ["goals"]})
    assert readings() == [reading, reading]

    # The learner withdraws the consent: the page no longer shows the goal, nor records.
    revise_agreement(pairing, pairing.learner, consent=[])
    after = client.get(address)
    assert after.templates and "SHARED-GOAL" not in after.text
    assert readings() == [reading, reading]
