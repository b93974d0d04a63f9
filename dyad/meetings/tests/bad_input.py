"""Hostile values for every kind of form field, and a snapshot of what could be written.

A form that changes something must answer each of these with a message, never a server
error, and must write nothing. Tests post a valid form once (so that a refusal can only
come from the bad value) and then the same form with one field at a time made bad."""

from django.core import mail
from django.forms.models import model_to_dict

from dyad.audit.models import AuditEntry
from dyad.meetings.models import ActionItem, CadencePolicy, Meeting, Preparation, PrivateNote
from dyad.meetings.models import Summary as MeetingSummary
from dyad.questions.models import AskedQuestion, Question
from dyad.reminders.models import ReminderPreference

NUL = "before\x00after"
LONG = "x" * 100_000
IMPOSSIBLE_DATE = "2026-02-30"
HUGE = "9" * 30
NEGATIVE = "-5"

BAD_VALUES = {
    "text": [NUL, LONG],
    "date": [IMPOSSIBLE_DATE, NUL, HUGE],
    "time": ["25:61", NUL],
    "int": [HUGE, NEGATIVE, NUL, LONG],
    "choice": [NUL, LONG, HUGE, NEGATIVE],
}

WRITTEN = (
    Meeting,
    Preparation,
    MeetingSummary,
    ActionItem,
    PrivateNote,
    CadencePolicy,
    Question,
    AskedQuestion,
    ReminderPreference,
    AuditEntry,
)


def cases(forms: dict) -> list:
    """(form name, field, bad value) for every field of every form; `forms` maps a name to
    {field: kind of field}."""
    return [
        (name, field, value)
        for name, fields in forms.items()
        for field, kind in fields.items()
        for value in BAD_VALUES[kind]
    ]


def case_id(value) -> str:
    return {NUL: "nul", LONG: "100k", IMPOSSIBLE_DATE: "feb30", HUGE: "huge"}.get(value, value)


def snapshot() -> dict:
    """Everything these forms could write, and the mail they could send."""
    rows = {
        model.__name__: [model_to_dict(row) for row in model.objects.order_by("pk")]
        for model in WRITTEN
    }
    rows["mail"] = len(mail.outbox)
    return rows


def with_bad(data: dict, field: str, value) -> dict:
    """The valid data with one field replaced; a list field gets the value as its one item."""
    bad = dict(data)
    bad[field] = [value] if isinstance(data.get(field), list) else value
    return bad
