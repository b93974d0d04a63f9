from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dyad.lib.smart import (
    ACHIEVABLE,
    CRITERIA,
    MAX_OPEN_GOALS,
    MEASURABLE,
    RELEVANT,
    SPECIFIC,
    TIME_BOUND,
    Draft,
    check,
    is_smart,
)

TODAY = date(2026, 9, 15)
GOOD = Draft(
    title="Present a quality-improvement poster at the regional pediatrics meeting",
    description="Use the hand-off audit from my NICU rotation as the project.",
    measure="Abstract submitted by January 15 and poster presented in April",
    target_date=date(2027, 4, 30),
    relevance="I want to apply to a neonatology fellowship",
    competency="pbli",
)


def criteria(draft, **kw):
    return [gap.criterion for gap in check(draft, today=kw.pop("today", TODAY), **kw)]


def with_(**changes):
    return Draft(**{**GOOD.__dict__, **changes})


@pytest.mark.parametrize(
    "draft",
    [
        GOOD,
        Draft(
            title="Pass the pediatrics in-training exam at or above the 60th percentile",
            measure="ITE percentile",
            target_date=date(2027, 2, 28),
            competency="mk",
        ),
        Draft(
            title="Lead family-centred rounds on the general ward",
            description="Run rounds for my own patients with the family at the bedside.",
            measure="Lead 10 rounds, with feedback from the attending on each",
            target_date=date(2026, 12, 31),
            relevance="Families in clinic tell me they feel left out of decisions",
        ),
    ],
)
def test_good_goals_have_no_gaps(draft):
    assert check(draft, today=TODAY) == []
    assert is_smart(draft, today=TODAY)


def test_a_vague_one_liner_misses_almost_everything():
    gaps = check(Draft(title="Improve my medical knowledge"), today=TODAY)
    assert [g.criterion for g in gaps] == [SPECIFIC, MEASURABLE, RELEVANT, TIME_BOUND]
    assert "Improve" in gaps[0].problem
    assert "a number, a count, a score, a date" in gaps[1].fix


@pytest.mark.parametrize(
    "title", ["Get better at procedures", "Learn more cardiology", "Work on feedback skills"]
)
def test_a_vague_verb_without_an_object_is_not_specific(title):
    assert SPECIFIC in criteria(with_(title=title, description=""))


def test_a_short_vague_title_is_told_about_its_verb_rather_than_its_length():
    gap = check(with_(title="Improve my procedures", description=""), today=TODAY)[0]
    assert gap.problem.startswith("“Improve” on its own")


def test_a_vague_verb_made_concrete_is_specific():
    title = "Improve my first-pass intubation success in the NICU with video laryngoscopy"
    assert SPECIFIC not in criteria(with_(title=title, description=""))


def test_a_title_of_a_word_or_two_is_not_specific():
    gap = check(with_(title="Teaching", description=""), today=TODAY)[0]
    assert gap.criterion == SPECIFIC
    assert "too short" in gap.problem


def test_no_measure_and_no_number_is_not_measurable():
    draft = with_(
        title="Lead the hand-off teaching for the new interns on the ward",
        description="",
        measure="",
    )
    assert criteria(draft) == [MEASURABLE]


def test_a_number_in_the_goal_itself_counts_as_a_measure():
    draft = with_(title="Present 2 cases at morning report this block", measure="")
    assert MEASURABLE not in criteria(draft)


def test_a_measure_with_nothing_to_count_is_not_measurable():
    gaps = check(with_(measure="I will feel more confident"), today=TODAY)
    assert [g.criterion for g in gaps] == [MEASURABLE]
    assert "count or check" in gaps[0].problem


@pytest.mark.parametrize("measure", ["Score above 70", "Manuscript submitted", "Twice a month"])
def test_counts_scores_and_things_handed_in_are_measures(measure):
    assert MEASURABLE not in criteria(with_(measure=measure))


def test_no_target_date_is_not_time_bound():
    gaps = check(with_(target_date=None), today=TODAY)
    assert [g.criterion for g in gaps] == [TIME_BOUND]
    assert "no target date" in gaps[0].problem


def test_a_past_target_date_is_not_time_bound():
    gaps = check(with_(target_date=date(2026, 9, 14)), today=TODAY)
    assert [(g.criterion, g.problem) for g in gaps] == [
        (TIME_BOUND, "The target date has already passed.")
    ]


def test_eighteen_months_is_the_furthest_target():
    assert criteria(with_(target_date=date(2028, 3, 15))) == []
    assert criteria(with_(target_date=date(2028, 3, 16))) == [TIME_BOUND]


def test_eighteen_months_from_a_long_month_end_lands_on_a_short_month_end():
    today = date(2026, 8, 31)  # + 18 months = February 2028, a leap year
    assert criteria(with_(target_date=date(2028, 2, 29)), today=today) == []
    assert criteria(with_(target_date=date(2028, 3, 1)), today=today) == [TIME_BOUND]


def test_less_than_two_weeks_is_too_near_to_achieve():
    assert criteria(with_(target_date=date(2026, 9, 28))) == [ACHIEVABLE]
    assert criteria(with_(target_date=date(2026, 9, 29))) == []


@pytest.mark.parametrize("word", ["always", "never", "perfectly"])
def test_absolutes_cannot_be_achieved(word):
    gaps = check(with_(description=f"I will {word} close my notes on time."), today=TODAY)
    assert [g.criterion for g in gaps] == [ACHIEVABLE]
    assert word in gaps[0].problem


def test_too_many_open_goals_at_once():
    assert criteria(GOOD, open_goals=MAX_OPEN_GOALS - 1) == []
    gaps = check(GOOD, today=TODAY, open_goals=MAX_OPEN_GOALS)
    assert [g.criterion for g in gaps] == [ACHIEVABLE]
    assert f"{MAX_OPEN_GOALS} open goals" in gaps[0].problem


def test_a_competency_or_a_reason_makes_it_relevant():
    assert RELEVANT in criteria(with_(competency="", relevance=""))
    assert RELEVANT in criteria(with_(competency="", relevance="because"))
    assert RELEVANT not in criteria(with_(competency="", relevance="For my fellowship application"))
    assert RELEVANT not in criteria(with_(competency="prof", relevance=""))


def test_every_gap_says_how_to_fix_it_and_has_a_label():
    gaps = check(Draft(title="improve", description="always"), today=TODAY, open_goals=9)
    assert {g.criterion for g in gaps} == set(CRITERIA)
    for gap in gaps:
        assert gap.problem.endswith(".") and len(gap.fix) > 30
        assert gap.label


texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=60)


@given(
    title=texts,
    description=texts,
    measure=texts,
    relevance=texts,
    target=st.one_of(st.none(), st.dates(date(2000, 1, 1), date(2040, 12, 31))),
    open_goals=st.integers(0, 20),
)
def test_any_draft_gets_ordered_gaps_at_most_one_per_criterion_but_achievable(
    title, description, measure, relevance, target, open_goals
):
    draft = Draft(title, description, measure, target, relevance)
    gaps = check(draft, today=TODAY, open_goals=open_goals)
    order = [CRITERIA.index(g.criterion) for g in gaps]
    assert order == sorted(order)
    for criterion in set(CRITERIA) - {ACHIEVABLE}:
        assert order.count(CRITERIA.index(criterion)) <= 1
    assert check(draft, today=TODAY, open_goals=open_goals) == gaps
