from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from dyad.lib.faculty_load import (
    Flag,
    LoadRow,
    by_department,
    filter_rows,
    flags_for,
    per_tenth_fte,
    sort_rows,
    spreadsheet_safe,
    totals,
)


def row(name="Ada", kind="mentoring", learners=1, capacity=2, fte=Decimal(10), **kw):
    values = {
        "guide_id": hash(name) % 1000,
        "name": name,
        "sort_name": name.lower(),
        "department": "Pediatrics",
        "kind": kind,
        "learners": learners,
        "learners_here": learners,
        "capacity": capacity,
        "fte": fte,
        "accepting": True,
    }
    values.update(kw)
    return LoadRow.make(**values)


def test_more_learners_than_places_is_over_capacity():
    assert flags_for(3, 2, Decimal(10)) == (Flag.OVER,)


def test_every_place_taken_is_at_capacity():
    assert flags_for(2, 2, Decimal(10)) == (Flag.AT,)


def test_a_row_without_places_is_flagged_with_or_without_learners():
    assert flags_for(1, None, Decimal(5)) == (Flag.NO_CAPACITY,)
    assert flags_for(1, 0, Decimal(5)) == (Flag.NO_CAPACITY,)
    assert flags_for(0, None, Decimal(5)) == (Flag.NO_CAPACITY,)


def test_missing_fte_is_flagged_alongside_capacity():
    assert flags_for(4, 3, None) == (Flag.OVER, Flag.NO_FTE)


def test_learners_per_tenth_fte():
    assert per_tenth_fte(3, Decimal(15)) == Decimal("2.0")
    assert per_tenth_fte(1, Decimal(30)) == Decimal("0.3")
    assert per_tenth_fte(2, None) is None
    assert per_tenth_fte(2, Decimal(0)) is None


@given(
    learners=st.integers(0, 30),
    capacity=st.one_of(st.none(), st.integers(0, 10)),
    fte=st.one_of(st.none(), st.decimals(0, 100, places=1)),
)
def test_flags_are_consistent(learners, capacity, fte):
    flags = flags_for(learners, capacity, fte)
    assert (Flag.NO_FTE in flags) == (fte is None)
    assert not (Flag.OVER in flags and Flag.AT in flags)
    assert (Flag.OVER in flags) == bool(capacity and learners > capacity)
    assert (Flag.AT in flags) == bool(capacity and learners == capacity)
    assert (Flag.NO_CAPACITY in flags) == (not capacity)


def test_sort_by_load_puts_the_fullest_first_when_descending():
    rows = [
        row("A", learners=1, capacity=4),
        row("B", learners=3, capacity=3),
        row("C", capacity=None),
    ]
    assert [r.name for r in sort_rows(rows, "load", descending=True)] == ["C", "B", "A"]


def test_an_unknown_sort_key_sorts_by_name():
    rows = [row("Zed"), row("Amy")]
    assert [r.name for r in sort_rows(rows, "evil()")] == ["Amy", "Zed"]


def test_filter_by_kind_and_flag():
    rows = [
        row("A", kind="coaching", learners=3, capacity=2),
        row("B", kind="mentoring", learners=3, capacity=2),
        row("C", kind="mentoring", learners=1, capacity=2),
    ]
    assert [r.name for r in filter_rows(rows, flag="over")] == ["A", "B"]
    assert [r.name for r in filter_rows(rows, kind="mentoring", flag="over")] == ["B"]
    assert [r.name for r in filter_rows(rows, kind="mentoring")] == ["B", "C"]


def test_totals_count_guides_once_across_their_kinds():
    rows = [
        row("A", kind="coaching", learners=3, capacity=2),
        row("A", kind="mentoring", learners=1, capacity=2),
        row("B", learners=0, capacity=None),
    ]
    t = totals(rows)
    assert (t.guides, t.learners, t.capacity, t.over) == (2, 4, 4, 1)
    assert t.share_taken == 100
    assert totals([]).share_taken is None


def test_departments_sum_learners_and_places():
    rows = [
        row("A", department="Surgery", learners=2, capacity=3),
        row("B", department="Pediatrics", learners=1, capacity=2),
        row("C", department="Pediatrics", learners=2, capacity=None),
        row("D", department=" ", learners=1, capacity=1),
    ]
    assert by_department(rows) == [
        ("Pediatrics", 3, 2),
        ("Surgery", 2, 3),
        ("No department given", 1, 1),
    ]


def test_cells_that_would_run_as_formulas_are_kept_as_text():
    assert spreadsheet_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert spreadsheet_safe("+1") == "'+1"
    assert spreadsheet_safe("-1") == "'-1"
    assert spreadsheet_safe("@SUM") == "'@SUM"
    assert spreadsheet_safe("Ada Lovelace") == "Ada Lovelace"
    assert spreadsheet_safe(None) == ""
    assert spreadsheet_safe(3) == "3"
