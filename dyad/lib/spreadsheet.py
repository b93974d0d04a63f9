"""Cells for CSV and XLSX exports that a spreadsheet will not run as formulas.

A text cell starting with = + - @ (or a tab or carriage return, which some programs skip
before looking) is read as a formula by Excel and LibreOffice: a name such as
"=HYPERLINK(...)" typed into a roster would run on the leader's computer. Such text gets
a leading apostrophe. Numbers, dates and None pass unchanged. No Django import.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]
