from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from dyad.lib.agenda import (
    FIRST_MEETING,
    GRADUATING,
    INTERN_YEAR,
    SENIOR_YEARS,
    QuestionData,
    stage_for,
    suggest,
)

G2L, L2G = "guide_to_learner", "learner_to_guide"
KINDS = ["mentoring", "coaching", "advising", "peer_mentoring"]
STAGES = [FIRST_MEETING, INTERN_YEAR, SENIOR_YEARS, GRADUATING]
TOPICS = ["goals", "career", "burnout", "research", "teaching", "identity"]


def q(id, topic="goals", direction=G2L, kinds=("mentoring",), stages=(), months=(), **kw):
    return QuestionData(
        id=id,
        direction=direction,
        topic=topic,
        kinds=frozenset(kinds),
        stages=frozenset(stages),
        months=frozenset(months),
        position=kw.pop("position", id * 10),
        **kw,
    )


def ids(questions):
    return [x.id for x in questions]


def pick(questions, *, kind="mentoring", stage=SENIOR_YEARS, month=10, asked=(), n=5):
    return suggest(questions, kind=kind, stage=stage, month=month, asked_ids=set(asked), n=n)


# --- stage_for -------------------------------------------------------------------------


def test_first_meeting_until_one_is_held_whatever_the_year():
    for pgy in (None, 1, 2, 3):
        assert stage_for(has_held_meeting=False, pgy=pgy, max_pgy=3, month=3) == FIRST_MEETING


def test_pgy1_is_the_intern_year():
    assert stage_for(has_held_meeting=True, pgy=1, max_pgy=3, month=10) == INTERN_YEAR
    assert stage_for(has_held_meeting=True, pgy=1, max_pgy=3, month=4) == INTERN_YEAR


def test_final_year_is_graduating_from_january_on():
    assert stage_for(has_held_meeting=True, pgy=3, max_pgy=3, month=12) == SENIOR_YEARS
    assert stage_for(has_held_meeting=True, pgy=3, max_pgy=3, month=1) == GRADUATING
    assert stage_for(has_held_meeting=True, pgy=3, max_pgy=3, month=6) == GRADUATING
    assert stage_for(has_held_meeting=True, pgy=3, max_pgy=3, month=7) == SENIOR_YEARS


def test_graduating_follows_the_programs_academic_year_and_length():
    # A four-year program: PGY-3 is not the final year.
    assert stage_for(has_held_meeting=True, pgy=3, max_pgy=4, month=3) == SENIOR_YEARS
    assert stage_for(has_held_meeting=True, pgy=4, max_pgy=4, month=3) == GRADUATING
    # An academic year starting in September: its second half starts in March.
    kw = {"has_held_meeting": True, "pgy": 3, "max_pgy": 3, "year_start_month": 9}
    assert stage_for(month=2, **kw) == SENIOR_YEARS
    assert stage_for(month=3, **kw) == GRADUATING


def test_pgy2_and_learners_without_pgy_are_in_the_senior_years():
    assert stage_for(has_held_meeting=True, pgy=2, max_pgy=3, month=2) == SENIOR_YEARS
    assert stage_for(has_held_meeting=True, pgy=None, max_pgy=3, month=2) == SENIOR_YEARS


# --- suggest: what fits --------------------------------------------------------------------


def test_only_active_questions_of_the_kind_not_asked_before():
    bank = [
        q(1, "goals"),
        q(2, "career", kinds=("coaching",)),
        q(3, "burnout", is_active=False),
        q(4, "research"),
        q(5, "teaching", kinds=("mentoring", "coaching")),
    ]
    assert sorted(ids(pick(bank, asked={4}))) == [1, 5]


def test_kind_is_never_relaxed():
    bank = [q(1, kinds=("coaching",)), q(2, kinds=("advising",))]
    assert pick(bank, kind="mentoring") == []


def test_questions_of_the_stage_and_month_come_first():
    bank = [
        q(1, "goals", stages=(INTERN_YEAR,)),
        q(2, "career", stages=(SENIOR_YEARS,), months=(3, 4)),
        q(3, "burnout", stages=(SENIOR_YEARS,), months=(12, 1)),
        q(4, "research", stages=(SENIOR_YEARS,)),
    ]
    assert ids(pick(bank, month=12, n=2)) == [3, 4]


def test_empty_stages_and_months_fit_everywhere():
    bank = [q(1, "goals"), q(2, "career", stages=(GRADUATING,), months=(5,))]
    assert ids(pick(bank, stage=INTERN_YEAR, month=9, n=1)) == [1]


def test_fallback_relaxes_the_month_before_the_stage():
    bank = [
        q(1, "goals", stages=(INTERN_YEAR,), months=(10,)),  # other stage, this month
        q(2, "career", stages=(SENIOR_YEARS,), months=(3,)),  # this stage, other month
        q(3, "burnout", stages=(SENIOR_YEARS,), months=(10,)),  # fits
        q(4, "research", stages=(GRADUATING,), months=(4,)),  # fits neither
    ]
    assert ids(pick(bank, month=10)) == [3, 2, 1, 4]


def test_fallback_never_brings_back_an_asked_question():
    bank = [q(1, "goals", stages=(GRADUATING,)), q(2, "career", stages=(GRADUATING,))]
    assert ids(pick(bank, asked={1}, n=5)) == [2]


def test_never_more_than_n_and_nothing_for_n_zero():
    bank = [q(i, TOPICS[i % len(TOPICS)]) for i in range(1, 20)]
    assert len(pick(bank, n=5)) == 5
    assert pick(bank, n=0) == []


# --- suggest: balance and order ------------------------------------------------------------


def test_no_topic_twice_before_every_topic_had_one():
    bank = [q(1, "goals"), q(2, "goals"), q(3, "goals"), q(4, "career"), q(5, "burnout")]
    result = pick(bank, n=4)
    assert [x.topic for x in result[:3]] == ["goals", "career", "burnout"]
    assert ids(result) == [1, 4, 5, 2]


def test_directions_take_turns():
    bank = [
        q(1, "goals", G2L),
        q(2, "career", G2L),
        q(3, "burnout", G2L),
        q(4, "research", L2G),
        q(5, "teaching", L2G),
    ]
    result = pick(bank, n=4)
    assert [x.direction for x in result] == [G2L, L2G, G2L, L2G]
    assert ids(result) == [1, 4, 2, 5]


def test_balance_counts_what_the_better_tiers_already_gave():
    bank = [
        q(1, "goals", G2L, months=(10,)),
        q(2, "goals", L2G, months=(3,)),  # other month, same topic
        q(3, "career", L2G, months=(3,)),  # other month, new topic
    ]
    assert ids(pick(bank, month=10, n=2)) == [1, 3]


def test_order_is_by_position_then_id():
    bank = [
        q(3, "goals", position=5),
        q(1, "career", position=20),
        q(2, "burnout", position=20),
    ]
    assert ids(pick(bank, n=3)) == [3, 1, 2]
    assert ids(pick(list(reversed(bank)), n=3)) == [3, 1, 2]


# --- properties --------------------------------------------------------------------------

question = st.builds(
    QuestionData,
    id=st.integers(1, 60),
    direction=st.sampled_from([G2L, L2G]),
    topic=st.sampled_from(TOPICS),
    kinds=st.frozensets(st.sampled_from(KINDS), max_size=3),
    stages=st.frozensets(st.sampled_from(STAGES), max_size=3),
    months=st.frozensets(st.integers(1, 12), max_size=4),
    position=st.integers(0, 100),
    is_active=st.booleans(),
)


def _unique(questions):
    return list({x.id: x for x in questions}.values())


@given(
    st.lists(question, max_size=40).map(_unique),
    st.sampled_from(KINDS),
    st.sampled_from(STAGES),
    st.integers(1, 12),
    st.sets(st.integers(1, 60)),
    st.integers(0, 8),
)
def test_suggestions_are_fitting_unasked_and_at_most_n(bank, kind, stage, month, asked, n):
    result = suggest(bank, kind=kind, stage=stage, month=month, asked_ids=asked, n=n)
    assert len(result) <= n
    assert len(set(ids(result))) == len(result)
    for x in result:
        assert x.id not in asked
        assert kind in x.kinds
        assert x.is_active
    usable = [x for x in bank if x.is_active and kind in x.kinds and x.id not in asked]
    assert len(result) == min(n, len(usable))


@given(
    st.lists(question, max_size=40).map(_unique),
    st.sampled_from(KINDS),
    st.integers(1, 8),
)
def test_topics_are_spread_as_widely_as_possible(bank, kind, n):
    # With no stage or month to prefer, every pick before a repeat is a new topic.
    bank = [
        QuestionData(
            id=x.id, direction=x.direction, topic=x.topic, kinds=x.kinds, position=x.position
        )
        for x in bank
    ]
    result = suggest(bank, kind=kind, stage=SENIOR_YEARS, month=1, asked_ids=set(), n=n)
    topics_available = {x.topic for x in bank if kind in x.kinds}
    assert len(set(Counter(x.topic for x in result))) == min(len(result), len(topics_available))


@given(st.lists(question, max_size=30).map(_unique), st.sampled_from(KINDS))
def test_the_same_input_gives_the_same_agenda_in_any_order(bank, kind):
    forward = suggest(bank, kind=kind, stage=INTERN_YEAR, month=7, asked_ids=set(), n=5)
    backward = suggest(
        list(reversed(bank)), kind=kind, stage=INTERN_YEAR, month=7, asked_ids=set(), n=5
    )
    assert forward == backward
