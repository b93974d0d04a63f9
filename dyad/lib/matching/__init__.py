"""Matching engine for match rounds: a pure library (no Django), plain ints in and out.

Learners are 0..n-1 and guides 0..m-1. Build a `Problem`, then run `stable_match`
(deferred acceptance) and `fill_unmatched`, or `optimal_match` (most matched, then best
score, proved optimal); explain pairs with `Compatibility.explain`, unmatched learners
with `unmatched_reasons`, and summarize with `match_stats`.
"""

from .optimal import OptimalResult, Proof, fill_unmatched, optimal_match
from .peer import balanced_pairing
from .problem import MatchingError, Problem, check_assignment
from .report import MatchStats, match_stats, unmatched_reasons
from .score import AVOID, PREFER, Compatibility, PairScore, Profile, ScoreModel, ScoreWeights
from .stable import StableResult, blocking_pairs, stable_match

__all__ = [
    "AVOID",
    "PREFER",
    "Compatibility",
    "MatchStats",
    "MatchingError",
    "OptimalResult",
    "PairScore",
    "Problem",
    "Profile",
    "Proof",
    "ScoreModel",
    "ScoreWeights",
    "StableResult",
    "balanced_pairing",
    "blocking_pairs",
    "check_assignment",
    "fill_unmatched",
    "match_stats",
    "optimal_match",
    "stable_match",
    "unmatched_reasons",
]
