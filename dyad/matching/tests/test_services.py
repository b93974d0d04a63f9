"""Opening, lists, pins and forbids, runs and publication of a round."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from dyad.audit.models import AuditEntry
from dyad.matching import services
from dyad.matching.factories import make_round, mark, rank, run
from dyad.matching.models import (
    LearnerRank,
    RoundState,
    Rule,
    Solver,
    UnmatchedReason,
    Via,
)
from dyad.matching.services import RoundError
from dyad.programs.models import GuidanceKind, Role
from dyad.relationships.factories import (
    DoNotRepairFactory,
    EvaluativeRoleFactory,
    make_active_relationship,
    make_guide,
    make_learner,
    make_relationship,
)
from dyad.relationships.models import Origin, Relationship, State

pytestmark = pytest.mark.django_db


def actions(program):
    return list(
        AuditEntry.objects.filter(program=program, action__startswith="match_round.")
        .order_by("id")
        .values_list("action", flat=True)
    )


def after_deadline(match_round):
    return time_machine.travel(match_round.deadline + timedelta(minutes=1), tick=False)


# --- Opening ------------------------------------------------------------------------------


def test_the_cohort_is_the_learners_of_the_chosen_roles_and_levels(program, people):
    make_learner(program, "Pat", "Second", pgy=2)
    make_learner(program, "Fay", "Fellow", role=Role.FELLOW)
    match_round = make_round(program=program, guides=[people.gia], pgy_levels=[1])
    assert set(match_round.learners.all()) == {people.ann, people.ben, people.cal}
    fellows = make_round(program=program, guides=[people.gia], roles=[Role.FELLOW])
    assert [u.first_name for u in fellows.learners.all()] == ["Fay"]


def test_opening_keeps_the_settings_audits_and_invites_everyone(
    program, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        match_round = make_round(
            program=program,
            guides=[people.gia, people.hal],
            solver=Solver.OPTIMAL,
            max_ranks=3,
            weights={"first_choice": 80},
        )
    assert match_round.state == RoundState.OPEN and match_round.lists_open
    assert match_round.max_ranks == 3 and match_round.solver == Solver.OPTIMAL
    assert match_round.weights["first_choice"] == 80
    assert match_round.weights["rank_step"] == 5  # the engine's default
    assert actions(program) == ["match_round.opened"]
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(
        u.email for u in (people.ann, people.ben, people.cal, people.gia, people.hal)
    )


def test_the_pool_may_hold_only_guides_who_offer_the_kind(program, people):
    with pytest.raises(RoundError, match="do not offer coaching"):
        make_round(program=program, guides=[people.gia], kind=GuidanceKind.COACHING)


def test_a_round_needs_a_cohort_and_a_future_deadline(program, people):
    with pytest.raises(RoundError, match="No active learner"):
        make_round(program=program, guides=[people.gia], pgy_levels=[3])
    with pytest.raises(RoundError, match="future"):
        make_round(
            program=program, guides=[people.gia], deadline=timezone.now() - timedelta(hours=1)
        )


def test_closing_stops_the_lists_and_is_audited(program, match_round, people):
    services.round_close(match_round=match_round, acting_user=people.director)
    match_round.refresh_from_db()
    assert match_round.state == RoundState.CLOSED and not match_round.lists_open
    with pytest.raises(RoundError, match="closed; lists can no longer change"):
        rank(match_round, people.ann, people.gia)
    with pytest.raises(RoundError, match="already closed"):
        services.round_close(match_round=match_round, acting_user=people.director)
    assert actions(program) == ["match_round.opened", "match_round.closed"]


# --- Lists --------------------------------------------------------------------------------


def test_a_learner_ranks_and_changes_their_list_before_the_deadline(match_round, people):
    rank(match_round, people.ann, people.gia, people.hal)
    rank(match_round, people.ann, people.ivy)
    assert list(LearnerRank.objects.filter(learner=people.ann).values_list("guide", "rank")) == [
        (people.ivy.pk, 1)
    ]


def test_lists_cannot_change_after_the_deadline(match_round, people):
    rank(match_round, people.ann, people.gia)
    with after_deadline(match_round):
        with pytest.raises(RoundError, match="deadline of this round passed"):
            rank(match_round, people.ann, people.hal)
        with pytest.raises(RoundError, match="deadline of this round passed"):
            mark(match_round, people.gia, {people.ann: ("prefer", None)})
    assert list(LearnerRank.objects.values_list("guide", flat=True)) == [people.gia.pk]


def test_a_list_is_at_most_n_long_with_each_guide_once_from_the_pool(program, people):
    match_round = make_round(program=program, guides=[people.gia, people.hal], max_ranks=1)
    with pytest.raises(RoundError, match="at most 1"):
        rank(match_round, people.ann, people.gia, people.hal)
    match_round.max_ranks = 3
    match_round.save()
    with pytest.raises(RoundError, match="twice"):
        rank(match_round, people.ann, people.gia, people.gia)
    with pytest.raises(RoundError, match="not a guide you can rank"):
        rank(match_round, people.ann, people.ivy)


def test_only_learners_of_the_cohort_rank_and_only_their_own_list(program, match_round, people):
    outsider = make_learner(program, "Pat", "Second", pgy=2)
    match_round.learners.remove(outsider)
    with pytest.raises(PermissionDenied):
        rank(match_round, outsider, people.gia)
    with pytest.raises(PermissionDenied):
        services.ranking_save(
            match_round=match_round, learner=people.ann, guides=[], acting_user=people.ben
        )


def test_guides_mark_learners_with_distinct_ranks(match_round, people):
    mark(match_round, people.gia, {people.ann: ("prefer", 1), people.ben: ("", 2)})
    with pytest.raises(RoundError, match="rank 1 to both"):
        mark(match_round, people.gia, {people.ann: ("", 1), people.ben: ("avoid", 1)})
    with pytest.raises(PermissionDenied):
        services.guide_marks_save(
            match_round=match_round, guide=people.gia, marks={}, acting_user=people.hal
        )


# --- Pins and forbids ---------------------------------------------------------------------


def pin(match_round, learner, guide, director, rule=Rule.PIN):
    return services.pair_rule_add(
        match_round=match_round, learner=learner, guide=guide, rule=rule, acting_user=director
    )


def test_pins_and_forbids_are_audited(program, match_round, people):
    rule = pin(match_round, people.ann, people.gia, people.director)
    pin(match_round, people.ben, people.gia, people.director, rule=Rule.FORBID)
    services.pair_rule_remove(pair_rule=rule, acting_user=people.director)
    assert actions(program)[1:] == [
        "match_round.pinned",
        "match_round.forbidden",
        "match_round.unpinned",
    ]
    entry = AuditEntry.objects.get(action="match_round.pinned")
    assert entry.data == {"learner": people.ann.email, "guide": people.gia.email}


def test_a_pair_that_may_not_be_made_cannot_be_pinned(program, match_round, people):
    DoNotRepairFactory(program=program, learner=people.ann, guide=people.gia)
    with pytest.raises(RoundError, match="do not re-pair"):
        pin(match_round, people.ann, people.gia, people.director)


def test_a_guide_cannot_take_more_pins_than_places(match_round, people):
    pin(match_round, people.ann, people.gia, people.director)  # Gia takes one learner
    with pytest.raises(RoundError, match="1 place left, all pinned already"):
        pin(match_round, people.ben, people.gia, people.director)


def test_a_learner_is_pinned_to_one_guide_and_a_pair_has_one_rule(match_round, people):
    pin(match_round, people.ann, people.gia, people.director)
    with pytest.raises(RoundError, match="already pinned to Gia Gold"):
        pin(match_round, people.ann, people.hal, people.director)
    with pytest.raises(RoundError, match="already pinned"):
        pin(match_round, people.ann, people.gia, people.director, rule=Rule.FORBID)


# --- Runs ---------------------------------------------------------------------------------


def test_each_run_is_kept_with_its_number_parameters_pairs_and_reasons(
    program, match_round, people
):
    rank(match_round, people.ann, people.gia, people.hal)
    rank(match_round, people.ben, people.gia)
    mark(match_round, people.gia, {people.ben: ("prefer", None)})
    first = run(match_round)
    second = run(match_round, solver=Solver.OPTIMAL)
    assert (first.number, second.number) == (1, 2)
    assert (first.solver, second.solver) == (Solver.STABLE, Solver.OPTIMAL)
    assert first.created_by == people.director
    assert first.parameters["weights"] == match_round.weights
    assert first.parameters["lists"] == 2

    pairs = {p.learner: p for p in first.pairs.all()}
    assert pairs[people.ben].guide == people.gia
    assert pairs[people.ben].reasons == ["ranked 1st", "guide prefers them"]
    assert pairs[people.ben].score == 140 and pairs[people.ben].learner_rank == 1
    assert pairs[people.ann].guide == people.hal and pairs[people.ann].learner_rank == 2
    unmatched = {u.learner: u for u in first.unmatched.all()}
    assert unmatched[people.cal].reason == UnmatchedReason.RANKED_NONE
    assert unmatched[people.cal].get_reason_display() == "ranked no guide"
    assert first.stats["matched"] == 2 and first.stats["first_choice"] == 1
    assert actions(program)[-2:] == ["match_round.run", "match_round.run"]


def test_every_ranked_guide_conflicting_is_recorded_as_the_reason(program, match_round, people):
    EvaluativeRoleFactory(program=program, evaluator=people.gia)
    rank(match_round, people.ann, people.gia)
    unmatched = run(match_round).unmatched.get(learner=people.ann)
    assert unmatched.reason == UnmatchedReason.ALL_CONFLICT
    assert "Gia Gold: evaluates them" in unmatched.detail


def test_no_room_is_recorded_when_ranked_guides_are_full(program, match_round, people):
    make_relationship(program=program, learner=make_learner(program, pgy=2), guide=people.gia)
    rank(match_round, people.ann, people.gia)
    unmatched = run(match_round).unmatched.get(learner=people.ann)
    assert unmatched.reason == UnmatchedReason.NO_ROOM
    assert unmatched.detail == "Gia Gold: no place left"


def test_the_fill_step_places_unmatched_learners_after_a_stable_run(match_round, people):
    rank(match_round, people.ann, people.gia)
    rank(match_round, people.ben, people.gia)
    plain = run(match_round)
    assert plain.pairs.count() == 1
    filled = run(match_round, fill=True)
    assert filled.filled
    assert filled.pairs.count() == 3
    assert filled.pairs.filter(via=Via.FILL).count() == 2
    assert filled.stats["filled"] == 2


def test_a_pinned_pair_is_in_the_run(match_round, people):
    rank(match_round, people.ann, people.gia)
    pin(match_round, people.cal, people.gia, people.director)
    result = run(match_round)
    assert result.pairs.get(learner=people.cal).via == Via.PINNED
    assert result.unmatched.get(learner=people.ann).reason == UnmatchedReason.NO_ROOM


def test_a_pin_that_became_impossible_stops_the_run_with_names(program, match_round, people):
    pin(match_round, people.cal, people.gia, people.director)
    EvaluativeRoleFactory(program=program, evaluator=people.gia)
    with pytest.raises(RoundError, match="Cal Cruz is pinned to Gia Gold, but that pair is"):
        run(match_round)
    assert not match_round.runs.exists()


def test_running_after_the_deadline_closes_the_round(program, match_round, people):
    with after_deadline(match_round):
        run(match_round)
    match_round.refresh_from_db()
    assert match_round.state == RoundState.CLOSED
    assert actions(program)[-2:] == ["match_round.closed", "match_round.run"]


def test_running_before_the_deadline_leaves_the_lists_open(match_round):
    run(match_round)
    match_round.refresh_from_db()
    assert match_round.lists_open


# --- Publication --------------------------------------------------------------------------


def test_publishing_proposes_every_pair_and_tells_everyone(
    program, match_round, people, django_capture_on_commit_callbacks
):
    rank(match_round, people.ann, people.gia)
    rank(match_round, people.ben, people.hal)
    result = run(match_round)
    with django_capture_on_commit_callbacks(execute=True):
        relationships = services.run_publish(run=result, acting_user=people.director)
    assert len(relationships) == 2
    for relationship in relationships:
        assert relationship.state == State.PROPOSED
        assert relationship.origin == Origin.MATCHED
        assert relationship.kind == GuidanceKind.MENTORING
        assert relationship.created_by == people.director
        assert relationship.current_agreement().version == 1
    assert {(r.learner, r.guide) for r in relationships} == {
        (people.ann, people.gia),
        (people.ben, people.hal),
    }
    match_round.refresh_from_db()
    assert match_round.state == RoundState.PUBLISHED
    assert match_round.published_run == result
    assert actions(program)[-1] == "match_round.published"
    told = sorted(m.to[0] for m in mail.outbox)
    assert told == sorted(
        [people.ann.email, people.gia.email, people.ben.email, people.hal.email, people.cal.email]
    )
    unmatched_notice = next(m for m in mail.outbox if m.to == [people.cal.email])
    assert "results" in unmatched_notice.subject


def test_publication_is_all_or_none_and_names_the_pair_that_failed(
    program, match_round, people, django_capture_on_commit_callbacks
):
    rank(match_round, people.ann, people.hal)
    rank(match_round, people.ben, people.gia)
    result = run(match_round)
    # Gia's one place goes elsewhere between the run and the publication; Ann's pair, made
    # first, is undone with the rest.
    make_relationship(program=program, learner=make_learner(program, pgy=3), guide=people.gia)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RoundError, match="Gia Gold and Ben Baker cannot be paired"),
    ):
        services.run_publish(run=result, acting_user=people.director)
    assert not Relationship.objects.filter(origin=Origin.MATCHED).exists()
    assert callbacks == []  # no e-mail leaves
    match_round.refresh_from_db()
    assert match_round.state == RoundState.OPEN
    assert "match_round.published" not in actions(program)


def test_an_evaluative_role_recorded_after_the_run_stops_the_publication(
    program, match_round, people
):
    rank(match_round, people.ann, people.gia)
    result = run(match_round)
    EvaluativeRoleFactory(program=program, evaluator=people.gia)
    with pytest.raises(RoundError, match="evaluates"):
        services.run_publish(run=result, acting_user=people.director)


def test_a_published_round_no_longer_changes(match_round, people):
    result = run(match_round)
    services.run_publish(run=result, acting_user=people.director)
    with pytest.raises(RoundError, match="already published"):
        services.run_publish(run=result, acting_user=people.director)
    with pytest.raises(RoundError, match="published"):
        run(match_round)
    with pytest.raises(RoundError, match="published"):
        pin(match_round, people.ann, people.gia, people.director)
    with pytest.raises(RoundError, match="published; lists can no longer change"):
        rank(match_round, people.ann, people.gia)


def test_a_peer_mentoring_round_pairs_seniors_with_interns(program, people):
    senior = make_guide(
        program,
        "Sam",
        "Senior",
        role=Role.RESIDENT,
        offers={GuidanceKind.PEER_MENTORING: 2},
    )
    match_round = make_round(
        program=program, guides=[senior], kind=GuidanceKind.PEER_MENTORING, pgy_levels=[1]
    )
    result = run(match_round, solver=Solver.OPTIMAL)
    assert result.pairs.count() == 2  # two places for three interns
    relationships = services.run_publish(run=result, acting_user=people.director)
    assert {r.kind for r in relationships} == {GuidanceKind.PEER_MENTORING}


# --- Learners who already have a guide of the round's kind ---------------------------------


@pytest.fixture
def zoe(program):
    """A mentor, coach and advisor outside the round."""
    return make_guide(
        program,
        "Zoe",
        "Zane",
        offers={GuidanceKind.MENTORING: 3, GuidanceKind.COACHING: 3, GuidanceKind.ADVISING: 3},
    )


def test_learners_with_a_guide_of_the_kind_are_left_out_of_the_run_by_default(
    program, match_round, people, zoe
):
    make_relationship(program=program, learner=people.ann, guide=zoe)  # proposed mentoring
    make_active_relationship(
        program=program, learner=people.ben, guide=zoe, kind=GuidanceKind.COACHING
    )
    result = run(match_round, fill=True)
    in_run = {p.learner for p in result.pairs.all()} | {u.learner for u in result.unmatched.all()}
    assert in_run == {people.ben, people.cal}  # a coach is not a mentor: Ben takes part
    assert result.stats["learners"] == 2
    assert result.parameters["left_out"] == 1
    assert result.parameters["include_guided"] is False


def test_an_ended_relationship_does_not_leave_the_learner_out(program, match_round, people, zoe):
    relationship = make_relationship(program=program, learner=people.ann, guide=zoe)
    Relationship.objects.filter(pk=relationship.pk).update(state=State.ENDED)
    result = run(match_round, fill=True)
    assert result.pairs.filter(learner=people.ann).exists()


def test_a_round_that_includes_guided_learners_takes_them_in(program, people, zoe):
    make_relationship(program=program, learner=people.ann, guide=zoe)
    match_round = make_round(program=program, guides=[people.gia, people.hal], include_guided=True)
    rank(match_round, people.ann, people.gia)
    result = run(match_round, fill=True)
    # Three places for three learners: everyone is placed, Ann included.
    assert result.pairs.count() == 3 and result.parameters["left_out"] == 0


def test_the_leader_changes_whether_guided_learners_are_included_and_it_is_audited(
    program, match_round, people
):
    services.round_settings_change(
        match_round=match_round, include_guided=True, acting_user=people.director
    )
    match_round.refresh_from_db()
    assert match_round.include_guided
    assert actions(program)[-1] == "match_round.changed"


def test_a_published_round_keeps_its_settings(program, match_round, people):
    rank(match_round, people.ann, people.gia)
    services.run_publish(run=run(match_round), acting_user=people.director)
    with pytest.raises(RoundError, match="published"):
        services.round_settings_change(
            match_round=match_round, include_guided=True, acting_user=people.director
        )


def test_opening_invites_only_the_learners_who_take_part(
    program, people, zoe, django_capture_on_commit_callbacks
):
    make_relationship(program=program, learner=people.ann, guide=zoe)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        make_round(program=program, guides=[people.gia])
    recipients = {m.to[0] for m in mail.outbox}
    assert people.ann.email not in recipients and people.ben.email in recipients


def test_a_learner_left_out_for_having_a_mentor_cannot_be_pinned(program, match_round, people, zoe):
    make_relationship(program=program, learner=people.ann, guide=zoe)
    with pytest.raises(RoundError, match="Ann Avery already has a mentor: Zoe Zane"):
        services.pair_rule_add(
            match_round=match_round,
            learner=people.ann,
            guide=people.gia,
            rule=Rule.PIN,
            acting_user=people.director,
        )
