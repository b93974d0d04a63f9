"""Peer-advisor pairing: every incoming intern gets one senior resident volunteer.

Objectives, in order: pair every intern who has at least one volunteer they may be paired
with; spread interns as evenly as the forbidden pairs allow (loads differ by at most one
when that is possible); then the highest total score. Solved as one min-cost flow:
volunteer v's j-th intern costs (2j - 1) * P, so the flow minimizes the sum of squared
loads, which is smallest exactly for the most even spread; P exceeds any total score
difference, so evenness always wins over score.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
from ortools.graph.python.min_cost_flow import SimpleMinCostFlow


@dataclass(frozen=True)
class PeerPairing:
    assignment: tuple[int | None, ...]  # intern -> volunteer
    loads: tuple[int, ...]  # per volunteer
    unpaired: dict[int, str]  # intern -> why

    @property
    def balanced(self) -> bool:
        return not self.loads or max(self.loads) - min(self.loads) <= 1


def pair_peer_advisors(
    n_interns: int,
    n_volunteers: int,
    *,
    forbidden: Collection[tuple[int, int]] = (),
    scores=None,
) -> PeerPairing:
    """Pair interns 0..n-1 with volunteers 0..v-1; scores[i][v] are integer points."""
    forbidden = {(int(i), int(v)) for i, v in forbidden}
    score = np.zeros((n_interns, n_volunteers), np.int64)
    if scores is not None:
        score = np.asarray(scores, dtype=np.int64).reshape(n_interns, n_volunteers)
    allowed = np.ones((n_interns, n_volunteers), dtype=bool)
    for intern, volunteer in forbidden:
        allowed[intern, volunteer] = False

    unpaired = {}
    for intern in range(n_interns):
        if not n_volunteers:
            unpaired[intern] = "no senior resident volunteers"
        elif not allowed[intern].any():
            unpaired[intern] = "conflicts with every volunteer (forbidden)"
    interns = np.array([i for i in range(n_interns) if i not in unpaired], dtype=np.int64)
    assignment: list[int | None] = [None] * n_interns
    if not len(interns):
        return PeerPairing(tuple(assignment), (0,) * n_volunteers, unpaired)

    rows, cols = np.nonzero(allowed[interns])
    values = score[interns[rows], cols]
    lowest = int(values.min())
    spread = int(values.max()) - lowest
    # Moving interns between volunteers changes the sum of squared loads by at least 1 * P,
    # and the total score by at most len(interns) * spread < P.
    step = len(interns) * spread + 1
    n, v = len(interns), n_volunteers
    sink = n + v
    degree = np.bincount(cols, minlength=v)
    slot_tails = np.repeat(np.arange(v), degree)
    slot_number = np.arange(len(slot_tails)) - np.repeat(np.cumsum(degree) - degree, degree) + 1
    tails = np.concatenate([rows, n + slot_tails])
    heads = np.concatenate([n + cols, np.full(len(slot_tails), sink)])
    costs = np.concatenate([spread - (values - lowest), (2 * slot_number - 1) * step])
    flow_solver = SimpleMinCostFlow()
    arcs = flow_solver.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), np.ones(len(tails), np.int64), costs
    )
    supplies = np.ones(sink + 1, np.int64)
    supplies[n:] = 0
    supplies[sink] = -n
    flow_solver.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32), supplies)
    status = flow_solver.solve()
    if status != flow_solver.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    used = flow_solver.flows(arcs)[: len(rows)] > 0
    for row, volunteer in zip(rows[used].tolist(), cols[used].tolist(), strict=True):
        assignment[int(interns[row])] = volunteer
    loads = np.bincount(cols[used], minlength=v)
    return PeerPairing(tuple(assignment), tuple(int(x) for x in loads), unpaired)
