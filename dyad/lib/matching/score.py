"""How well a learner and a guide fit, in integer points, with the reasons in words.

Two paths compute the same number:

* `Compatibility.explain(learner, guide)` — one pair, in plain Python, with its reasons, for
  the preview page;
* `Compatibility.model()` — a `ScoreModel` that computes whole blocks of the
  learner × guide matrix with numpy, for the solvers.

Points are integers on purpose: the optimal solver needs exact arithmetic to prove that its
answer is optimal, and "ranked 2nd (+95)" reads better than a float.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

PREFER = "prefer"
AVOID = "avoid"


@dataclass(frozen=True)
class Profile:
    """What a person brings: for a learner what they seek, for a guide what they offer."""

    content_areas: frozenset[str] = frozenset()
    career_goals: frozenset[str] = frozenset()
    interests: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()

    def __post_init__(self):
        for name in ("content_areas", "career_goals", "interests", "languages"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))


@dataclass(frozen=True)
class ScoreWeights:
    """Points per reason; a round sets its own. Overlaps count once per shared item.

    Languages that everyone speaks (English, usually) are best left out of the profiles:
    they would add the same points, and the same reason, to every pair.
    """

    first_choice: int = 100
    rank_step: int = 5
    ranked_floor: int = 25
    guide_first: int = 30
    guide_rank_step: int = 2
    guide_prefer: int = 40
    guide_avoid: int = -60
    content_area: int = 12
    career_goal: int = 8
    interest: int = 4
    language: int = 6

    def rank_points(self, rank: int) -> int:
        """Points for a guide the learner ranked `rank`-th (1 is best)."""
        return max(self.ranked_floor, self.first_choice - self.rank_step * (rank - 1))

    def guide_rank_points(self, rank: int) -> int:
        return max(0, self.guide_first - self.guide_rank_step * (rank - 1))


@dataclass(frozen=True)
class PairScore:
    points: int
    reasons: tuple[str, ...]

    @property
    def text(self) -> str:
        return "; ".join(self.reasons)


def ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _and_list(words: Iterable[str]) -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


_OVERLAPS = (
    ("content_areas", "content_area"),
    ("career_goals", "career_goal"),
    ("interests", "interest"),
)


@dataclass
class Compatibility:
    """Everything a round knows about fit; scores any pair, alone or all at once."""

    learner_prefs: Sequence[Sequence[int]]
    learner_profiles: Sequence[Profile]
    guide_profiles: Sequence[Profile]
    guide_ranks: Mapping[int, Sequence[int]] = field(default_factory=dict)
    guide_marks: Mapping[tuple[int, int], str] = field(default_factory=dict)
    weights: ScoreWeights = field(default_factory=ScoreWeights)

    def __post_init__(self):
        if len(self.learner_profiles) != len(self.learner_prefs):
            raise ValueError("one learner profile is needed per learner preference list")
        for pair, mark in self.guide_marks.items():
            if mark not in (PREFER, AVOID):
                raise ValueError(f"guide mark {mark!r} on {pair} is neither prefer nor avoid")

    def explain(self, learner: int, guide: int) -> PairScore:
        w = self.weights
        points = 0
        reasons = []
        prefs = list(self.learner_prefs[learner])
        if guide in prefs:
            rank = prefs.index(guide) + 1
            points += w.rank_points(rank)
            reasons.append(f"ranked {ordinal(rank)}")
        else:
            reasons.append("not on their list")
        ranks = list(self.guide_ranks.get(guide, ()))
        if learner in ranks:
            rank = ranks.index(learner) + 1
            points += w.guide_rank_points(rank)
            reasons.append(f"guide ranked them {ordinal(rank)}")
        mark = self.guide_marks.get((learner, guide))
        if mark == PREFER:
            points += w.guide_prefer
            reasons.append("guide prefers them")
        elif mark == AVOID:
            points += w.guide_avoid
            reasons.append("guide would rather not")
        seeks, offers = self.learner_profiles[learner], self.guide_profiles[guide]
        shared = []
        for attribute, weight_name in _OVERLAPS:
            common = sorted(getattr(seeks, attribute) & getattr(offers, attribute))
            points += getattr(w, weight_name) * len(common)
            shared += common
        if shared:
            reasons.append("shared: " + ", ".join(shared))
        languages = sorted(seeks.languages & offers.languages)
        if languages:
            points += w.language * len(languages)
            reasons.append("speaks " + _and_list(languages))
        return PairScore(points, tuple(reasons))

    def model(self) -> ScoreModel:
        n, m = len(self.learner_prefs), len(self.guide_profiles)
        w = self.weights
        rows, cols, vals = [], [], []
        for learner, prefs in enumerate(self.learner_prefs):
            for rank, guide in enumerate(prefs, start=1):
                rows.append(learner)
                cols.append(guide)
                vals.append(w.rank_points(rank))
        for guide, ranked in self.guide_ranks.items():
            for rank, learner in enumerate(ranked, start=1):
                rows.append(learner)
                cols.append(guide)
                vals.append(w.guide_rank_points(rank))
        for (learner, guide), mark in self.guide_marks.items():
            rows.append(learner)
            cols.append(guide)
            vals.append(w.guide_prefer if mark == PREFER else w.guide_avoid)
        # COO → CSR adds up the entries of one pair: rank, guide rank and mark points.
        sparse = sp.coo_array(
            (np.asarray(vals, dtype=np.int64), (np.asarray(rows), np.asarray(cols))),
            shape=(n, m),
        ).tocsr()
        learner_features, guide_features = self._features()
        return ScoreModel(n, m, sparse=sparse, learners=learner_features, guides=guide_features)

    def _features(self) -> tuple[np.ndarray, np.ndarray]:
        """One column per (attribute, value); learners' columns carry the weight."""
        columns: dict[tuple[str, str], int] = {}
        attributes = [a for a, _ in _OVERLAPS] + ["languages"]
        weights = [getattr(self.weights, name) for _, name in _OVERLAPS] + [self.weights.language]
        for profile in self.guide_profiles:
            for attribute in attributes:
                for value in getattr(profile, attribute):
                    columns.setdefault((attribute, value), len(columns))
        learners = np.zeros((len(self.learner_profiles), len(columns)), dtype=np.float32)
        guides = np.zeros((len(self.guide_profiles), len(columns)), dtype=np.float32)
        for i, profile in enumerate(self.guide_profiles):
            for attribute in attributes:
                for value in getattr(profile, attribute):
                    guides[i, columns[attribute, value]] = 1
        for i, profile in enumerate(self.learner_profiles):
            for attribute, weight in zip(attributes, weights, strict=True):
                for value in getattr(profile, attribute):
                    column = columns.get((attribute, value))
                    if column is not None:  # no guide offers it: it never scores
                        learners[i, column] = weight
        return learners, guides


class ScoreModel:
    """Integer scores of every learner × guide pair, computed on demand.

    score = dense[l, g] + sparse[l, g] + learners[l] · guides[g], each part optional. The
    product is a float32 matrix product of small integers, exact below 2**24.
    """

    def __init__(
        self, n_learners, n_guides, *, dense=None, sparse=None, learners=None, guides=None
    ):
        self.shape = (n_learners, n_guides)
        self.dense = None if dense is None else np.asarray(dense, dtype=np.int64)
        if self.dense is not None and self.dense.shape != self.shape:
            raise ValueError(f"score matrix is {self.dense.shape}, expected {self.shape}")
        self.sparse = None if sparse is None else sp.csr_array(sparse, dtype=np.int64)
        self.learners = learners
        self.guides = guides

    @classmethod
    def from_matrix(cls, matrix) -> ScoreModel:
        matrix = np.asarray(matrix, dtype=np.int64)
        return cls(*matrix.shape, dense=matrix)

    @classmethod
    def zeros(cls, n_learners: int, n_guides: int) -> ScoreModel:
        return cls(n_learners, n_guides)

    def block(self, rows, cols=None) -> np.ndarray:
        """Scores of the given learners (rows) against the given guides (default: all)."""
        rows = np.asarray(rows, dtype=np.int64)
        n_cols = self.shape[1] if cols is None else len(cols)
        if self.dense is not None:
            out = self.dense[rows] if cols is None else self.dense[np.ix_(rows, cols)]
            out = out.copy()
        elif self.learners is not None and self.learners.shape[1]:
            guides = self.guides if cols is None else self.guides[cols]
            # Sums of small integers: exact in float32, so the cast loses nothing.
            out = (self.learners[rows] @ guides.T).astype(np.int64)
        else:
            out = np.zeros((len(rows), n_cols), dtype=np.int64)
        if self.sparse is not None:
            part = self.sparse[rows] if cols is None else self.sparse[rows][:, cols]
            part = sp.csr_array(part)
            counts = np.diff(part.indptr)
            out[np.repeat(np.arange(len(rows)), counts), part.indices] += part.data
        return out

    def pairs(self, learners, guides) -> np.ndarray:
        """Scores of the pairs (learners[i], guides[i]), as int64."""
        learners = np.asarray(learners, dtype=np.int64)
        guides = np.asarray(guides, dtype=np.int64)
        out = np.zeros(len(learners), dtype=np.int64)
        if not len(learners):
            return out
        if self.dense is not None:
            out += self.dense[learners, guides]
        if self.learners is not None and self.learners.shape[1]:
            step = 1 << 16
            for lo in range(0, len(learners), step):
                a = self.learners[learners[lo : lo + step]]
                b = self.guides[guides[lo : lo + step]]
                out[lo : lo + step] += np.rint(np.einsum("ij,ij->i", a, b)).astype(np.int64)
        if self.sparse is not None:
            out += np.asarray(self.sparse[learners, guides]).ravel().astype(np.int64)
        return out

    def pair(self, learner: int, guide: int) -> int:
        return int(self.pairs([learner], [guide])[0])
