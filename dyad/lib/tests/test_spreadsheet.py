from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dyad.lib.spreadsheet import FORMULA_STARTS, safe_cell, safe_row


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1 555 0100", "'+1 555 0100"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Lee O'Neil", "Lee O'Neil"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_text_that_would_run_as_a_formula_gets_an_apostrophe(text, cell):
    assert safe_cell(text) == cell


def test_numbers_dates_and_none_pass_unchanged():
    assert safe_row([-3, 2.5, None, date(2025, 7, 1)]) == [-3, 2.5, None, date(2025, 7, 1)]


# No deadline: the machine is shared, and the rules are what is tested, not speed.
@settings(deadline=None)
@given(st.text())
def test_no_escaped_cell_starts_a_formula_and_nothing_else_changes(text):
    cell = safe_cell(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell == text or cell == "'" + text
