"""The generated parts of a program's expectations documents, and when to remind someone
who has not acknowledged theirs. Plain values in and out: no Django.

The meeting standards are written from the same cadence policy that Dyad checks
(`dyad.lib.cadence.CadencePolicy`), so the document never promises another rhythm than
the one the dashboards hold people to. What leadership sees is written from the consent
categories and the privacy table of SPEC M11.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from dyad.lib.cadence import CadencePolicy

FIRST_REMINDER_AFTER = timedelta(days=7)
REMINDER_EVERY = timedelta(days=7)
MAX_REMINDERS = 3


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def meeting_standards(kind_label: str, policy: CadencePolicy) -> list[str]:
    """The cadence of one kind of relationship, in sentences."""
    month = calendar.month_name[policy.year_start_month]
    first = f"A first meeting in {month}"
    if policy.first_meeting_in_person:
        first += ", in person"
    lines = [
        f"{first}; a pairing that starts later in the year meets within "
        f"{_plural(policy.first_meeting_days_midyear, 'day')} of its start."
    ]
    if policy.monthly_months >= 12:
        lines.append("A meeting in every month of the academic year.")
    elif policy.monthly_months:
        lines.append(
            f"A meeting in each of the first {_plural(policy.monthly_months, 'month')} of the "
            f"academic year, then at least one every {_plural(policy.max_gap_days, 'day')}."
        )
    else:
        lines.append(f"At least one meeting every {_plural(policy.max_gap_days, 'day')}.")
    if policy.min_in_person_per_year:
        lines.append(
            f"At least {_plural(policy.min_in_person_per_year, 'meeting')} in person each "
            "academic year."
        )
    return [f"{kind_label}: {line}" if n == 0 else line for n, line in enumerate(lines)]


@dataclass(frozen=True)
class Reporting:
    """What program leadership sees: always, only with the learner's consent, never."""

    always: tuple[str, ...]
    with_consent: tuple[str, ...]
    never: tuple[str, ...]


# SPEC M11, the privacy table: what leadership sees whatever the learner chooses.
ALWAYS = (
    "That a pairing exists, its kind, its dates and its state",
    "That a meeting took place: its date and its mode (in person, video, phone)",
    "Whether your learning plan (ILP) is completed, not what it says",
    "Pairing-fit check-ins and rematch requests with their reasons (never shown to the "
    "other party)",
    "Safety or wellbeing concerns, to the program's designated contacts only",
)
NEVER = (
    "Private notes: only their author ever reads them",
    "360° feedback answers: never to leadership or to anyone who evaluates you",
    "Survey answers one by one: results are shown only for groups of at least five",
    "Anything of your mentoring or coaching to someone who evaluates you, through that role",
)


def reporting(consent_labels: Iterable[str]) -> Reporting:
    """The reporting section, from the labels of the consent categories a learner may
    choose to share (e.g. "Shared meeting summaries")."""
    return Reporting(
        always=ALWAYS,
        with_consent=tuple(
            f"{label}, if the learner allows it in the pairing's agreement; each reading "
            "is recorded in the audit log"
            for label in consent_labels
        ),
        never=NEVER,
    )


def reminder_due(
    *,
    sent_at: datetime | None,
    reminders_sent: int,
    last_reminded_at: datetime | None,
    now: datetime,
    acknowledged: bool,
) -> bool:
    """Whether someone gets a reminder now: not acknowledged, a week after the document
    was sent, then weekly, at most MAX_REMINDERS times."""
    if acknowledged or sent_at is None or reminders_sent >= MAX_REMINDERS:
        return False
    since = last_reminded_at if reminders_sent and last_reminded_at else sent_at
    wait = REMINDER_EVERY if reminders_sent else FIRST_REMINDER_AFTER
    return now - since >= wait
