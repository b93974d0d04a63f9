"""The one way Dyad writes dates and moments for people: "31 Dec 2025" and
"Wed 31 Dec 2025, 4:30 PM". Day first, a short month name, the year always: nothing to
misread between a US and a European reader, and the same everywhere a date appears (pages,
e-mails and the cadence engine's sentences). No Django import, so the engine uses it too;
templates reach it through the `dyad_dates` filters, which first convert to local time."""

from __future__ import annotations

from datetime import date, datetime

__all__ = ["format_day", "format_moment", "format_time"]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def format_day(day: date) -> str:
    """31 Dec 2025"""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def format_time(moment: datetime) -> str:
    """4:30 PM, 12:05 AM: the clock as US residency schedules write it."""
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def format_moment(moment: datetime) -> str:
    """Wed 31 Dec 2025, 4:30 PM: the weekday, because meetings are planned by it."""
    return f"{_WEEKDAYS[moment.weekday()]} {format_day(moment)}, {format_time(moment)}"
