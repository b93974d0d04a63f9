"""Optimal matching: most learners matched, then the highest total score.

Every learner × guide pair that is not forbidden is acceptable (a learner's list only
raises the pair's score). The problem is a maximum-weight b-matching, solved as a
min-cost flow with OR-Tools on a pruned graph — each learner's best few guides — and then
proved optimal over *all* acceptable pairs by linear-programming duality:

1. solve the pruned graph;
2. compute node potentials (LP dual prices) from the residual graph of the optimal flow
   (Bellman-Ford, vectorized with numpy);
3. price every pair left out, in blocks of learners: a pair with negative reduced cost
   could improve the answer, so it is added to the graph (after the first full pass,
   only the pairs whose certificate the new potentials could break are priced again);
4. repeat until no pair is left with a negative reduced cost. The potentials are then
   feasible duals for the full problem, and the flow is optimal for it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
from ortools.graph.python.min_cost_flow import SimpleMinCostFlow

from .problem import Assignment, Problem

# Scores of forbidden pairs (and of guides without a free place) are replaced by this: far
# below any real value, and far enough from the int64 limits that adding weights and
# potentials (each kept below 2**51 in magnitude) cannot overflow.
_FORBIDDEN = -(1 << 62)
_LIMIT = 1 << 50


@dataclass(frozen=True)
class Proof:
    """How the optimality proof went.

    rounds: solves of the min-cost flow (1 when the first pruned graph was already optimal).
    candidate_pairs: pairs in the first pruned graph; pairs_added: pairs added by pricing.
    priced_pairs: reduced costs computed, over all pricing passes.
    passed: every acceptable pair has a non-negative reduced cost, so the matching is
        optimal over all of them, not only over the pruned graph.
    """

    rounds: int
    candidate_pairs: int
    pairs_added: int
    priced_pairs: int
    passed: bool


@dataclass(frozen=True)
class OptimalResult:
    assignment: tuple[int | None, ...]
    matched: int
    total_score: int
    proof: Proof


def _segments(indptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Entries of a row-sorted list that belong to `rows`: (position in rows, entry)."""
    starts = indptr[rows]
    counts = indptr[rows + 1] - starts
    local = np.repeat(np.arange(len(rows)), counts)
    offsets = np.cumsum(counts) - counts
    return local, np.arange(int(counts.sum())) - np.repeat(offsets, counts) + starts[local]


@dataclass
class _Residual:
    """The problem once pinned learners are seated: rows are the free learners."""

    learners: np.ndarray  # row -> learner id
    capacities: np.ndarray  # per guide, places left (0 for a full guide)
    closed: np.ndarray  # guides without a place left
    forbidden_indptr: np.ndarray  # forbidden pairs by row, CSR-like
    forbidden_cols: np.ndarray

    @classmethod
    def of(cls, problem: Problem) -> _Residual:
        caps = problem.free_capacities
        pinned = problem.pinned_guide
        learners = np.array([x for x in range(problem.n_learners) if x not in pinned], np.int64)
        row_of = np.full(problem.n_learners, -1, dtype=np.int64)
        row_of[learners] = np.arange(len(learners))
        keys = problem.forbidden_keys
        rows, cols = row_of[keys // problem.n_guides], keys % problem.n_guides
        keep = rows >= 0
        rows, cols = rows[keep], cols[keep]
        order = np.argsort(rows, kind="stable")
        indptr = np.searchsorted(rows[order], np.arange(len(learners) + 1))
        return cls(learners, caps, np.flatnonzero(caps <= 0), indptr, cols[order])

    def block(self, problem: Problem, rows: np.ndarray, cols=None, scores=None) -> np.ndarray:
        """Scores of rows × cols (default every guide); unusable pairs set to _FORBIDDEN."""
        if scores is None:
            scores = problem.scores.block(self.learners[rows], cols)
        local, entry = _segments(self.forbidden_indptr, rows)
        where = self.forbidden_cols[entry]
        if cols is None:
            scores[local, where] = _FORBIDDEN
            scores[:, self.closed] = _FORBIDDEN
        else:
            position = _positions(cols, len(self.capacities))
            inside = position[where] >= 0
            scores[local[inside], position[where[inside]]] = _FORBIDDEN
            scores[:, self.capacities[cols] <= 0] = _FORBIDDEN
        return scores


def _positions(cols: np.ndarray, n: int) -> np.ndarray:
    position = np.full(n, -1, dtype=np.int64)
    position[cols] = np.arange(len(cols))
    return position


def _row_chunks(rows: np.ndarray, n_cols: int, budget: int = 1 << 22):
    """Slices of `rows` whose blocks hold about `budget` entries (32 MB of int64)."""
    step = max(1, budget // max(1, n_cols))
    for lo in range(0, len(rows), step):
        yield rows[lo : lo + step]


def _scan(problem, residual, candidates, per_place, prune):
    """One pass over every pair: the score range, and the candidate pairs.

    Candidates are each learner's `candidates` best guides, then more for guides that
    few learners have among their best (see _guide_side).
    """
    lowest, highest = None, None
    rows, cols = [], []
    n_rows, n_cols = len(residual.learners), len(residual.capacities)
    for chunk in _row_chunks(np.arange(n_rows), n_cols):
        lo, size = int(chunk[0]), len(chunk)
        block = problem.scores.block(residual.learners[chunk])
        # The range includes unusable pairs' scores: a wider range is still a bound.
        low, high = int(block.min()), int(block.max())
        block = residual.block(problem, chunk, scores=block)
        lowest = low if lowest is None else min(lowest, low)
        highest = high if highest is None else max(highest, high)
        if not prune or candidates >= n_cols:
            local, best = np.nonzero(block > _FORBIDDEN)
            rows.append(local + lo)
            cols.append(best)
            continue
        best = np.argpartition(block, n_cols - candidates, axis=1)[:, -candidates:].ravel()
        local = np.repeat(np.arange(size), candidates)
        keep = block[local, best] > _FORBIDDEN
        rows.append(local[keep] + lo)
        cols.append(best[keep])
    if prune and per_place and rows:
        more_rows, more_cols = _guide_side(
            problem, residual, np.concatenate(rows), np.concatenate(cols), per_place
        )
        rows += more_rows
        cols += more_cols
    return lowest, highest, rows, cols


def _guide_side(problem, residual, rows, cols, per_place):
    """More learners for guides with few candidates: each guide's best learners.

    Learners' own best guides crowd onto the popular ones; a guide that few learners
    have among their best gets its `per_place` best learners per free place.
    """
    n_rows, n_cols = len(residual.learners), len(residual.capacities)
    want = residual.capacities.clip(0) * per_place
    have = np.bincount(cols, minlength=n_cols)
    weak = np.flatnonzero(have < want)
    found_rows: list[np.ndarray] = []
    found_cols: list[np.ndarray] = []
    everyone = np.arange(n_rows)
    take = min(int(want.max(initial=0)), n_rows)
    if not take:
        return found_rows, found_cols
    step = max(1, (1 << 22) // n_rows)
    for lo in range(0, len(weak), step):
        part = weak[lo : lo + step]
        block = residual.block(problem, everyone, part).T  # guides × learners
        best = np.argpartition(block, n_rows - take, axis=1)[:, -take:]
        order = np.argsort(-np.take_along_axis(block, best, axis=1), axis=1, kind="stable")
        best = np.take_along_axis(best, order, axis=1)
        enough = np.arange(take)[None, :] < want[part][:, None]
        usable = np.take_along_axis(block, best, axis=1) > _FORBIDDEN
        keep = enough & usable
        found_rows.append(best[keep])
        found_cols.append(np.repeat(part[:, None], take, axis=1)[keep])
    return found_rows, found_cols


def _listed_pairs(problem, residual):
    """Pairs on learners' lists (their top choices belong in any pruned graph)."""
    flat = problem.flat_prefs
    row_of = np.full(problem.n_learners, -1, dtype=np.int64)
    row_of[residual.learners] = np.arange(len(residual.learners))
    rows = row_of[flat.learners]
    keep = (rows >= 0) & (residual.capacities[flat.guides] > 0)
    if len(problem.forbidden_keys):
        keep &= ~np.isin(flat.learners * problem.n_guides + flat.guides, problem.forbidden_keys)
    return rows[keep], flat.guides[keep]


def _solve_flow(n_rows, rows, cols, weights, capacities):
    """Max-weight b-matching as a min-cost flow; returns (matched mask, potentials).

    Nodes: rows 0..r-1, guides r..r+c-1, source, sink. A bypass arc source → sink lets a
    learner stay unmatched at cost 0, so the flow maximizes weight, not just count.
    """
    r, c = n_rows, len(capacities)
    source, sink = r + c, r + c + 1
    n_pairs = len(rows)
    tails = np.concatenate([np.full(r, source), rows, r + np.arange(c), [source]])
    heads = np.concatenate([np.arange(r), r + cols, np.full(c, sink), [sink]])
    caps = np.concatenate([np.ones(r + n_pairs, np.int64), np.maximum(capacities, 0), [r]])
    costs = np.concatenate([np.zeros(r, np.int64), -weights, np.zeros(c + 1, np.int64)])
    flow_solver = SimpleMinCostFlow()
    arcs = flow_solver.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), caps, costs
    )
    supplies = np.zeros(sink + 1, np.int64)
    supplies[source], supplies[sink] = r, -r
    flow_solver.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32), supplies)
    status = flow_solver.solve()
    if status != flow_solver.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    flow = flow_solver.flows(arcs)

    # Residual graph: an arc with room left can be pushed forward, an arc carrying flow can
    # be pushed back. The flow is optimal ⇔ the residual graph has no negative cycle, and
    # then potentials π = -(shortest distance to the source) give every residual arc a
    # reduced cost c + π(tail) - π(head) ≥ 0. Distances *to* the source yield the lowest
    # prices for guides, which leaves the fewest pairs outside the graph to add.
    forward, backward = flow < caps, flow > 0
    start = np.full(sink + 1, _LIMIT, dtype=np.int64)
    start[source] = 0
    to_source = shortest_distances(
        start,
        np.concatenate([heads[forward], tails[backward]]),  # arcs reversed
        np.concatenate([tails[forward], heads[backward]]),
        np.concatenate([costs[forward], -costs[backward]]),
    )
    potential = -to_source
    matched = flow[r : r + n_pairs] > 0
    return matched, potential[:r], potential[r : r + c]


def shortest_distances(start, tails, heads, costs):
    """Bellman-Ford in numpy, from a virtual root with an arc of cost start[v] to each v.

    Each sweep relaxes every arc at once (Jacobi order), grouped by head with
    np.minimum.reduceat, and it stops when a sweep changes nothing. Whatever `start` is,
    the result d satisfies d[head] <= d[tail] + cost on every arc, which is all that
    feasible potentials need. Distances are int64, exact. A negative cycle would keep
    lowering labels: after len(start) sweeps that is an error, which an optimal flow
    never shows.
    """
    distance = np.array(start, dtype=np.int64)
    if not len(heads):
        return distance
    order = np.argsort(heads, kind="stable")
    tails, heads, costs = tails[order], heads[order], costs[order]
    starts = np.flatnonzero(np.r_[True, heads[1:] != heads[:-1]])
    targets = heads[starts]
    for _ in range(len(distance) + 1):
        best = np.minimum.reduceat(distance[tails] + costs, starts)
        lower = best < distance[targets]
        if not lower.any():
            return distance
        distance[targets[lower]] = best[lower]
    raise RuntimeError("negative cycle in the residual graph: the flow is not optimal")


@dataclass
class _Pricing:
    """Reduced costs of pairs outside the graph, pass after pass.

    Arc row → guide has cost -w; its reduced cost is -w + π(row) - π(guide), negative
    when the pair could improve the matching. A pass adds, per learner, the
    `per_learner` pairs of most negative reduced cost (with `margin` points of slack,
    so that nearly-violating pairs come in too and fewer rounds are needed).

    After a pass, every pair outside the graph satisfies w <= π(row) - π(guide) for the
    potentials of that pass, except in rows where violators were left out ("open" rows).
    At the next round a pair stays certified if π'(row) - π(row) >= π'(guide) - π(guide):
    only the other pairs, and the open rows, need their reduced cost computed again.
    """

    problem: Problem
    residual: _Residual
    base: int
    per_learner: int
    margin: int
    row_pot: np.ndarray | None = None
    col_pot: np.ndarray | None = None
    open_rows: np.ndarray | None = None
    priced: int = 0

    def price(self, graph_indptr, graph_cols, row_pot, col_pot):
        n_rows, n_cols = len(self.residual.learners), len(self.residual.capacities)
        everyone = np.arange(n_rows)
        # (learners, the guides to check for them: None for every guide)
        passes: list[tuple[np.ndarray, np.ndarray | None]]
        if self.row_pot is None:
            passes = [(everyone, None)]
        else:
            rise = row_pot - self.row_pot
            rise[self.open_rows] = -(1 << 61)
            col_rise = col_pot - self.col_pot
            # A pair must be checked again when its guide's potential rose more than its
            # learner's: count those guides per learner.
            counts = n_cols - np.searchsorted(np.sort(col_rise), rise, side="right")
            wide = counts > n_cols // 4
            narrow = np.flatnonzero((counts > 0) & ~wide)
            passes = [(np.flatnonzero(wide), None)]
            if len(narrow):
                passes.append((narrow, np.flatnonzero(col_rise > rise[narrow].min())))
        empty = np.empty(0, np.int64)
        new_rows, new_cols, open_rows = [empty], [empty], [empty]
        for rows, cols in passes:
            for chunk in _row_chunks(rows, n_cols if cols is None else len(cols)):
                found = self._price_block(chunk, cols, graph_indptr, graph_cols, row_pot, col_pot)
                new_rows.append(found[0])
                new_cols.append(found[1])
                open_rows.append(found[2])
        self.row_pot, self.col_pot = row_pot, col_pot
        self.open_rows = np.concatenate(open_rows)
        return np.concatenate(new_rows), np.concatenate(new_cols)

    def _price_block(self, rows, cols, graph_indptr, graph_cols, row_pot, col_pot):
        block = self.residual.block(self.problem, rows, cols)
        self.priced += block.size
        unusable = block == _FORBIDDEN
        # violation = w - π(row) + π(guide) = score + base - π(row) + π(guide) > 0
        block += (col_pot if cols is None else col_pot[cols])[None, :]
        block += (self.base - row_pot[rows])[:, None]
        local, entry = _segments(graph_indptr, rows)
        where = graph_cols[entry]
        if cols is not None:
            where = _positions(cols, len(self.residual.capacities))[where]
            local, where = local[where >= 0], where[where >= 0]
        unusable[local, where] = True
        block[unusable] = _FORBIDDEN
        bad = np.flatnonzero((block > 0).any(axis=1))
        if not len(bad):
            return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int64)
        sub = block[bad]
        take = min(self.per_learner, sub.shape[1])
        best = np.argpartition(sub, sub.shape[1] - take, axis=1)[:, -take:]
        local = np.repeat(np.arange(len(bad)), take)
        best = best.ravel()
        keep = sub[local, best] > -self.margin
        violators = np.count_nonzero(sub > 0, axis=1)
        open_rows = rows[bad[violators > take]]
        found_cols = best[keep] if cols is None else cols[best[keep]]
        return rows[bad[local[keep]]], found_cols, open_rows


def _merge(rows, cols, scores, new_rows, new_cols, new_scores, n_cols):
    """Union of two pair lists, sorted by (row, col), without duplicates."""
    keys = np.concatenate([rows * n_cols + cols, new_rows * n_cols + new_cols])
    scores = np.concatenate([scores, new_scores])
    order = np.argsort(keys, kind="stable")
    keys, scores = keys[order], scores[order]
    first = np.r_[True, keys[1:] != keys[:-1]] if len(keys) else np.ones(0, bool)
    keys, scores = keys[first], scores[first]
    return keys // n_cols, keys % n_cols, scores


def optimal_match(
    problem: Problem,
    *,
    candidates: int = 20,
    per_place: int = 6,
    prune: bool = True,
    add_per_learner: int = 10,
    margin: int = 10,
    slack: int | None = 10,
    max_rounds: int = 100,
) -> OptimalResult:
    """Match as many learners as possible, then maximize the total score.

    The first graph holds each learner's list, their `candidates` best guides by score,
    and `per_place` learners per place for guides few learners have among their best.
    Each pricing pass adds up to `add_per_learner` pairs per learner (violators first,
    then pairs within `margin` points of violating); arcs whose reduced cost exceeds
    `slack` leave the graph between rounds (None keeps them). With prune=False every
    acceptable pair goes into one solve (small problems, tests).
    """
    assignment: list[int | None] = [None] * problem.n_learners
    for learner, guide in problem.pinned_guide.items():
        assignment[learner] = guide
    residual = _Residual.of(problem)
    n_rows, n_cols = len(residual.learners), len(residual.capacities)
    if not n_rows or not (residual.capacities > 0).any():
        return _result(problem, assignment, Proof(0, 0, 0, 0, True))

    lowest, highest, rows, cols = _scan(problem, residual, candidates, per_place, prune)
    if prune:
        listed = _listed_pairs(problem, residual)
        rows.append(listed[0])
        cols.append(listed[1])
    empty = np.empty(0, np.int64)
    rows, cols = np.concatenate(rows), np.concatenate(cols)
    rows, cols, _ = _merge(rows, cols, np.zeros(len(rows), np.int64), empty, empty, empty, n_cols)
    scores = problem.scores.pairs(residual.learners[rows], cols)
    first_graph = len(rows)

    # Lexicographic objective in one weight: w = BIG + (score - lowest), with
    # 0 <= score - lowest <= D = highest - lowest. A matching of k pairs weighs between
    # k*BIG and k*(BIG + D). With K = the most pairs any matching can have, a matching
    # of k pairs outweighs every matching of k - 1 pairs as soon as
    # BIG > (k - 1) * D, so BIG = K * D + 1 makes "more pairs" always win, and among
    # matchings of equal size the weight differs exactly by the total score.
    spread = highest - lowest
    most_pairs = min(n_rows, int(residual.capacities.clip(0).sum()))
    big = most_pairs * spread + 1
    base = big - lowest
    if (most_pairs + 1) * (big + spread) >= _LIMIT:
        raise OverflowError("scores too large for exact integer weights")

    slack = _LIMIT if slack is None else slack
    pricing = _Pricing(problem, residual, base, add_per_learner, margin)
    rounds, added = 0, 0
    while True:
        rounds += 1
        matched, row_pot, col_pot = _solve_flow(
            n_rows, rows, cols, scores + base, residual.capacities
        )
        if not prune:
            passed = True
            break
        graph_indptr = np.searchsorted(rows, np.arange(n_rows + 1))
        new_rows, new_cols = pricing.price(graph_indptr, cols, row_pot, col_pot)
        if not len(new_rows):
            passed = True
            break
        if rounds >= max_rounds:
            passed = False
            break
        new_scores = problem.scores.pairs(residual.learners[new_rows], new_cols)
        # Arcs far from tight (reduced cost > slack) are dropped: they stay certified by
        # the potentials just computed, and the pricing checks them again if these move.
        reduced = -(scores + base) + row_pot[rows] - col_pot[cols]
        tight = matched | (reduced <= slack)
        rows, cols, scores = rows[tight], cols[tight], scores[tight]
        before = len(rows)
        rows, cols, scores = _merge(rows, cols, scores, new_rows, new_cols, new_scores, n_cols)
        added += len(rows) - before

    for row, guide in zip(rows[matched].tolist(), cols[matched].tolist(), strict=True):
        assignment[int(residual.learners[row])] = int(guide)
    proof = Proof(rounds, first_graph, added, pricing.priced, passed)
    return _result(problem, assignment, proof)


def _result(problem: Problem, assignment: list[int | None], proof: Proof) -> OptimalResult:
    pairs = [(learner, g) for learner, g in enumerate(assignment) if g is not None]
    total = int(problem.scores.pairs(*zip(*pairs, strict=True)).sum()) if pairs else 0
    return OptimalResult(tuple(assignment), len(pairs), total, proof)


def fill_unmatched(
    problem: Problem, assignment: Assignment, *, later: Collection[int] = (), **options
) -> OptimalResult:
    """The post-match step: offer unmatched learners the guides with room left.

    Keeps every pair of `assignment` (as pins) and solves the rest optimally over every
    acceptable pair — most learners placed, then the best total score. Learners in `later`
    (e.g. those who already have a guide of the kind elsewhere) are placed only in the
    places the others cannot use: a first solve leaves them out, a second seats them.
    """
    kept = {learner: g for learner, g in enumerate(assignment) if g is not None}
    kept.update(problem.pinned_guide)
    waiting = [learner for learner in later if learner not in kept]
    if waiting:
        held_back = {(learner, g) for learner in waiting for g in range(problem.n_guides)}
        first = _keeping(problem, kept, forbidden=problem.forbidden_set | held_back)
        placed = optimal_match(first, **options).assignment
        kept = {learner: g for learner, g in enumerate(placed) if g is not None}
    return optimal_match(_keeping(problem, kept), **options)


def _keeping(problem: Problem, kept: dict[int, int], forbidden=None) -> Problem:
    """The problem with the `kept` pairs pinned (and other forbidden pairs, if given)."""
    return Problem(
        learner_prefs=problem.learner_prefs,
        capacities=problem.capacities,
        scores=problem.scores,
        guide_ranks=problem.guide_ranks,
        forbidden=problem.forbidden if forbidden is None else forbidden,
        pinned=tuple(sorted(kept.items())),
    )
