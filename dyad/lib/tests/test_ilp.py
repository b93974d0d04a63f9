from datetime import date

from dyad.lib import ilp


def test_a_plan_goes_draft_shared_reviewed_completed_and_no_step_is_skipped():
    assert ilp.can_move("draft", "shared")
    assert ilp.can_move("shared", "reviewed")
    assert ilp.can_move("reviewed", "reviewed")  # the second semi-annual review
    assert ilp.can_move("reviewed", "completed")
    assert not ilp.can_move("draft", "reviewed")
    assert not ilp.can_move("shared", "completed")
    assert not ilp.can_move("completed", "reviewed")
    assert not ilp.can_move("unknown", "draft")


def test_the_default_is_two_reviews_mid_year_and_before_the_year_ends():
    assert ilp.default_review_dates(2026, 7) == [date(2026, 12, 15), date(2027, 5, 15)]
    assert ilp.default_review_dates(2026, 1) == [date(2026, 6, 15), date(2026, 11, 15)]


def test_review_dates_stay_in_the_year_in_order_whatever_their_number():
    for count in range(1, ilp.MAX_REVIEW_DATES + 1):
        dates = ilp.default_review_dates(2026, 7, count)
        assert len(dates) == count
        assert dates == sorted(set(dates))
        assert all(ilp.in_year(d, 2026, 7) for d in dates)
    assert ilp.default_review_dates(2026, 7, 0) == []


def test_the_year_label_and_membership():
    assert ilp.year_label(2026) == "2026–27"
    assert ilp.year_label(2099) == "2099–00"
    assert ilp.in_year(date(2027, 6, 30), 2026, 7)
    assert not ilp.in_year(date(2027, 7, 1), 2026, 7)
    assert not ilp.in_year(date(2026, 6, 30), 2026, 7)


def test_the_next_review_is_the_first_from_today_on():
    dates = [date(2026, 12, 15), date(2027, 5, 15)]
    assert ilp.next_review(dates, date(2026, 12, 15)) == date(2026, 12, 15)
    assert ilp.next_review(dates, date(2027, 1, 2)) == date(2027, 5, 15)
    assert ilp.next_review(dates, date(2027, 6, 1)) is None


def test_changes_between_snapshots_name_only_the_sections_that_moved():
    labels = {"strengths": "Strengths", "goals": "Learning goals", "timeline": "Timeline"}
    before = {"strengths": "Calm", "goals": [{"title": "A"}], "timeline": ""}
    after = {"strengths": "Calm", "goals": [{"title": "A"}, {"title": "B"}], "timeline": ""}
    changes = ilp.snapshot_changes(before, after, labels)
    assert [c["label"] for c in changes] == ["Learning goals"]
    assert changes[0]["before"] == [{"title": "A"}]


def test_against_no_earlier_snapshot_every_written_section_is_new():
    labels = {"strengths": "Strengths", "timeline": "Timeline"}
    changes = ilp.snapshot_changes(None, {"strengths": "Calm", "timeline": ""}, labels)
    assert [c["key"] for c in changes] == ["strengths"]
