"""Reads behind the leadership overview (SPEC M3): counts, load, pending agreements, flagged
conflicts, and the learner × kind grid, with query counts that do not grow with the data."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from dyad.profiles.models import ContentArea
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import GuidanceKind, Role
from dyad.relationships import selectors, services
from dyad.relationships.factories import (
    EvaluativeRoleFactory,
    SafetyContactFactory,
    acknowledge_both,
    make_active_relationship,
    make_guide,
    make_learner,
    make_relationship,
    revise_agreement,
)
from dyad.relationships.models import EndReason

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 9, 15, 10, 0, tzinfo=ZoneInfo("America/New_York"))
MENTORING = GuidanceKind.MENTORING
COACHING = GuidanceKind.COACHING
ADVISING = GuidanceKind.ADVISING
PEER = GuidanceKind.PEER_MENTORING
ALL_KINDS = {MENTORING: 3, COACHING: 3, ADVISING: 3, PEER: 3}


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def end(rel, by):
    return services.relationship_end(relationship=rel, acting_user=by, reason=EndReason.OTHER)


def test_overview_summary_counts_learners_and_relationships_by_state(
    program, other_program, director, faculty, resident
):
    ann = make_learner(program, "Ann")
    bob = make_learner(program, "Bob", role=Role.CHIEF_RESIDENT)
    make_learner(program, "Gone", is_active=False)
    coach = make_guide(program, "Cora", "Coach", offers=ALL_KINDS)
    make_active_relationship(program=program, learner=resident, guide=faculty, acting_user=director)
    make_relationship(program=program, learner=ann, guide=faculty, acting_user=director)
    make_relationship(program=program, learner=bob, guide=coach, kind=COACHING)
    end(make_relationship(program=program, learner=bob, guide=coach), director)
    make_relationship(program=other_program, learner=make_learner(other_program))

    assert selectors.overview_summary(program) == {
        "learners": 3,
        "without_mentor": 1,  # Bob: a coach, and a mentor no longer
        "active": 1,
        "proposed": 2,
        "ended": 1,
    }


def test_learners_overview_lists_the_active_learners_by_name(program, faculty, director):
    make_learner(program, "Zoe", "Zimmer")
    make_learner(program, "Al", "Abbott", role=Role.FELLOW)
    make_learner(program, "Gone", "Gamma", is_active=False)
    MembershipFactory(program=program, role=Role.FACULTY, user__last_name="Aaron")

    names = [u.last_name for u in selectors.learners_overview(program)]

    assert names == ["Abbott", "Zimmer"]


def test_guides_at_capacity_lists_full_offers_with_their_load(
    program, other_program, director, faculty
):
    roomy = make_guide(program, "Rita", "Roomy", offers={MENTORING: 2})
    shared = make_guide(program, "Sam", "Shared", offers={MENTORING: 1, COACHING: 1})
    MembershipFactory(program=other_program, role=Role.FACULTY, user=shared)
    for _ in range(2):
        make_relationship(program=program, guide=faculty, acting_user=director)
    make_relationship(program=program, guide=roomy, acting_user=director)
    # A place taken in another program is taken all the same.
    make_relationship(program=other_program, guide=shared)

    full = {
        (o.profile.user, o.kind, o.taken, o.capacity) for o in selectors.guides_at_capacity(program)
    }

    assert full == {(faculty, MENTORING, 2, 2), (shared, MENTORING, 1, 1)}


def test_pending_agreements_lists_open_relationships_whose_newest_version_lacks_an_ack(
    program, director, faculty, resident
):
    proposed = make_relationship(program=program, guide=faculty, acting_user=director)
    settled = make_active_relationship(program=program, learner=resident, acting_user=director)
    revised = make_active_relationship(program=program, acting_user=director)
    revise_agreement(revised, revised.learner, goals="Add a poster.")
    half = make_relationship(program=program, acting_user=director)
    services.agreement_acknowledge(agreement=half.current_agreement(), acting_user=half.guide)
    end(make_relationship(program=program, acting_user=director), director)

    pending = {rel.pk: rel.latest_version for rel in selectors.pending_agreements(program)}

    assert pending == {proposed.pk: 1, revised.pk: 2, half.pk: 1}
    acknowledge_both(revised)
    assert settled.pk not in {r.pk for r in selectors.pending_agreements(program)}
    assert revised.pk not in {r.pk for r in selectors.pending_agreements(program)}


def test_overview_rows_group_open_relationships_by_learner_and_kind(
    program, other_program, director, faculty, resident
):
    ann = make_learner(program, "Ann")
    multi = make_guide(program, "Max", "Multi", offers=ALL_KINDS)
    research = ContentArea.objects.get(program=None, slug="research")
    m1 = make_relationship(
        program=program, learner=resident, guide=faculty, focus_area=research, acting_user=director
    )
    m2 = make_relationship(program=program, learner=resident, guide=multi, acting_user=director)
    advising = make_relationship(
        program=program, learner=resident, guide=multi, kind=ADVISING, acting_user=director
    )
    coach = make_relationship(
        program=program, learner=ann, guide=multi, kind=COACHING, acting_user=director
    )
    end(make_relationship(program=program, learner=ann, acting_user=director), director)

    rows = selectors.overview_rows(program, [resident, ann])

    assert [row["learner"] for row in rows] == [resident, ann]
    resident_row, ann_row = rows
    mentoring, coaching, advising_cell, peer = resident_row["by_kind"]
    assert set(mentoring) == {m1, m2}
    assert (coaching, advising_cell, peer) == ([], [advising], [])
    assert resident_row["no_mentor"] is False
    assert ann_row["by_kind"] == [[], [coach], [], []]
    assert ann_row["no_mentor"] is True


def test_overview_rows_flag_a_guide_who_evaluates_the_learner(program, director, resident):
    guide = make_guide(program, offers=ALL_KINDS)
    make_relationship(program=program, learner=resident, guide=guide, acting_user=director)
    EvaluativeRoleFactory(program=program, evaluator=guide)

    (row,) = selectors.overview_rows(program, [resident])

    assert [rel.has_conflict for rel in row["by_kind"][0]] == [True]


def _read_like_the_overview_page(rows):
    """Touch everything the overview template shows of each relationship."""
    for row in rows:
        str(row["learner"])
        for cell in row["by_kind"]:
            for rel in cell:
                rel.get_absolute_url()
                str(rel.guide.full_name)
                str(rel.focus_area)
                _ = (rel.state, rel.has_conflict)


@pytest.mark.parametrize("learners", [1, 12])
def test_overview_rows_take_one_query_whatever_the_number_of_relationships(
    program, director, django_assert_num_queries, learners
):
    research = ContentArea.objects.get(program=None, slug="research")
    people = [make_learner(program, f"L{i}") for i in range(learners)]
    guides = [make_guide(program, f"G{i}", offers=dict.fromkeys(ALL_KINDS, 10)) for i in range(3)]
    for i, learner in enumerate(people):
        for kind in (MENTORING, COACHING, ADVISING):
            make_relationship(
                program=program,
                learner=learner,
                guide=guides[i % 2],
                kind=kind,
                focus_area=research,
                acting_user=director,
            )
        if i % 3 == 0:  # a second mentor for some
            make_relationship(
                program=program, learner=learner, guide=guides[2], acting_user=director
            )
    EvaluativeRoleFactory(program=program, evaluator=guides[0])

    with django_assert_num_queries(1):
        _read_like_the_overview_page(selectors.overview_rows(program, people))


@pytest.mark.parametrize("count", [1, 6])
def test_flagged_conflicts_and_pending_agreements_read_in_one_query_each(
    program, director, django_assert_num_queries, count
):
    guide = make_guide(program, offers={MENTORING: 10})
    for i in range(count):
        make_relationship(
            program=program,
            learner=make_learner(program, f"L{i}"),
            guide=guide,
            acting_user=director,
        )
    EvaluativeRoleFactory(program=program, evaluator=guide)

    for selector in (selectors.flagged_conflicts, selectors.pending_agreements):
        with django_assert_num_queries(1):
            shown = [
                (rel.get_absolute_url(), str(rel.guide), str(rel.learner))
                for rel in selector(program)
            ]
        assert len(shown) == count


def test_open_rematch_requests_leave_out_resolved_ones_and_other_programs(
    program, other_program, director, resident
):
    rel = make_relationship(program=program, learner=resident, acting_user=director)
    other = make_relationship(program=program, acting_user=director)
    elsewhere = make_relationship(program=other_program)
    open_one = services.rematch_request_create(
        relationship=rel, acting_user=resident, reason="Not a fit."
    )
    services.rematch_request_create(relationship=other, acting_user=other.learner, reason="No.")
    end(other, director)
    services.rematch_request_create(
        relationship=elsewhere, acting_user=elsewhere.guide, reason="Elsewhere."
    )

    assert list(selectors.open_rematch_requests(program, director)) == [open_one]


def test_safety_contacts_are_the_designated_ones_or_else_the_directors(
    program, director, coordinator
):
    assert selectors.safety_contacts(program) == [director]

    SafetyContactFactory(program=program, user=coordinator)

    assert selectors.safety_contacts(program) == [coordinator]
