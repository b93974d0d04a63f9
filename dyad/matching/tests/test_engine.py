"""The adapter between a round and the engine, with plain inputs (no database)."""

import pytest

from dyad.matching import engine
from dyad.matching.engine import Profile, RoundInput, RoundInputError, ScoreWeights

ANN, BEN, CAL = 1, 2, 3  # learners
GIA, HAL = 10, 11  # guides
NAMES = {ANN: "Ann", BEN: "Ben", CAL: "Cal", GIA: "Gia", HAL: "Hal"}


def data(**changes):
    base = {
        "learners": [ANN, BEN, CAL],
        "guides": [GIA, HAL],
        "prefs": {ANN: [GIA, HAL], BEN: [GIA], CAL: []},
        "capacities": {GIA: 1, HAL: 1},
        "names": NAMES,
    }
    base.update(changes)
    return RoundInput(**base)


def pairs_of(outcome):
    return {p.learner: p.guide for p in outcome.pairs}


def unmatched_of(outcome):
    return {u.learner: u.reason for u in outcome.unmatched}


def test_stable_seats_by_guide_preference_then_score_and_explains_each_pair():
    # Gia prefers Ben, so Ann goes to her second choice.
    outcome = engine.solve(data(marks={(BEN, GIA): "prefer"}), solver=engine.STABLE)
    assert pairs_of(outcome) == {ANN: HAL, BEN: GIA}
    ben = next(p for p in outcome.pairs if p.learner == BEN)
    assert ben.rank == 1
    assert ben.reasons == ("ranked 1st", "guide prefers them")
    assert ben.score == 100 + 40
    ann = next(p for p in outcome.pairs if p.learner == ANN)
    assert ann.rank == 2 and ann.reasons[0] == "ranked 2nd"


def test_a_learner_who_ranked_nobody_is_unmatched_with_that_reason():
    outcome = engine.solve(data(), solver=engine.STABLE)
    assert unmatched_of(outcome)[CAL] == engine.RANKED_NONE
    cal = next(u for u in outcome.unmatched if u.learner == CAL)
    assert cal.detail == ""


def test_every_ranked_guide_conflicting_is_the_reason_with_who_and_why():
    outcome = engine.solve(
        data(forbidden={(BEN, GIA): "evaluates them (CCC member)"}), solver=engine.STABLE
    )
    ben = next(u for u in outcome.unmatched if u.learner == BEN)
    assert ben.reason == engine.ALL_CONFLICT
    assert ben.detail == "Gia: evaluates them (CCC member)"


def test_no_room_is_the_reason_when_ranked_guides_are_full_or_have_no_place():
    outcome = engine.solve(
        data(prefs={ANN: [GIA], BEN: [GIA, HAL], CAL: [HAL]}, capacities={GIA: 1, HAL: 0}),
        solver=engine.STABLE,
    )
    # Ann and Ben both want Gia; equal scores, so the lower id (Ann) keeps her.
    assert pairs_of(outcome) == {ANN: GIA}
    reasons = {u.learner: u for u in outcome.unmatched}
    assert reasons[BEN].reason == engine.NO_ROOM
    assert reasons[BEN].detail == "Gia: full; Hal: no place left"
    assert reasons[CAL].reason == engine.NO_ROOM


def test_pinned_pairs_are_kept_and_say_so():
    outcome = engine.solve(data(pinned={CAL: GIA}), solver=engine.STABLE)
    assert pairs_of(outcome)[CAL] == GIA
    cal = next(p for p in outcome.pairs if p.learner == CAL)
    assert cal.via == "pinned"
    assert cal.reasons[0] == engine.PINNED_REASON
    assert outcome.stats["pinned"] == 1


def test_a_pin_on_a_forbidden_pair_is_refused_by_name():
    with pytest.raises(RoundInputError, match="Cal is pinned to Gia, but that pair is forbidden"):
        engine.solve(
            data(pinned={CAL: GIA}, forbidden={(CAL, GIA): "marked “do not re-pair”"}),
            solver=engine.STABLE,
        )


def test_more_pins_than_places_is_refused_by_name():
    with pytest.raises(RoundInputError, match="Gia has 1 place left but 2 learners are pinned"):
        engine.solve(data(pinned={CAL: GIA, BEN: GIA}), solver=engine.STABLE)


def test_fill_places_unmatched_learners_with_guides_who_have_room():
    stable = engine.solve(data(capacities={GIA: 1, HAL: 2}), solver=engine.STABLE)
    assert CAL in unmatched_of(stable)
    filled = engine.solve(data(capacities={GIA: 1, HAL: 2}), solver=engine.STABLE, fill=True)
    assert unmatched_of(filled) == {}
    cal = next(p for p in filled.pairs if p.learner == CAL)
    assert (cal.guide, cal.via, cal.rank) == (HAL, "fill", None)
    assert cal.reasons[:2] == (engine.FILL_REASON, "not on their list")
    assert filled.stats["filled"] == 2  # Ben lost Gia to Ann; Cal ranked nobody
    # Fill keeps every pair of the stable run.
    assert {p.learner: p.guide for p in filled.pairs if p.via == "solver"} == pairs_of(stable)


def test_fill_is_ignored_for_the_optimal_solver():
    outcome = engine.solve(data(capacities={GIA: 1, HAL: 2}), solver=engine.OPTIMAL, fill=True)
    assert outcome.stats["filled"] == 0


def test_optimal_matches_most_learners_even_outside_their_lists():
    outcome = engine.solve(data(capacities={GIA: 1, HAL: 2}), solver=engine.OPTIMAL)
    assert len(outcome.pairs) == 3
    assert outcome.stats["not_ranked"] >= 1


def test_fill_never_uses_a_forbidden_pair_even_when_only_forbidden_pairs_are_left():
    # Gia is full; the only guide with room is forbidden to Cal.
    outcome = engine.solve(
        data(capacities={GIA: 2, HAL: 2}, forbidden={(ANN, HAL): "x", (CAL, HAL): "y"}),
        solver=engine.STABLE,
        fill=True,
    )
    assert (CAL, HAL) not in {(p.learner, p.guide) for p in outcome.pairs}


def test_forbidden_pairs_are_never_made_by_either_solver():
    forbidden = {(ANN, HAL): "already paired in mentoring", (CAL, HAL): "the same person"}
    for solver in (engine.STABLE, engine.OPTIMAL):
        outcome = engine.solve(
            data(capacities={GIA: 2, HAL: 2}, forbidden=forbidden), solver=solver, fill=True
        )
        made = {(p.learner, p.guide) for p in outcome.pairs}
        assert not made & set(forbidden)


def test_statistics_count_shares_and_each_guides_load():
    outcome = engine.solve(
        data(prefs={ANN: [GIA], BEN: [GIA, HAL], CAL: [HAL, GIA]}, capacities={GIA: 1, HAL: 2}),
        solver=engine.STABLE,
    )
    stats = outcome.stats
    assert stats["learners"] == 3 and stats["matched"] == 3
    assert stats["first_choice"] == 2  # Ann (Gia), Cal (Hal)
    assert stats["top_three"] == 3
    assert stats["load"] == {str(GIA): [1, 1], str(HAL): [2, 2]}
    assert stats["places"] == 3 and stats["guides_used"] == 2
    assert stats["total_score"] == sum(p.score for p in outcome.pairs)


def test_profile_overlap_scores_with_the_rounds_weights():
    weights = ScoreWeights(content_area=50)
    outcome = engine.solve(
        data(
            prefs={ANN: [], BEN: [], CAL: []},
            learner_profiles={ANN: Profile(content_areas={"Research"}, languages={"Spanish"})},
            guide_profiles={HAL: Profile(content_areas={"Research"}, languages={"Spanish"})},
            weights=weights,
        ),
        solver=engine.OPTIMAL,
    )
    ann = next(p for p in outcome.pairs if p.learner == ANN)
    assert ann.guide == HAL
    assert ann.score == 50 + 6
    assert ann.reasons == ("not on their list", "shared: Research", "speaks Spanish")


def test_what_most_people_share_is_not_counted():
    learners = {
        i: Profile(interests={"pediatrics", f"topic{i}"}, languages={"English"}) for i in range(3)
    }
    guides = {10: Profile(interests={"pediatrics", "topic1"}, languages={"English", "Spanish"})}
    learners_after, guides_after = engine.without_common(learners, guides)
    assert learners_after[1].interests == {"topic1"}
    assert learners_after[1].languages == frozenset()
    assert guides_after[10].languages == {"Spanish"}


def test_small_rounds_keep_everything():
    learners = {1: Profile(languages={"English"})}
    guides = {10: Profile(languages={"English"})}
    assert engine.without_common(learners, guides) == (learners, guides)


def test_fit_reasons_leave_out_lists_and_marks():
    reasons = engine.fit_reasons(
        Profile(content_areas={"Wellness"}),
        [Profile(content_areas={"Wellness"}), Profile()],
        ScoreWeights(),
    )
    assert reasons == [(12, ("shared: Wellness",)), (0, ())]


def test_compare_names_added_removed_and_changed_learners():
    before = {ANN: GIA, BEN: HAL}
    after = {ANN: HAL, CAL: GIA}
    assert engine.compare(before, after) == {"added": [CAL], "removed": [BEN], "changed": [ANN]}


def test_weights_from_ignores_unknown_names_and_defaults_the_rest():
    weights = engine.weights_from({"first_choice": "70", "bogus": 3})
    assert weights.first_choice == 70
    assert weights.rank_step == ScoreWeights().rank_step
    assert engine.default_weights()["first_choice"] == ScoreWeights().first_choice


# --- Learners who already have a guide of the kind -----------------------------------------


def test_fill_places_learners_without_a_guide_before_those_who_have_one():
    # One place is left after the stable run (Hal's). Ben already has a mentor and fits Hal
    # better; Cal has nobody and ranked nobody: the place is Cal's.
    shared = Profile(content_areas={"research"})
    outcome = engine.solve(
        data(
            prefs={ANN: [GIA], BEN: [], CAL: []},
            learner_profiles={BEN: shared},
            guide_profiles={HAL: shared},
            guided={BEN: ("Zoe Zane",)},
        ),
        solver=engine.STABLE,
        fill=True,
    )
    assert pairs_of(outcome) == {ANN: GIA, CAL: HAL}
    ben = next(u for u in outcome.unmatched if u.learner == BEN)
    assert "No guide of the round has a place left" in ben.detail


def test_fill_gives_places_left_to_learners_who_have_a_guide_after_the_others():
    outcome = engine.solve(
        data(prefs={ANN: [GIA], BEN: [], CAL: []}, capacities={GIA: 1, HAL: 2}, guided={BEN: ()}),
        solver=engine.STABLE,
        fill=True,
    )
    assert pairs_of(outcome) == {ANN: GIA, BEN: HAL, CAL: HAL}


def test_after_the_fill_an_unmatched_learner_is_told_that_no_place_is_left():
    outcome = engine.solve(
        data(prefs={ANN: [GIA], BEN: [GIA], CAL: []}, capacities={GIA: 1, HAL: 1}),
        solver=engine.STABLE,
        fill=True,
    )
    assert len(outcome.pairs) == 2
    (left,) = outcome.unmatched
    assert left.detail.endswith("No guide of the round has a place left.")


def test_after_the_fill_a_learner_is_told_which_guides_with_room_cannot_take_them():
    outcome = engine.solve(
        data(
            prefs={ANN: [GIA], BEN: [], CAL: []},
            capacities={GIA: 1, HAL: 2},
            forbidden={(CAL, HAL): "evaluates them (CCC member)"},
        ),
        solver=engine.STABLE,
        fill=True,
    )
    cal = next(u for u in outcome.unmatched if u.learner == CAL)
    assert cal.detail == (
        "The guides with a place left cannot take them: Hal: evaluates them (CCC member)."
    )


def test_the_optimal_solver_also_seats_learners_with_a_guide_only_in_places_left():
    # Ben already has a mentor and ranked Hal first; Cal has none: Hal's one place is Cal's.
    outcome = engine.solve(
        data(prefs={ANN: [GIA], BEN: [HAL], CAL: []}, guided={BEN: ("Zoe Zane",)}),
        solver=engine.OPTIMAL,
    )
    assert pairs_of(outcome) == {ANN: GIA, CAL: HAL}
