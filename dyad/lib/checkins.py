"""When a party of a pairing is asked how well it fits (SPEC M8). No Django here.

A party's first check-in is due on the day of the pairing's first held meeting; each next
one `interval_months` after the day they last answered. Each due day is one period: a
party answers it once, and its reminder goes out once, after `REMIND_AFTER_DAYS`.
"""

from __future__ import annotations

from datetime import date, timedelta

from dyad.lib.expiry import add_months

SCALE = (1, 2, 3, 4, 5)
REMIND_AFTER_DAYS = 7

# The words of each point, as the party reads them.
WORDS = {
    1: "Not working at all",
    2: "Not working well",
    3: "Working in part",
    4: "Working well",
    5: "Working very well",
}


def due_on(
    *, first_meeting: date | None, last_answered: date | None, interval_months: int
) -> date | None:
    """The day the party's next check-in is due; None before the first held meeting."""
    if first_meeting is None:
        return None
    if last_answered is None:
        return first_meeting
    return max(first_meeting, add_months(last_answered, interval_months))


def is_due(due: date | None, today: date) -> bool:
    return due is not None and due <= today


def is_overdue(due: date | None, today: date) -> bool:
    """Due for longer than the reminder waits: the party is reminded, leaders see it."""
    return due is not None and today - due > timedelta(days=REMIND_AFTER_DAYS)


def is_low(rating: int, threshold: int) -> bool:
    """A rating that alerts program leadership."""
    return rating <= threshold


def share(part: int, whole: int) -> float | None:
    """`part` of `whole` as a fraction; None when there is nothing to share out."""
    return part / whole if whole else None


# Who the parties are, in each kind's own words (the kinds are never conflated).
PARTY_WORDS = {
    "mentoring": ("mentor", "mentee"),
    "coaching": ("coach", "coachee"),
    "advising": ("advisor", "advisee"),
    "peer_mentoring": ("peer mentor", "peer mentee"),
}


def other_party_word(kind: str, *, rater_is_learner: bool) -> str:
    """What the rater would ask a different one of: "mentor" for a mentee, and so on."""
    guide, learner = PARTY_WORDS.get(kind, ("guide", "learner"))
    return guide if rater_is_learner else learner
