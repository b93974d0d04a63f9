"""Template filters for the one date format (see dyad.lib.dates):

    {% load dyad_dates %}
    {{ relationship.start_date|day }}      31 Dec 2025
    {{ meeting.starts_at|moment }}         Wed 31 Dec 2025, 4:30 PM
    {{ meeting.ends_at|clock }}            5:15 PM

A date-time is shown in the project's time zone; an empty value gives "" so that
`|default:"—"` still works."""

from datetime import date, datetime

from django import template
from django.utils import timezone

from dyad.lib.dates import format_day, format_moment, format_time

register = template.Library()


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


@register.filter
def day(value) -> str:
    if isinstance(value, datetime):
        return format_day(_local(value))
    if isinstance(value, date):
        return format_day(value)
    return ""


@register.filter
def moment(value) -> str:
    if isinstance(value, datetime):
        return format_moment(_local(value))
    if isinstance(value, date):
        return format_day(value)
    return ""


@register.filter
def clock(value) -> str:
    if isinstance(value, datetime):
        return format_time(_local(value))
    return ""
