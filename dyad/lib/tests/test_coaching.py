from datetime import date

from dyad.lib import coaching as rules

START = date(2026, 7, 1)


def test_executive_coaching_runs_six_months_or_more():
    short = rules.engagement_problems(
        executive=True, start=START, planned_end=date(2026, 12, 31), cadence="monthly"
    )
    assert "six months" in short["planned_end"]
    assert not rules.engagement_problems(
        executive=True, start=START, planned_end=date(2027, 1, 1), cadence="monthly"
    )


def test_executive_coaching_needs_a_planned_end():
    problems = rules.engagement_problems(
        executive=True, start=START, planned_end=None, cadence="weekly"
    )
    assert "planned_end" in problems


def test_executive_coaching_meets_weekly_to_monthly():
    for cadence in ("weekly", "biweekly", "monthly"):
        assert not rules.engagement_problems(
            executive=True, start=START, planned_end=date(2027, 3, 1), cadence=cadence
        )
    for cadence in ("bimonthly", "quarterly"):
        problems = rules.engagement_problems(
            executive=True, start=START, planned_end=date(2027, 3, 1), cadence=cadence
        )
        assert problems == {"cadence": "Executive coaching meets weekly to monthly."}


def test_other_engagements_may_be_open_ended_at_any_cadence():
    assert not rules.engagement_problems(
        executive=False, start=START, planned_end=None, cadence="quarterly"
    )


def test_an_end_before_the_start_is_refused_for_every_type():
    for executive in (False, True):
        problems = rules.engagement_problems(
            executive=executive, start=START, planned_end=START, cadence="monthly"
        )
        assert problems["planned_end"] == "The planned end must come after the start."


def test_add_months_keeps_the_day_or_takes_the_last_of_a_short_month():
    assert rules.add_months(date(2026, 7, 1), 6) == date(2027, 1, 1)
    assert rules.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert rules.add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)


def test_the_default_list_has_about_thirty_distinct_values():
    assert 28 <= len(rules.DEFAULT_VALUES) <= 35
    assert len(set(rules.DEFAULT_VALUES)) == len(rules.DEFAULT_VALUES)


def test_ranked_values_keep_their_order_and_drop_blanks():
    picked, problems = rules.ranked_values(["Honesty", "", "Growth"], ["Growth", "Honesty"])
    assert picked == ["Honesty", "Growth"]
    assert problems == []


def test_a_value_ranked_twice_or_unknown_or_too_many_is_a_problem():
    available = list(rules.DEFAULT_VALUES)
    assert rules.ranked_values(["Growth", "Growth"], available)[1]
    assert rules.ranked_values(["Ambition?"], available)[1]
    assert rules.ranked_values(available[: rules.MAX_RANKED + 1], available)[1]


def test_an_own_value_is_tidied():
    assert rules.clean_value("  being   present ") == "Being present"
    assert len(rules.clean_value("x" * 100)) == rules.MAX_VALUE_LENGTH
