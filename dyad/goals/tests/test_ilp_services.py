"""The learning plan's life: started, written, shared pairing by pairing, reviewed with a
kept version at each review, completed; every change audited, without its words."""

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from dyad.audit.models import AuditEntry
from dyad.goals import services
from dyad.goals.factories import make_ilp
from dyad.goals.models import Goal, IlpState
from dyad.relationships import services as relationship_services
from dyad.relationships.factories import acknowledge_both, make_guide, make_relationship

NOW = timezone.make_aware(datetime(2026, 10, 1, 10, 0))


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def _actions(ilp):
    return list(
        AuditEntry.objects.filter(target_id=str(ilp.uuid))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_a_plan_starts_as_a_draft_with_the_programs_two_review_dates(program, pairing):
    ilp = services.ilp_start(
        program=program, learner=pairing.learner, year=2026, acting_user=pairing.learner
    )
    assert ilp.state == IlpState.DRAFT
    assert ilp.review_dates == ["2026-12-15", "2027-05-15"]
    assert ilp.year_label == "2026–27"
    assert _actions(ilp) == ["ilp.started"]


def test_one_plan_per_learner_and_year(program, pairing):
    make_ilp(program=program, learner=pairing.learner)
    with pytest.raises(ValidationError, match="already have a plan"):
        make_ilp(program=program, learner=pairing.learner)
    with pytest.raises(IntegrityError), transaction.atomic():
        type(make_ilp(program=program, learner=pairing.learner, year=2025)).objects.create(
            program=program, learner=pairing.learner, year=2025
        )
    assert make_ilp(program=program, learner=pairing.learner, year=2027).year == 2027


def test_nobody_starts_a_plan_for_someone_else(program, pairing):
    with pytest.raises(ValidationError):
        services.ilp_start(
            program=program, learner=pairing.learner, year=2026, acting_user=pairing.guide
        )


def test_sections_self_assessment_and_review_dates_are_saved_and_audited_by_name(program, pairing):
    ilp = make_ilp(program=program, learner=pairing.learner)
    ilp = services.ilp_update(
        ilp=ilp,
        acting_user=pairing.learner,
        strengths="Calm in codes",
        competency_notes={"ics": " Bad news ", "pc": "", "bogus": "x"},
        review_dates=[date(2027, 1, 20), None, date(2026, 11, 3)],
    )
    assert ilp.strengths == "Calm in codes"
    assert ilp.competency_notes == {"ics": "Bad news"}
    assert ilp.review_dates == ["2026-11-03", "2027-01-20"]
    entry = AuditEntry.objects.filter(action="ilp.updated").get()
    assert entry.data == {"fields": ["strengths", "competency_notes", "review_dates"]}
    assert "Calm" not in str(entry.data)


def test_review_dates_fall_in_the_plans_year(program, pairing):
    ilp = make_ilp(program=program, learner=pairing.learner)
    with pytest.raises(ValidationError, match="2026–27"):
        services.ilp_update(ilp=ilp, acting_user=pairing.learner, review_dates=[date(2027, 8, 1)])


def test_the_learner_shares_with_their_open_pairings_only(program, pairing, director):
    ilp = make_ilp(program=program, learner=pairing.learner)
    someone_elses = make_relationship(program=program, acting_user=director)
    with pytest.raises(ValidationError, match="open pairings"):
        services.ilp_share(ilp=ilp, acting_user=pairing.learner, shared_with=[someone_elses])
    with pytest.raises(ValidationError, match="learner's choice"):
        services.ilp_share(ilp=ilp, acting_user=pairing.guide, shared_with=[pairing])
    services.ilp_share(ilp=ilp, acting_user=pairing.learner, shared_with=[pairing])
    assert list(ilp.shared_with.all()) == [pairing]
    entry = AuditEntry.objects.get(action="ilp.sharing_changed")
    assert entry.data == {"added": [str(pairing.uuid)], "removed": []}


def test_sharing_for_review_needs_a_guide_to_review_it(program, pairing):
    ilp = make_ilp(program=program, learner=pairing.learner)
    with pytest.raises(ValidationError, match="Choose first"):
        services.ilp_submit(ilp=ilp, acting_user=pairing.learner)
    services.ilp_share(ilp=ilp, acting_user=pairing.learner, shared_with=[pairing])
    ilp = services.ilp_submit(ilp=ilp, acting_user=pairing.learner)
    assert ilp.state == IlpState.SHARED and ilp.shared_at == NOW


def test_a_learning_goal_is_a_goal_of_the_plan_with_a_competency_seen_by_its_guides(
    program, pairing
):
    ilp = make_ilp(program=program, learner=pairing.learner, shared_with=[pairing])
    with pytest.raises(ValidationError, match="ACGME"):
        services.ilp_goal_add(ilp=ilp, acting_user=pairing.learner, title="Read more")
    goal = services.ilp_goal_add(
        ilp=ilp, acting_user=pairing.learner, title="Lead 3 family meetings", competency="ics"
    )
    assert goal.ilp == ilp and goal.relationship is None
    assert list(goal.shared_with.all()) == [pairing]
    assert Goal.objects.visible_to_guide(pairing.guide).filter(pk=goal.pk).exists()
    # Unsharing the plan unshares its goals.
    services.ilp_share(ilp=ilp, acting_user=pairing.learner, shared_with=[])
    assert not Goal.objects.visible_to_guide(pairing.guide).filter(pk=goal.pk).exists()


def test_a_review_keeps_a_version_that_later_changes_do_not_touch(program, pairing):
    ilp = make_ilp(
        program=program, learner=pairing.learner, shared_with=[pairing], strengths="Calm"
    )
    services.ilp_goal_add(
        ilp=ilp, acting_user=pairing.learner, title="Lead 3 family meetings", competency="ics"
    )
    first = services.ilp_review(ilp=ilp, acting_user=pairing.guide, note="Good start")
    services.ilp_update(ilp=ilp, acting_user=pairing.learner, strengths="Calm and kind")
    second = services.ilp_review(ilp=ilp, acting_user=pairing.guide, note="Mid-year")
    first.refresh_from_db()
    assert (first.number, second.number) == (1, 2)
    assert first.snapshot["strengths"] == "Calm"
    assert second.snapshot["strengths"] == "Calm and kind"
    assert first.snapshot["goals"][0]["competency"] == "Interpersonal and communication skills"
    assert first.reviewed_on == date(2026, 10, 1) and first.reviewer_name == "Gale Guide"
    ilp.refresh_from_db()
    assert ilp.state == IlpState.REVIEWED
    assert _actions(ilp)[-3:] == ["ilp.reviewed", "ilp.updated", "ilp.reviewed"]


def test_only_a_guide_it_is_shared_with_reviews_and_only_once_shared(program, pairing, director):
    ilp = make_ilp(program=program, learner=pairing.learner)
    services.ilp_share(ilp=ilp, acting_user=pairing.learner, shared_with=[pairing])
    with pytest.raises(ValidationError, match="cannot become reviewed"):
        services.ilp_review(ilp=ilp, acting_user=pairing.guide, note="Too early")
    services.ilp_submit(ilp=ilp, acting_user=pairing.learner)
    other_guide = make_guide(program, "Olga", "Other")
    for someone in (pairing.learner, director, other_guide):
        with pytest.raises(ValidationError, match="guide the plan is shared with"):
            services.ilp_review(ilp=ilp, acting_user=someone, note="Looks fine")
    with pytest.raises(ValidationError, match="taken place"):
        services.ilp_review(
            ilp=ilp, acting_user=pairing.guide, note="Ahead", reviewed_on=date(2026, 10, 2)
        )


def test_a_guide_whose_pairing_ended_no_longer_reviews(program, pairing, director):
    ilp = make_ilp(program=program, learner=pairing.learner, shared_with=[pairing])
    relationship_services.relationship_end(
        relationship=pairing, acting_user=director, reason="completed"
    )
    with pytest.raises(ValidationError):
        services.ilp_review(ilp=ilp, acting_user=pairing.guide, note="After the end")


def test_completed_after_a_review_then_closed_for_the_year(program, pairing):
    ilp = make_ilp(program=program, learner=pairing.learner, shared_with=[pairing])
    with pytest.raises(ValidationError):
        services.ilp_complete(ilp=ilp, acting_user=pairing.learner)
    services.ilp_review(ilp=ilp, acting_user=pairing.guide, note="Done well")
    ilp = services.ilp_complete(ilp=ilp, acting_user=pairing.learner)
    assert ilp.state == IlpState.COMPLETED and ilp.completed_at == NOW
    for change in (
        lambda: services.ilp_update(ilp=ilp, acting_user=pairing.learner, strengths="More"),
        lambda: services.ilp_goal_add(
            ilp=ilp, acting_user=pairing.learner, title="Late", competency="pc"
        ),
        lambda: services.ilp_review(ilp=ilp, acting_user=pairing.guide, note="Again"),
    ):
        with pytest.raises(ValidationError):
            change()
    assert _actions(ilp)[-1] == "ilp.completed"


def test_a_completed_plan_reopens_during_its_year_and_can_be_reviewed_again(
    program, pairing, resident
):
    ilp = make_ilp(program=program, learner=pairing.learner, shared_with=[pairing])
    services.ilp_review(ilp=ilp, acting_user=pairing.guide, note="Done well")
    ilp = services.ilp_complete(ilp=ilp, acting_user=pairing.learner)
    with pytest.raises(ValidationError, match="reopens it"):
        services.ilp_reopen(ilp=ilp, acting_user=resident)

    ilp = services.ilp_reopen(ilp=ilp, acting_user=pairing.guide)
    assert ilp.state == IlpState.REVIEWED
    assert ilp.completed_at is None and ilp.completed_by is None
    services.ilp_update(ilp=ilp, acting_user=pairing.learner, strengths="More")
    services.ilp_review(ilp=ilp, acting_user=pairing.guide, note="Again")
    assert ilp.reviews.count() == 2
    assert _actions(ilp)[-3:] == ["ilp.reopened", "ilp.updated", "ilp.reviewed"]
    with pytest.raises(ValidationError, match="cannot|Only a plan completed"):
        services.ilp_reopen(ilp=ilp, acting_user=pairing.learner)


def test_a_plan_of_a_past_year_stays_closed(program, pairing, time_machine):
    ilp = make_ilp(program=program, learner=pairing.learner, shared_with=[pairing])
    services.ilp_review(ilp=ilp, acting_user=pairing.guide, note="Done well")
    ilp = services.ilp_complete(ilp=ilp, acting_user=pairing.learner)
    time_machine.move_to(timezone.make_aware(datetime(2027, 7, 1, 9, 0)), tick=False)
    with pytest.raises(ValidationError, match="start next year's plan"):
        services.ilp_reopen(ilp=ilp, acting_user=pairing.learner)


def test_every_state_change_is_audited(program, pairing):
    ilp = make_ilp(program=program, learner=pairing.learner, shared_with=[pairing])
    services.ilp_review(ilp=ilp, acting_user=pairing.guide, note="Fine")
    services.ilp_complete(ilp=ilp, acting_user=pairing.guide)
    actions = _actions(ilp)
    for action in ("ilp.started", "ilp.submitted", "ilp.reviewed", "ilp.completed"):
        assert action in actions


@pytest.fixture
def second_pairing(program, pairing, director):
    coach = make_guide(program, "Cora", "Coach", offers={"coaching": 2})
    relationship = make_relationship(
        program=program, learner=pairing.learner, guide=coach, kind="coaching", acting_user=director
    )
    acknowledge_both(relationship)
    return relationship


def test_sharing_is_chosen_pairing_by_pairing(program, pairing, second_pairing):
    ilp = make_ilp(program=program, learner=pairing.learner, shared_with=[second_pairing])
    with pytest.raises(ValidationError):
        services.ilp_review(ilp=ilp, acting_user=pairing.guide, note="Not mine")
    review = services.ilp_review(ilp=ilp, acting_user=second_pairing.guide, note="Coach's")
    assert review.reviewed_by == second_pairing.guide
