"""Coaching engagements and the values exercise (SPEC M7): rules without Django.

An engagement runs from its start to a planned end at an agreed cadence. Executive
coaching (chief residents, junior faculty) lasts six months or more and meets weekly to
monthly (SPEC §0); the other types may meet at any cadence the agreement allows.
"""

from __future__ import annotations

from datetime import date

from dyad.lib.expiry import add_months

# The cadences an executive engagement may agree on (the agreement's frequency codes).
EXECUTIVE_CADENCES = ("weekly", "biweekly", "monthly")
EXECUTIVE_MIN_MONTHS = 6

# The values a coachee chooses from; they may add their own.
DEFAULT_VALUES = (
    "Achievement",
    "Adventure",
    "Authenticity",
    "Balance",
    "Compassion",
    "Competence",
    "Courage",
    "Creativity",
    "Curiosity",
    "Equity",
    "Excellence",
    "Fairness",
    "Family",
    "Friendship",
    "Growth",
    "Health",
    "Honesty",
    "Humility",
    "Humour",
    "Independence",
    "Integrity",
    "Justice",
    "Kindness",
    "Leadership",
    "Learning",
    "Loyalty",
    "Recognition",
    "Respect",
    "Responsibility",
    "Security",
    "Service",
    "Teamwork",
)

# How many values a coachee ranks, at most.
MAX_RANKED = 7
MAX_OWN_VALUES = 10
MAX_VALUE_LENGTH = 40

# The reflection prompts, by key; the coachee answers in their own words.
PROMPTS = (
    ("lived", "When did you last feel you were living your top value? What was happening?"),
    ("tension", "Where does your work pull against one of these values?"),
    ("next", "What is one thing you could do in the next month to honour them?"),
)


def engagement_problems(
    *, executive: bool, start: date, planned_end: date | None, cadence: str
) -> dict[str, str]:
    """What is wrong with an engagement's terms, by field; empty when they hold."""
    problems: dict[str, str] = {}
    if planned_end is not None and planned_end <= start:
        problems["planned_end"] = "The planned end must come after the start."
    if not executive:
        return problems
    if cadence not in EXECUTIVE_CADENCES:
        problems["cadence"] = "Executive coaching meets weekly to monthly."
    if planned_end is None or planned_end < add_months(start, EXECUTIVE_MIN_MONTHS):
        problems.setdefault(
            "planned_end", "Executive coaching runs six months or more: plan an end date."
        )
    return problems


def clean_value(text: str) -> str:
    """A value as the coachee typed it, tidied: one line, single spaces, capitalised."""
    words = " ".join(text.split())[:MAX_VALUE_LENGTH]
    return words[:1].upper() + words[1:]


def ranked_values(chosen: list[str], available: list[str]) -> tuple[list[str], list[str]]:
    """The chosen values in rank order, blanks dropped, and the problems found: a value
    chosen twice, one not on the list, or too many."""
    problems = []
    picked = [v for v in chosen if v]
    known = set(available)
    if len(set(picked)) != len(picked):
        problems.append("Each value can take one place only.")
    if any(v not in known for v in picked):
        problems.append("Choose values from the list, or add your own first.")
    if len(picked) > MAX_RANKED:
        problems.append(f"Rank at most {MAX_RANKED} values.")
    return picked, problems
