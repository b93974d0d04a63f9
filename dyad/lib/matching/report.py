"""What a preview shows beside a result: why learners were left out, and the figures."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .problem import Assignment, Problem


def unmatched_reasons(problem: Problem, assignment: Assignment) -> dict[int, str]:
    """A reason in words for every learner the assignment leaves unmatched."""
    loads = Counter(g for g in assignment if g is not None)
    room = [int(c) - loads[g] for g, c in enumerate(problem.capacities)]
    forbidden = problem.forbidden_set
    with_room = {g for g, r in enumerate(room) if r > 0}
    conflicts_of: dict[int, set[int]] = {}
    for learner, banned in forbidden:
        conflicts_of.setdefault(learner, set()).add(banned)
    reasons: dict[int, str] = {}
    for learner, guide in enumerate(assignment):
        if guide is not None:
            continue
        ranked = list(problem.learner_prefs[learner])
        allowed = [g for g in ranked if (learner, g) not in forbidden]
        if not ranked:
            reason = "ranked no guide"
        elif not allowed:
            reason = "every ranked guide conflicted (forbidden)"
        elif all(problem.capacities[g] == 0 for g in allowed):
            reason = "no ranked guide takes learners this round"
        elif any(room[g] > 0 for g in allowed):
            reason = "a ranked guide still has room"  # only after a manual edit
        else:
            reason = "no ranked guide had room"
            conflicts = len(ranked) - len(allowed)
            if conflicts:
                reason += f" ({conflicts} ranked guide{'s' if conflicts > 1 else ''} conflicted)"
        open_guides = len(with_room - conflicts_of.get(learner, set()))
        if open_guides == 1:
            reason += "; 1 other guide still has room"
        elif open_guides:
            reason += f"; {open_guides} other guides still have room"
        reasons[learner] = reason
    return reasons


@dataclass(frozen=True)
class MatchStats:
    learners: int
    matched: int
    first_choice: int
    top_three: int
    places: int
    guide_loads: dict[int, int]  # load -> how many guides carry it
    guides_full: int
    guides_idle: int

    @property
    def share_matched(self) -> float:
        return self.matched / self.learners if self.learners else 0.0

    @property
    def share_first_choice(self) -> float:
        return self.first_choice / self.learners if self.learners else 0.0

    @property
    def share_top_three(self) -> float:
        return self.top_three / self.learners if self.learners else 0.0


def match_stats(problem: Problem, assignment: Assignment) -> MatchStats:
    """Shares are of all learners; choices count from each learner's own list."""
    first = top3 = 0
    for learner, guide in enumerate(assignment):
        prefs = list(problem.learner_prefs[learner])
        if guide is not None and guide in prefs:
            rank = prefs.index(guide)
            first += rank == 0
            top3 += rank < 3
    loads = Counter(g for g in assignment if g is not None)
    per_guide = [loads[g] for g in range(problem.n_guides)]
    return MatchStats(
        learners=problem.n_learners,
        matched=sum(loads.values()),
        first_choice=first,
        top_three=top3,
        places=sum(int(c) for c in problem.capacities),
        guide_loads=dict(sorted(Counter(per_guide).items())),
        guides_full=sum(1 for g, c in enumerate(problem.capacities) if c > 0 and per_guide[g] >= c),
        guides_idle=sum(1 for g, c in enumerate(problem.capacities) if c > 0 and not per_guide[g]),
    )
