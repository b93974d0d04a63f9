"""Building the engine's input from a round: lists, places, forbidden pairs and profiles."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from dyad.matching import selectors
from dyad.matching.factories import make_round, mark, rank
from dyad.matching.models import Rule
from dyad.matching.services import pair_rule_add
from dyad.profiles.factories import LearnerProfileFactory
from dyad.profiles.models import ContentArea
from dyad.programs.factories import MembershipFactory, ProgramFactory
from dyad.programs.models import GuidanceKind, Role
from dyad.relationships import services as relationship_services
from dyad.relationships.factories import (
    DoNotRepairFactory,
    EvaluativeRoleFactory,
    make_guide,
    make_learner,
    make_relationship,
)
from dyad.relationships.models import EndReason, EvaluativeKind

pytestmark = pytest.mark.django_db


def test_lists_marks_and_guide_ranks_are_read_in_order(match_round, people):
    rank(match_round, people.ann, people.hal, people.gia)
    rank(match_round, people.ben, people.gia)
    mark(match_round, people.gia, {people.ben: ("prefer", 1), people.ann: ("avoid", None)})
    data = selectors.round_input(match_round)
    assert data.learners == [people.ann.pk, people.ben.pk, people.cal.pk]
    assert data.guides == [people.gia.pk, people.hal.pk, people.ivy.pk]
    assert data.prefs == {
        people.ann.pk: [people.hal.pk, people.gia.pk],
        people.ben.pk: [people.gia.pk],
    }
    assert data.marks == {
        (people.ben.pk, people.gia.pk): "prefer",
        (people.ann.pk, people.gia.pk): "avoid",
    }
    assert data.guide_ranks == {people.gia.pk: [people.ben.pk]}
    assert data.name(people.ann.pk) == "Ann Avery"


def test_places_are_the_offer_minus_open_relationships_of_the_kind(program, match_round, people):
    make_relationship(program=program, learner=make_learner(program), guide=people.hal)
    ended = make_relationship(program=program, learner=make_learner(program), guide=people.gia)
    relationship_services.relationship_end(
        relationship=ended, acting_user=people.director, reason=EndReason.COMPLETED
    )
    # Another kind does not take a mentoring place.
    make_relationship(
        program=program,
        learner=make_learner(program),
        guide=people.ivy,
        kind=GuidanceKind.ADVISING,
    )
    assert selectors.round_input(match_round).capacities == {
        people.gia.pk: 1,
        people.hal.pk: 1,
        people.ivy.pk: 1,
    }


def test_places_taken_in_another_program_count_too(match_round, people):
    surgery = ProgramFactory(slug="surgery")
    MembershipFactory(program=surgery, user=people.hal, role=Role.FACULTY)
    make_relationship(program=surgery, learner=make_learner(surgery), guide=people.hal)
    assert selectors.round_input(match_round).capacities[people.hal.pk] == 1


def test_a_guide_who_no_longer_offers_the_kind_has_no_place(match_round, people):
    people.ivy.guide_profile.offers.filter(kind=GuidanceKind.MENTORING).delete()
    assert selectors.round_input(match_round).capacities[people.ivy.pk] == 0


def test_program_wide_evaluators_are_forbidden_with_every_learner(program, match_round, people):
    EvaluativeRoleFactory(program=program, evaluator=people.gia, kind=EvaluativeKind.CCC_MEMBER)
    forbidden = selectors.round_input(match_round).forbidden
    for learner in (people.ann, people.ben, people.cal):
        assert forbidden[learner.pk, people.gia.pk] == (
            "evaluates them (Clinical Competency Committee member)"
        )


def test_a_rotation_supervisor_is_forbidden_with_the_supervised_learner_only(
    program, match_round, people
):
    EvaluativeRoleFactory(
        program=program,
        evaluator=people.hal,
        kind=EvaluativeKind.ROTATION_SUPERVISOR,
        learner=people.ben,
        start_date=timezone.localdate() - timedelta(days=3),
        end_date=timezone.localdate() + timedelta(days=30),
    )
    forbidden = selectors.round_input(match_round).forbidden
    assert (people.ben.pk, people.hal.pk) in forbidden
    assert (people.ann.pk, people.hal.pk) not in forbidden


def test_a_role_that_ended_forbids_nothing(program, match_round, people):
    EvaluativeRoleFactory(
        program=program,
        evaluator=people.gia,
        start_date=date(2020, 7, 1),
        end_date=date(2021, 6, 30),
    )
    assert not selectors.round_input(match_round).forbidden


def test_evaluators_may_advise(program, people):
    EvaluativeRoleFactory(program=program, evaluator=people.ivy)
    advising = make_round(program=program, guides=[people.ivy], kind=GuidanceKind.ADVISING)
    assert not selectors.round_input(advising).forbidden


def test_the_bulk_conflicts_agree_with_relationship_create(program, match_round, people):
    EvaluativeRoleFactory(program=program, evaluator=people.gia)
    EvaluativeRoleFactory(
        program=program,
        evaluator=people.hal,
        kind=EvaluativeKind.ROTATION_SUPERVISOR,
        learner=people.cal,
    )
    forbidden = selectors.round_input(match_round).forbidden
    for learner in (people.ann, people.ben, people.cal):
        for guide in (people.gia, people.hal, people.ivy):
            one_by_one = relationship_services.evaluative_conflicts(
                program=program,
                guide=guide,
                learner=learner,
                kind=GuidanceKind.MENTORING,
                start=timezone.localdate(),
            )
            assert bool(one_by_one) == ((learner.pk, guide.pk) in forbidden), (learner, guide)


def test_do_not_repair_pairs_are_forbidden(program, match_round, people):
    DoNotRepairFactory(program=program, learner=people.ann, guide=people.hal)
    forbidden = selectors.round_input(match_round).forbidden
    assert forbidden == {(people.ann.pk, people.hal.pk): "marked “do not re-pair”"}


def test_pairs_already_open_in_the_kind_are_forbidden(program, match_round, people):
    # Learners with a mentor take part only when the round includes them.
    match_round.include_guided = True
    make_relationship(program=program, learner=people.ben, guide=people.ivy)
    make_relationship(
        program=program, learner=people.cal, guide=people.ivy, kind=GuidanceKind.ADVISING
    )
    forbidden = selectors.round_input(match_round).forbidden
    assert forbidden == {(people.ben.pk, people.ivy.pk): "already paired in mentoring"}


def test_leaders_forbids_are_forbidden_and_pins_pinned(match_round, people):
    pair_rule_add(
        match_round=match_round,
        learner=people.ann,
        guide=people.gia,
        rule=Rule.FORBID,
        acting_user=people.director,
    )
    pair_rule_add(
        match_round=match_round,
        learner=people.ben,
        guide=people.hal,
        rule=Rule.PIN,
        acting_user=people.director,
    )
    data = selectors.round_input(match_round)
    assert data.forbidden == {(people.ann.pk, people.gia.pk): "forbidden by program leadership"}
    assert data.pinned == {people.ben.pk: people.hal.pk}


def test_nobody_is_paired_with_themselves(program, people):
    # A junior faculty member both learns (cohort) and guides (pool).
    both = make_guide(program, "Jo", "Junior", role=Role.JUNIOR_FACULTY)
    match_round = make_round(
        program=program, guides=[both, people.gia], roles=[Role.JUNIOR_FACULTY]
    )
    assert selectors.round_input(match_round).forbidden == {(both.pk, both.pk): "the same person"}


def test_reasons_of_one_pair_are_joined(program, match_round, people):
    DoNotRepairFactory(program=program, learner=people.ann, guide=people.gia)
    EvaluativeRoleFactory(program=program, evaluator=people.gia)
    assert selectors.round_input(match_round).forbidden[people.ann.pk, people.gia.pk] == (
        "evaluates them (Clinical Competency Committee member); marked “do not re-pair”"
    )


def test_profiles_overlap_on_areas_words_and_languages(program, match_round, people):
    research = ContentArea.objects.get(slug="research")
    wellness = ContentArea.objects.get(slug="wellness")
    LearnerProfileFactory(
        user=people.ann,
        interests="Neonatology, global health",
        career_goals="Academic hospitalist",
        languages=["English", "spanish"],
    ).content_areas_sought.set([research, wellness])
    gia = people.gia.guide_profile
    gia.clinical_interests = "Neonatology"
    gia.career_path = "Hospitalist, then division chief"
    gia.languages = ["English", "Spanish"]
    gia.save()
    gia.content_areas.set([research])
    data = selectors.round_input(match_round)
    ann, guide = data.learner_profiles[people.ann.pk], data.guide_profiles[people.gia.pk]
    assert ann.content_areas & guide.content_areas == {"Research"}
    assert ann.interests & guide.interests == {"neonatology"}
    assert ann.career_goals & guide.career_goals == {"hospitalist"}
    # English is spoken by most of the round: it would say nothing about fit.
    assert ann.languages & guide.languages == {"Spanish"}


def test_reading_a_round_takes_the_same_queries_whatever_its_size(
    program, match_round, people, django_assert_max_num_queries
):
    rank(match_round, people.ann, people.gia)

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            selectors.round_input(match_round)
        return len(ctx.captured_queries)

    small = count()
    for i in range(6):
        learner = make_learner(program, f"L{i}", "More")
        guide = make_guide(program, f"G{i}", "More")
        match_round.learners.add(learner)
        match_round.guides.add(guide)
        rank(match_round, learner, guide, people.gia)
        EvaluativeRoleFactory(program=program, evaluator=guide, kind=EvaluativeKind.CCC_MEMBER)
    assert count() == small


def test_many_people_are_filtered_as_the_round_and_narrowed_to_those_asked(program, people):
    """Past 50 ids the queries filter by the round's people in one parameter: the answer
    is the same as asking pair by pair, and nobody outside the ids asked is in it."""
    learners = [people.ann, people.ben, people.cal] + [
        make_learner(program, f"L{n}", "Many") for n in range(50)
    ]
    guides = [people.gia, people.hal, people.ivy] + [
        make_guide(program, f"G{n}", "Many", offers={GuidanceKind.MENTORING: 1}) for n in range(50)
    ]
    match_round = make_round(program=program, guides=guides, acting_user=people.director)
    EvaluativeRoleFactory(program=program, evaluator=people.gia)
    DoNotRepairFactory(program=program, learner=people.ann, guide=people.hal)
    DoNotRepairFactory(program=program, learner=people.cal, guide=guides[5])
    make_relationship(
        program=program, learner=people.ben, guide=people.ivy, acting_user=people.director
    )
    asked_learners = [u.pk for u in learners if u != people.cal]
    asked_guides = [u.pk for u in guides if u != people.hal]
    bulk = selectors.forbidden_reasons(match_round, asked_learners, asked_guides)
    some = [people.ann.pk, people.ben.pk, learners[3].pk]
    one_by_one = {}
    for learner in some:
        for guide in asked_guides:
            one_by_one.update(selectors.forbidden_reasons(match_round, [learner], [guide]))
    assert {pair: why for pair, why in bulk.items() if pair[0] in some} == one_by_one
    # The program-wide evaluator, for each of the others.
    assert {pair[1] for pair in bulk if pair[0] not in some} == {people.gia.pk}
    assert (people.ben.pk, people.ivy.pk) in bulk and (people.ann.pk, people.gia.pk) in bulk
    assert not {pair for pair in bulk if pair[0] == people.cal.pk or pair[1] == people.hal.pk}
