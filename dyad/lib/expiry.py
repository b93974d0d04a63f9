"""When a completed training lapses: a number of whole months after it was completed (the
last day of a shorter month when the day does not exist, as 31 January + 1 month is
28 or 29 February). No Django here."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expires_on(completed: date, valid_months: int | None) -> date | None:
    """The first day the training no longer counts; None if it never lapses."""
    return None if valid_months is None else add_months(completed, valid_months)


def is_current(completed: date, valid_months: int | None, on: date) -> bool:
    if completed > on:
        return False
    end = expires_on(completed, valid_months)
    return end is None or on < end
