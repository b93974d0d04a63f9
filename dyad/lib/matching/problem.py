"""The input of a match round: who ranks whom, who may be paired, who must be."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from .score import ScoreModel


class MatchingError(ValueError):
    """The round's input is inconsistent; the message says how, in words."""


@dataclass(frozen=True)
class Problem:
    """Learners 0..n-1 and guides 0..m-1.

    learner_prefs[l]: guides in the learner's order, best first; may be short or empty.
    capacities[g]: how many learners the guide takes (0 is allowed).
    scores: a ScoreModel for every learner × guide pair.
    guide_ranks[g]: learners in the guide's order, best first; learners the guide did not
        rank come after those it did, by pair score (stable solver only).
    forbidden: pairs never to make (evaluative conflicts, do-not-re-pair, existing pairs).
    pinned: pairs that must be in the result; they use up the guide's places.
    """

    learner_prefs: Sequence[Sequence[int]]
    capacities: Sequence[int]
    scores: ScoreModel
    guide_ranks: Mapping[int, Sequence[int]] = field(default_factory=dict)
    forbidden: Collection[tuple[int, int]] = frozenset()
    pinned: Collection[tuple[int, int]] = ()

    def __post_init__(self):
        self.validate()

    @property
    def n_learners(self) -> int:
        return len(self.learner_prefs)

    @property
    def n_guides(self) -> int:
        return len(self.capacities)

    def validate(self) -> None:
        n, m = self.n_learners, self.n_guides
        if self.scores.shape != (n, m):
            raise MatchingError(f"scores cover {self.scores.shape}, the round has {(n, m)}")
        for guide, capacity in enumerate(self.capacities):
            if int(capacity) < 0:
                raise MatchingError(f"guide {guide} has a negative capacity ({capacity})")
        flat = self.flat_prefs
        if len(flat.guides) and (flat.guides.min() < 0 or flat.guides.max() >= m):
            learner = int(flat.learners[(flat.guides < 0) | (flat.guides >= m)][0])
            raise MatchingError(f"learner {learner} ranks a guide that does not exist")
        keys = flat.learners * m + flat.guides
        unique, counts = np.unique(keys, return_counts=True)
        if len(unique) != len(keys):
            key = int(unique[counts > 1][0])
            raise MatchingError(f"learner {key // m} ranks guide {key % m} twice")
        for guide, ranked in self.guide_ranks.items():
            if not 0 <= guide < m:
                raise MatchingError(f"guide {guide} ranks learners but does not exist")
            if any(not 0 <= learner < n for learner in ranked):
                raise MatchingError(f"guide {guide} ranks a learner that does not exist")
            if len(set(ranked)) != len(ranked):
                raise MatchingError(f"guide {guide} ranks a learner twice")
        for learner, guide in self.forbidden:
            if not (0 <= learner < n and 0 <= guide < m):
                raise MatchingError(f"forbidden pair ({learner}, {guide}) is out of range")
        self._validate_pinned()

    def _validate_pinned(self) -> None:
        n, m = self.n_learners, self.n_guides
        seen = set()
        for learner, guide in self.pinned:
            if not (0 <= learner < n and 0 <= guide < m):
                raise MatchingError(f"pinned pair ({learner}, {guide}) is out of range")
            if learner in seen:
                raise MatchingError(f"learner {learner} is pinned to more than one guide")
            seen.add(learner)
            if (learner, guide) in self.forbidden_set:
                raise MatchingError(
                    f"learner {learner} is pinned to guide {guide}, but that pair is forbidden"
                )
        for guide, count in Counter(g for _, g in self.pinned).items():
            if count > self.capacities[guide]:
                raise MatchingError(
                    f"guide {guide} has {self.capacities[guide]} place(s) "
                    f"but {count} learners are pinned to them"
                )

    @cached_property
    def forbidden_set(self) -> frozenset[tuple[int, int]]:
        return frozenset((int(learner), int(guide)) for learner, guide in self.forbidden)

    @cached_property
    def forbidden_keys(self) -> np.ndarray:
        """Sorted learner * n_guides + guide of every forbidden pair."""
        pairs = np.array(sorted(self.forbidden_set), dtype=np.int64).reshape(-1, 2)
        return np.sort(pairs[:, 0] * self.n_guides + pairs[:, 1])

    @cached_property
    def pinned_guide(self) -> dict[int, int]:
        return {int(learner): int(guide) for learner, guide in self.pinned}

    @cached_property
    def free_capacities(self) -> np.ndarray:
        """Places left once pinned learners are seated."""
        caps = np.asarray(self.capacities, dtype=np.int64).copy()
        for guide in self.pinned_guide.values():
            caps[guide] -= 1
        return caps

    @cached_property
    def flat_prefs(self) -> FlatPrefs:
        return FlatPrefs.build(self.learner_prefs)


@dataclass(frozen=True)
class FlatPrefs:
    """Every learner's list, end to end: entry i is (learners[i], guides[i]), rank[i]."""

    learners: np.ndarray
    guides: np.ndarray
    rank: np.ndarray
    offsets: np.ndarray

    @classmethod
    def build(cls, prefs: Sequence[Sequence[int]]) -> FlatPrefs:
        lengths = np.fromiter((len(p) for p in prefs), dtype=np.int64, count=len(prefs))
        offsets = np.zeros(len(prefs) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        guides = np.fromiter((g for p in prefs for g in p), dtype=np.int64, count=int(offsets[-1]))
        learners = np.repeat(np.arange(len(prefs), dtype=np.int64), lengths)
        rank = np.arange(len(guides), dtype=np.int64) - offsets[learners] + 1
        return cls(learners, guides, rank, offsets)


Assignment = Sequence[int | None]


def check_assignment(problem: Problem, assignment: Assignment) -> None:
    """Raise MatchingError unless the assignment is feasible for the problem."""
    if len(assignment) != problem.n_learners:
        raise MatchingError("the assignment does not cover every learner")
    loads = Counter(g for g in assignment if g is not None)
    for guide, load in loads.items():
        if load > problem.capacities[guide]:
            raise MatchingError(f"guide {guide} holds {load}, capacity {problem.capacities[guide]}")
    for learner, paired in enumerate(assignment):
        if paired is not None and (learner, paired) in problem.forbidden_set:
            raise MatchingError(f"learner {learner} is paired with guide {paired}, forbidden")
    for learner, guide in problem.pinned_guide.items():
        if assignment[learner] != guide:
            raise MatchingError(f"learner {learner} is not with pinned guide {guide}")
