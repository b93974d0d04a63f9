"""SMART feedback on a draft goal: what it lacks, in words a resident understands.

A goal that is specific, measurable, achievable, relevant and time-bound is one a resident
and their coach can follow up on; a vague one ("improve my knowledge") quietly dies. These
checks are deterministic heuristics on the words and dates of the draft. They never refuse
a goal: they say what is missing and show how to fix it, and the resident decides.

Pure Python, no Django: `check(draft, today=…)` returns the gaps, in SMART order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

SPECIFIC = "specific"
MEASURABLE = "measurable"
ACHIEVABLE = "achievable"
RELEVANT = "relevant"
TIME_BOUND = "time_bound"
CRITERIA = (SPECIFIC, MEASURABLE, ACHIEVABLE, RELEVANT, TIME_BOUND)
LABELS = {
    SPECIFIC: "Specific",
    MEASURABLE: "Measurable",
    ACHIEVABLE: "Achievable",
    RELEVANT: "Relevant",
    TIME_BOUND: "Time-bound",
}

# Beyond these a goal is no longer a step one can plan for in a residency year, or so near
# that it is a task rather than a goal.
MAX_MONTHS_AHEAD = 18
MIN_DAYS_AHEAD = 14
# More open goals than this at once and none of them gets the attention it needs.
MAX_OPEN_GOALS = 5
# A goal said in fewer words than this cannot say what, where and how.
MIN_WORDS = 4
# A vague verb needs at least this many words around it to be made concrete.
MIN_WORDS_WITH_VAGUE_VERB = 9

VAGUE_PHRASES = (
    "improve",
    "get better",
    "be better",
    "do better",
    "learn more",
    "know more",
    "work on",
    "focus on",
    "try to",
    "try and",
    "be more",
    "become more",
    "get more",
    "understand",
    "enhance",
    "strengthen",
    "develop my",
)
NUMBER_WORDS = frozenset(
    [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "fifteen",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "hundred",
        "half",
        "quarter",
        "weekly",
        "monthly",
        "daily",
        "twice",
    ]
)
MEASURE_WORDS = frozenset(
    [
        "score",
        "scores",
        "scored",
        "percent",
        "percentile",
        "count",
        "counted",
        "number",
        "times",
        "rate",
        "submit",
        "submitted",
        "submission",
        "pass",
        "passed",
        "publish",
        "published",
        "present",
        "presented",
        "accepted",
        "complete",
        "completed",
        "certified",
        "certification",
        "grade",
        "rating",
        "ratings",
        "checklist",
        "log",
        "logged",
        "abstract",
        "manuscript",
        "poster",
    ]
)
ABSOLUTES = ("always", "never", "perfect", "perfectly", "every single", "100%", "100 %")
WORD = re.compile(r"[a-z0-9%']+")


@dataclass(frozen=True)
class Draft:
    """What the resident has written so far. Every field may be empty."""

    title: str = ""
    description: str = ""
    measure: str = ""
    target_date: date | None = None
    relevance: str = ""
    competency: str = ""


@dataclass(frozen=True)
class Gap:
    """One thing the draft lacks: which criterion, what is wrong, and how to fix it."""

    criterion: str
    problem: str
    fix: str

    @property
    def label(self) -> str:
        return LABELS[self.criterion]


def check(draft: Draft, *, today: date, open_goals: int = 0) -> list[Gap]:
    """The gaps of `draft` as of `today`, in SMART order; empty when it is SMART.
    `open_goals` is how many other goals the resident is working on now."""
    gaps = [
        *_specific(draft),
        *_measurable(draft),
        *_achievable(draft, today, open_goals),
        *_relevant(draft),
        *_time_bound(draft, today),
    ]
    return sorted(gaps, key=lambda gap: CRITERIA.index(gap.criterion))


def is_smart(draft: Draft, *, today: date, open_goals: int = 0) -> bool:
    return not check(draft, today=today, open_goals=open_goals)


def _words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def _has_phrase(text: str, phrases) -> str | None:
    padded = f" {' '.join(_words(text))} "
    return next((p for p in phrases if f" {p} " in padded or f" {p}s " in padded), None)


def _specific(draft: Draft) -> list[Gap]:
    text = f"{draft.title} {draft.description}"
    words = _words(text)
    # A vague verb is the more useful thing to point out, even in a short title.
    vague = _has_phrase(text, VAGUE_PHRASES)
    if vague and len(words) < MIN_WORDS_WITH_VAGUE_VERB:
        return [
            Gap(
                SPECIFIC,
                f"“{vague.capitalize()}” on its own does not say what you will actually do.",
                "Name the skill and the situation: “Run family-centred rounds for my "
                "patients on the general pediatrics ward”, not “Improve communication”.",
            )
        ]
    if len(words) < MIN_WORDS:
        return [
            Gap(
                SPECIFIC,
                "The goal is too short to say what you will do.",
                "Say what, where and how: “Lead the morning report case discussion on "
                "my ward month”, not “Teaching”.",
            )
        ]
    return []


def _is_measurable(text: str) -> bool:
    words = set(_words(text))
    return bool(re.search(r"\d", text)) or bool(words & (NUMBER_WORDS | MEASURE_WORDS))


def _measurable(draft: Draft) -> list[Gap]:
    if not draft.measure.strip():
        if _is_measurable(f"{draft.title} {draft.description}"):
            return []
        return [
            Gap(
                MEASURABLE,
                "Nothing says how you will know you got there.",
                "Say how you will know you got there: a number, a count, a score, a date "
                "— “Score at or above the 70th percentile on the in-training exam”.",
            )
        ]
    if _is_measurable(draft.measure):
        return []
    return [
        Gap(
            MEASURABLE,
            "The measure does not give something you can count or check.",
            "Use a number, a count, a score or a thing handed in: “Present 2 cases at "
            "M&M”, “Submit the abstract to PAS”.",
        )
    ]


def _achievable(draft: Draft, today: date, open_goals: int) -> list[Gap]:
    gaps = []
    absolute = _has_phrase(f"{draft.title} {draft.description} {draft.measure}", ABSOLUTES)
    if absolute:
        gaps.append(
            Gap(
                ACHIEVABLE,
                f"“{absolute}” sets a bar nobody reaches, so the goal can only be missed.",
                "Choose a level you can reach and check: “Close 90% of my notes the same "
                "day”, not “Never leave a note open”.",
            )
        )
    if draft.target_date and today <= draft.target_date < _days_after(today, MIN_DAYS_AHEAD):
        gaps.append(
            Gap(
                ACHIEVABLE,
                "The target date leaves less than two weeks: that is a task, not a goal.",
                "Give yourself time to make progress, or add it as a milestone of a bigger goal.",
            )
        )
    if open_goals >= MAX_OPEN_GOALS:
        gaps.append(
            Gap(
                ACHIEVABLE,
                f"You already have {open_goals} open goals; another may crowd them out.",
                "Close or drop one first, or make this a milestone of a goal you have.",
            )
        )
    return gaps


def _relevant(draft: Draft) -> list[Gap]:
    if draft.competency or len(_words(draft.relevance)) >= 3:
        return []
    return [
        Gap(
            RELEVANT,
            "Nothing links the goal to a competency or to your career aims.",
            "Pick the ACGME competency it builds, or say why it matters to you: “I want "
            "to apply to a cardiology fellowship”.",
        )
    ]


def _time_bound(draft: Draft, today: date) -> list[Gap]:
    if draft.target_date is None:
        return [
            Gap(
                TIME_BOUND,
                "There is no target date.",
                "Set a date to be done by, such as the end of a rotation or of the "
                "academic year (June 30).",
            )
        ]
    if draft.target_date < today:
        return [
            Gap(
                TIME_BOUND,
                "The target date has already passed.",
                "Pick a date still ahead of you, or close the goal with a reflection.",
            )
        ]
    if draft.target_date > _months_after(today, MAX_MONTHS_AHEAD):
        return [
            Gap(
                TIME_BOUND,
                f"The target date is more than {MAX_MONTHS_AHEAD} months away.",
                "Break it into a goal for this year, with milestones, and set the rest "
                "as a later goal.",
            )
        ]
    return []


def _days_after(day: date, days: int) -> date:
    return date.fromordinal(day.toordinal() + days)


def _months_after(day: date, months: int) -> date:
    """The same day of the month `months` later (the month's last day if it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")
