"""Which 360° figures may be shown without exposing fewer than three raters' answers.

No Django here: plain values in, plain values out.

The rule
--------
The answers to one rated item are split by rater group (peers, supervisors, …). A figure
(a count, a mean, a distribution) is an aggregate over a *set* of answers, and sums and
counts add up: whoever sees two figures can subtract one from the other and get the
aggregate of the difference. So the question is never "is this figure over three answers or
more?" but "can any combination of the shown figures isolate fewer than three?".

1. A group with at least `THRESHOLD` answers is shown on its own.
2. The groups with fewer (but some) answers are *small*. If the small groups together have
   at least `THRESHOLD` answers they are shown merged, as one figure ("other groups
   combined"), since the overall minus the shown groups would reveal exactly that set
   anyway. If together they have fewer, they are withheld, and so is the overall: the
   overall minus the shown groups would be those one or two answers.
3. The overall is shown only when every answer is inside a shown figure.

So the shown figures always cut the answers into disjoint parts of at least `THRESHOLD`
each, and the overall is their union: any sum or difference of shown figures is a union of
whole parts, never fewer than `THRESHOLD` answers.

Across cycles: every cycle is computed from its own answers only (never "all cycles so
far", whose difference from the previous total would be the new cycle's answers, group by
group). A change between two cycles is shown only for a figure shown in both.

Free text follows the same parts, counted by respondents: comments of a withheld part are
not shown at all; the others are shown per part, unattributed and shuffled.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

THRESHOLD = 3
SCALE = (1, 2, 3, 4, 5)
OVERALL = "overall"
MERGED = "merged"


@dataclass(frozen=True)
class Parts:
    """How the groups of one item are cut: each shown part is a tuple of group keys."""

    shown: tuple[tuple[str, ...], ...]
    withheld: tuple[str, ...]

    @property
    def overall_shown(self) -> bool:
        return bool(self.shown) and not self.withheld


def parts(counts: Mapping[str, int], *, threshold: int = THRESHOLD) -> Parts:
    """The parts for groups with these numbers of answers (groups in the given order)."""
    big = tuple((group,) for group, n in counts.items() if n >= threshold)
    small = tuple(group for group, n in counts.items() if 0 < n < threshold)
    if sum(counts[group] for group in small) >= threshold:
        return Parts(shown=(*big, small), withheld=())
    return Parts(shown=big, withheld=small)


@dataclass(frozen=True)
class Figure:
    """An aggregate of the answers of `groups` (one group, several merged, or all)."""

    key: str  # a group key, MERGED or OVERALL
    groups: tuple[str, ...]
    count: int
    mean: float
    distribution: tuple[int, ...]  # how many answers gave each value of SCALE

    @property
    def shares(self) -> tuple[int, ...]:
        """Each value's share of the answers, in whole per cent."""
        return tuple(round(100 * n / self.count) for n in self.distribution)


def figure(key: str, groups: tuple[str, ...], values: Sequence[int]) -> Figure:
    distribution = tuple(sum(1 for v in values if v == point) for point in SCALE)
    return Figure(
        key=key,
        groups=groups,
        count=len(values),
        mean=round(sum(values) / len(values), 2),
        distribution=distribution,
    )


@dataclass(frozen=True)
class ItemResult:
    """What may be shown of one rated item."""

    figures: tuple[Figure, ...]  # per group, then the merged small groups if any
    overall: Figure | None
    withheld: tuple[str, ...]  # groups with answers that are not shown

    def by_key(self) -> dict[str, Figure]:
        shown = {f.key: f for f in self.figures}
        if self.overall is not None:
            shown[OVERALL] = self.overall
        return shown


def summarize(answers: Mapping[str, Sequence[int]], *, threshold: int = THRESHOLD) -> ItemResult:
    """The figures of one item from its answers by group (values of SCALE; "can't say"
    left out by the caller). Groups without answers are simply absent from the result."""
    cut = parts({group: len(values) for group, values in answers.items()}, threshold=threshold)
    figures = []
    for part in cut.shown:
        values = [v for group in part for v in answers[group]]
        key = part[0] if len(part) == 1 else MERGED  # one small group alone is never shown
        figures.append(figure(key, part, values))
    overall = None
    if cut.overall_shown:
        everything = [v for values in answers.values() for v in values]
        overall = figure(OVERALL, tuple(g for g, vs in answers.items() if vs), everything)
    return ItemResult(figures=tuple(figures), overall=overall, withheld=cut.withheld)


def changes(earlier: ItemResult, later: ItemResult) -> dict[str, float]:
    """The change of the mean from one cycle to the next, for the single groups and the
    overall shown in both cycles. A merged figure has no change: its groups may differ."""
    before, after = earlier.by_key(), later.by_key()
    return {
        key: round(after[key].mean - before[key].mean, 2)
        for key in after
        if key != MERGED and key in before
    }


@dataclass(frozen=True)
class Comments:
    key: str  # a group key or MERGED
    groups: tuple[str, ...]
    texts: tuple[str, ...]


def comments(
    texts: Mapping[str, Sequence[str]],
    respondents: Mapping[str, int],
    *,
    seed: str,
    threshold: int = THRESHOLD,
) -> tuple[tuple[Comments, ...], tuple[str, ...]]:
    """The free-text answers that may be shown, per part, shuffled; and the groups whose
    comments are withheld. Parts are cut by the number of respondents of each group (not
    by the number of comments: a comment is one of at least `threshold` people's).

    The order is shuffled with `seed` (the cycle's id): stable from one page load to the
    next, unrelated to when or in which order the raters answered."""
    cut = parts(respondents, threshold=threshold)
    rng = random.Random(seed)
    shown = []
    for part in cut.shown:
        pooled = sorted(t for group in part for t in texts.get(group, ()) if t.strip())
        rng.shuffle(pooled)
        key = part[0] if len(part) == 1 else MERGED
        shown.append(Comments(key=key, groups=part, texts=tuple(pooled)))
    return tuple(shown), cut.withheld
