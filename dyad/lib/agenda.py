"""The suggested agenda of a meeting: which questions of the bank to put forward (SPEC M4).

Pure: no Django, no database. The caller turns its questions into `QuestionData` and maps
the answer back. Empty `stages` or `months` mean "any"; `kinds` must name the question's
kinds, because the kinds of guidance are never conflated (a coaching question is not an
advising one).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

FIRST_MEETING = "first_meeting"
INTERN_YEAR = "intern_year"
SENIOR_YEARS = "senior_years"
GRADUATING = "graduating"


@dataclass(frozen=True)
class QuestionData:
    id: int
    direction: str
    topic: str
    kinds: frozenset[str]
    stages: frozenset[str] = frozenset()
    months: frozenset[int] = frozenset()
    position: int = 0
    is_active: bool = True

    def fits_kind(self, kind: str) -> bool:
        return kind in self.kinds

    def fits_stage(self, stage: str) -> bool:
        return not self.stages or stage in self.stages

    def fits_month(self, month: int) -> bool:
        return not self.months or month in self.months


def stage_for(
    *, has_held_meeting: bool, pgy: int | None, max_pgy: int, month: int, year_start_month: int = 7
) -> str:
    """The stage of a relationship. Before its first held meeting: the first meeting. Then
    by the learner's PGY level: the final year from the middle of the academic year on
    (January, for a July start) is graduating; PGY-1 is the intern year; everything else,
    and learners without a PGY level (chief residents, fellows, junior faculty), is the
    senior years. A one-year program's interns are graduating from January too."""
    if not has_held_meeting:
        return FIRST_MEETING
    if pgy is None:
        return SENIOR_YEARS
    second_half = (month - year_start_month) % 12 >= 6
    if pgy >= max_pgy and second_half:
        return GRADUATING
    if pgy == 1:
        return INTERN_YEAR
    return SENIOR_YEARS


def _order(question: QuestionData) -> tuple[int, int]:
    return (question.position, question.id)


def _balanced(
    pool: Iterable[QuestionData], k: int, chosen: list[QuestionData]
) -> list[QuestionData]:
    """Up to k questions of `pool`, each time the one whose topic, then whose direction,
    has been used least so far (counting `chosen`): no topic comes twice while another
    one of the pool has not come yet, and the directions take turns where they can."""
    remaining = sorted(pool, key=_order)
    picked: list[QuestionData] = []
    topics = Counter(q.topic for q in chosen)
    directions = Counter(q.direction for q in chosen)
    while remaining and len(picked) < k:
        best = min(remaining, key=lambda q: (topics[q.topic], directions[q.direction], *_order(q)))
        remaining.remove(best)
        picked.append(best)
        topics[best.topic] += 1
        directions[best.direction] += 1
    return picked


def suggest(
    questions: Sequence[QuestionData],
    *,
    kind: str,
    stage: str,
    month: int,
    asked_ids: set[int] | frozenset[int],
    n: int = 5,
) -> list[QuestionData]:
    """Up to n active questions of this kind not asked before in the relationship.

    First those that fit both the stage and the month; when fewer than n do, those of the
    stage in other months, then those of other stages (fitting the month first). Each tier
    is drawn balanced across topics and directions; the order is deterministic (position,
    then id). The kind is never relaxed, and an asked question never comes back."""
    if n <= 0:
        return []
    usable = [q for q in questions if q.is_active and q.fits_kind(kind) and q.id not in asked_ids]
    tiers: list[list[QuestionData]] = [[], [], [], []]
    for q in usable:
        if q.fits_stage(stage):
            tiers[0 if q.fits_month(month) else 1].append(q)
        else:
            tiers[2 if q.fits_month(month) else 3].append(q)
    chosen: list[QuestionData] = []
    for tier in tiers:
        if len(chosen) >= n:
            break
        chosen += _balanced(tier, n - len(chosen), chosen)
    return chosen
