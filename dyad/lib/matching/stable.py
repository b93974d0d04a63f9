"""Stable matching: learner-proposing deferred acceptance with capacities.

As in the residency match: learners propose down their lists, each guide holds the best
learners it has been offered up to its capacity and lets go of the worst when a better one
comes. The result is the learner-optimal stable matching, whatever the order of proposals.

Pinned learners are seated before the run and take no part in it; forbidden pairs are
struck from the lists; a guide orders learners by its own ranks, then by pair score, then
by learner id (lower first), so that the result is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from heapq import heappush, heapreplace

import numpy as np

from .problem import Assignment, Problem

_UNRANKED = 1 << 40


@dataclass(frozen=True)
class StableResult:
    assignment: tuple[int | None, ...]
    proposals: int

    @property
    def matched(self) -> int:
        return sum(g is not None for g in self.assignment)


def _acceptable_entries(problem: Problem) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """List entries that can become pairs: (learner, guide, rank) arrays in list order."""
    flat = problem.flat_prefs
    keep = problem.free_capacities[flat.guides] > 0
    if problem.pinned_guide:
        pinned = np.fromiter(problem.pinned_guide, dtype=np.int64)
        keep &= ~np.isin(flat.learners, pinned)
    if len(problem.forbidden_keys):
        keep &= ~np.isin(flat.learners * problem.n_guides + flat.guides, problem.forbidden_keys)
    return flat.learners[keep], flat.guides[keep], flat.rank[keep]


def _guide_rank_of(problem: Problem, learners: np.ndarray, guides: np.ndarray) -> np.ndarray:
    """The guide's own rank of each (learner, guide) entry, or _UNRANKED."""
    out = np.full(len(learners), _UNRANKED, dtype=np.int64)
    if not problem.guide_ranks or not len(learners):
        return out
    n = problem.n_learners
    key_list: list[int] = []
    rank_list: list[int] = []
    for guide, ranked in problem.guide_ranks.items():
        key_list.extend(guide * n + learner for learner in ranked)
        rank_list.extend(range(len(ranked)))
    if not key_list:
        return out
    keys, ranks = np.asarray(key_list, dtype=np.int64), np.asarray(rank_list, dtype=np.int64)
    order = np.argsort(keys)
    keys, ranks = keys[order], ranks[order]
    wanted = guides * n + learners
    at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    found = keys[at] == wanted
    out[found] = ranks[at[found]]
    return out


def stable_match(problem: Problem) -> StableResult:
    learners, guides, _ = _acceptable_entries(problem)
    score = problem.scores.pairs(learners, guides)
    guide_rank = _guide_rank_of(problem, learners, guides)
    # One integer per entry orders every guide's proposers: the guide's own rank first,
    # then the higher score, then the lower learner id. Smaller is better.
    unranked_score = np.where(guide_rank == _UNRANKED, -score, 0)
    order = np.lexsort((learners, unranked_score, guide_rank, guides))
    priority = np.empty(len(order), dtype=np.int64)
    priority[order] = np.arange(len(order))

    n = problem.n_learners
    starts = np.searchsorted(learners, np.arange(n + 1)).tolist()
    next_entry = starts[:-1]
    ends = starts[1:]
    entry_guide = guides.tolist()
    entry_priority = priority.tolist()
    owner = learners[order].tolist()  # owner[p]: the learner of the entry with priority p
    capacity = problem.free_capacities.tolist()
    held: list[list[int]] = [[] for _ in capacity]  # max-heaps of priority (negated)
    for start in range(n):
        learner = start
        i, end = next_entry[learner], ends[learner]
        while i < end:
            guide = entry_guide[i]
            p = entry_priority[i]
            i += 1
            heap = held[guide]
            if len(heap) < capacity[guide]:
                heappush(heap, -p)
                break
            if heap[0] < -p:  # the worst held learner ranks below this one
                next_entry[learner] = i
                learner = owner[-heapreplace(heap, -p)]
                i, end = next_entry[learner], ends[learner]
        next_entry[learner] = i
    proposals = sum(next_entry[learner] - starts[learner] for learner in range(n))

    assignment: list[int | None] = [None] * n
    for guide, heap in enumerate(held):
        for p in heap:
            assignment[owner[-p]] = guide
    for learner, guide in problem.pinned_guide.items():
        assignment[learner] = guide
    return StableResult(tuple(assignment), proposals)


def blocking_pairs(problem: Problem, assignment: Assignment) -> list[tuple[int, int]]:
    """Every (learner, guide) pair that would rather be together than as assigned.

    A deliberately plain re-implementation of the definition, independent of
    `stable_match`: the learner is unpaired or ranks the guide above their own; the guide
    has a free place or holds a learner it likes less. Pinned learners and pinned places
    are not up for discussion; forbidden pairs never block.
    """
    pinned = problem.pinned_guide
    flat = problem.flat_prefs
    scores = dict(
        zip(
            zip(flat.learners.tolist(), flat.guides.tolist(), strict=True),
            problem.scores.pairs(flat.learners, flat.guides).tolist(),
            strict=True,
        )
    )
    guide_rank = {
        (learner, guide): rank
        for guide, ranked in problem.guide_ranks.items()
        for rank, learner in enumerate(ranked)
    }

    def guide_key(learner: int, guide: int) -> tuple:
        if (learner, guide) in guide_rank:
            return (0, guide_rank[learner, guide], learner)
        score = scores.get((learner, guide))
        if score is None:
            score = problem.scores.pair(learner, guide)
        return (1, -score, learner)

    places = [int(c) for c in problem.capacities]
    holding: dict[int, list[int]] = {}
    for learner, guide in enumerate(assignment):
        if guide is None:
            continue
        if learner in pinned:
            places[guide] -= 1
        else:
            holding.setdefault(guide, []).append(learner)
    worst = {g: max(ls, key=partial(guide_key, guide=g)) for g, ls in holding.items()}

    found = []
    for learner, prefs in enumerate(problem.learner_prefs):
        if learner in pinned:
            continue
        for guide in prefs:
            if guide == assignment[learner]:
                break
            if (learner, guide) in problem.forbidden_set or places[guide] <= 0:
                continue
            held = holding.get(guide, [])
            if len(held) < places[guide] or guide_key(learner, guide) < guide_key(
                worst[guide], guide
            ):
                found.append((learner, guide))
    return found
