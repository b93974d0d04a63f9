from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from dyad.lib import metrics

KINDS = ("mentoring", "coaching")


def test_percent_rounds_half_up_and_is_none_without_a_whole():
    assert metrics.percent(1, 3) == 33
    assert metrics.percent(1, 8) == 13  # 12.5 → 13
    assert metrics.percent(0, 0) is None


def test_guide_share_counts_each_learner_once_per_kind():
    shares = metrics.guide_share(
        [1, 2, 3, 4],
        [(1, "mentoring"), (1, "mentoring"), (2, "mentoring"), (2, "coaching"), (9, "coaching")],
        KINDS,
    )
    assert [(s.kind, s.with_guide, s.learners, s.percent) for s in shares] == [
        ("mentoring", 2, 4, 50),
        ("coaching", 1, 4, 25),  # learner 9 is not a learner of the program
    ]


def test_guide_share_without_learners_has_no_percent():
    assert metrics.guide_share([], [], KINDS)[0].percent is None


def test_time_to_first_meeting_median_buckets_and_waiting():
    start = date(2025, 7, 1)
    result = metrics.time_to_first_meeting(
        [
            (start, date(2025, 7, 8)),  # 7 days
            (start, date(2025, 7, 21)),  # 20
            (start, date(2025, 8, 20)),  # 50
            (start, date(2025, 10, 1)),  # 92
            (start, None),
        ]
    )
    assert result.median == 35  # (20 + 50) / 2
    assert result.met == 4
    assert result.waiting == 1
    assert dict(result.buckets) == {
        "0–14 days": 1,
        "15–30 days": 1,
        "31–60 days": 1,
        "Over 60 days": 1,
    }


def test_time_to_first_meeting_with_nobody_met():
    result = metrics.time_to_first_meeting([(date(2025, 7, 1), None)])
    assert result.median is None
    assert sum(n for _, n in result.buckets) == 0


def test_meetings_held_in_person_share_and_per_pair():
    m = metrics.meetings_held([True, True, False, True], pairs=3)
    assert (m.held, m.in_person, m.in_person_percent, m.per_pair) == (4, 3, 75, 1.3)
    assert metrics.meetings_held([], pairs=0).per_pair is None


def test_rematch_rate_counts_only_rematch_ends():
    r = metrics.rematch_rate(["", "rematch", "graduated", "", "rematch", "completed", "", ""])
    assert (r.relationships, r.rematch_ends, r.percent) == (8, 2, 25)


def test_goals_summary():
    g = metrics.goals_summary([(1, "achieved"), (1, "open"), (2, "dropped"), (3, "achieved")])
    assert (g.set, g.achieved, g.dropped, g.learners, g.achieved_percent) == (4, 2, 1, 3, 50)


def test_ilp_completion_leaves_out_plans_of_people_no_longer_learners():
    i = metrics.ilp_completion([1, 2, 3, 4], [(1, True), (2, False), (7, True)])
    assert (i.learners, i.started, i.completed, i.percent) == (4, 2, 1, 25)


def test_faculty_load_against_capacity_and_fte():
    load = metrics.faculty_load([(4, 4, 10.0), (2, 3, None), (3, 1, 20.0), (0, 0, None)])
    assert (load.guides, load.capacity, load.taken) == (4, 9, 8)
    assert load.over_capacity == 1  # 3 of 2
    assert load.full == 1  # 4 of 4 (none offered is not full)
    assert load.percent == 89
    # Only guides who report an effort: 5 places taken over 30 % FTE = 0.3 FTE.
    assert load.fte_known == 2
    assert load.learners_per_fte == round(5 / 0.3, 1) == 16.7


def test_faculty_load_without_guides():
    load = metrics.faculty_load([])
    assert load.percent is None and load.learners_per_fte is None


def test_compliance_months_keeps_the_year_and_adds_percent():
    months = [(date(2025, 6, 30), 4, 4), (date(2025, 7, 31), 4, 3), (date(2025, 8, 31), 0, 0)]
    assert metrics.compliance_months(months, date(2025, 7, 1)) == [
        (date(2025, 7, 31), 4, 3, 75),
        (date(2025, 8, 31), 0, 0, None),
    ]


# No deadline: the machine is shared, and the rules are what is tested, not speed.
@settings(deadline=None)
@given(
    st.sets(st.integers(0, 30)),
    st.lists(st.tuples(st.integers(0, 40), st.sampled_from(KINDS))),
)
def test_guide_share_never_exceeds_the_learners(learners, pairs):
    for share in metrics.guide_share(learners, pairs, KINDS):
        assert 0 <= share.with_guide <= share.learners == len(learners)
        assert share.percent is None or 0 <= share.percent <= 100
