"""A match round as the engine sees it: plain data in, plain outcome out; no Django.

The service reads a round from the database into a `RoundInput` keyed by user ids. This
module turns it into the engine's `Problem` (dyad.lib.matching), runs the chosen solver
and the fill step, and explains the answer in words: a score and reasons for every pair, a
reason for every learner left unmatched, and the statistics of the run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace

from dyad.lib.matching.optimal import fill_unmatched, optimal_match
from dyad.lib.matching.problem import Problem, check_assignment
from dyad.lib.matching.score import AVOID, PREFER, Compatibility, Profile, ScoreWeights
from dyad.lib.matching.stable import stable_match

STABLE = "stable"
OPTIMAL = "optimal"

# Why a learner is left without a guide; the words are shown as they are.
RANKED_NONE = "ranked_none"
ALL_CONFLICT = "all_conflict"
NO_ROOM = "no_room"

PINNED_REASON = "pinned by program leadership"
FILL_REASON = "placed by the fill step (guide had room)"


class RoundInputError(ValueError):
    """The round cannot run as it stands; the message names the people and says why."""


def default_weights() -> dict[str, int]:
    return {f.name: f.default for f in fields(ScoreWeights)}


def weights_from(data: Mapping[str, int] | None) -> ScoreWeights:
    """The round's weights; unknown names are ignored, missing ones take the default."""
    known = {f.name for f in fields(ScoreWeights)}
    return ScoreWeights(**{k: int(v) for k, v in (data or {}).items() if k in known})


# --- Profiles --------------------------------------------------------------------------


def without_common(
    learners: Mapping[int, Profile], guides: Mapping[int, Profile], *, at_least: int = 4
) -> tuple[dict[int, Profile], dict[int, Profile]]:
    """Drop the words and languages that more than half of the round's people share.

    In a pediatrics program everyone writes "pediatrics" and speaks English: counted, they
    would add the same points and the same reason to almost every pair. Rounds of fewer
    than `at_least` people keep everything.
    """
    profiles = list(learners.values()) + list(guides.values())
    if len(profiles) < at_least:
        return dict(learners), dict(guides)
    common = {}
    for attribute in ("career_goals", "interests", "languages"):
        counts = Counter(value for p in profiles for value in getattr(p, attribute))
        common[attribute] = {v for v, n in counts.items() if n * 2 > len(profiles)}

    def trim(profile: Profile) -> Profile:
        return replace(
            profile,
            **{a: getattr(profile, a) - values for a, values in common.items() if values},
        )

    return (
        {key: trim(p) for key, p in learners.items()},
        {key: trim(p) for key, p in guides.items()},
    )


def fit_reasons(
    learner: Profile, guides: Sequence[Profile], weights: ScoreWeights
) -> list[tuple[int, tuple[str, ...]]]:
    """What the profiles alone say of each guide for one learner: (points, reasons).

    For the learner's own ranking page: no list, no guide's marks (nobody sees those of
    others), only what the two profiles share.
    """
    compatibility = Compatibility(
        learner_prefs=[[]],
        learner_profiles=[learner],
        guide_profiles=list(guides),
        weights=weights,
    )
    out = []
    for guide in range(len(guides)):
        score = compatibility.explain(0, guide)
        out.append((score.points, score.reasons[1:]))  # [0] is "not on their list"
    return out


# --- The round -------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundInput:
    """Everything a run needs, by user id.

    prefs: each learner's guides, best first. capacities: places left per guide (offer
    capacity minus open relationships of the kind). forbidden: (learner, guide) → why, in
    words. pinned: learner → guide. marks: (learner, guide) → "prefer" / "avoid".
    guide_ranks: guide → learners, best first. names: user id → a name for messages.
    guided: learners who already have a guide of the round's kind → those guides' names;
    the fill step seats them only in places nobody else can take.
    """

    learners: Sequence[int]
    guides: Sequence[int]
    prefs: Mapping[int, Sequence[int]]
    capacities: Mapping[int, int]
    learner_profiles: Mapping[int, Profile] = field(default_factory=dict)
    guide_profiles: Mapping[int, Profile] = field(default_factory=dict)
    forbidden: Mapping[tuple[int, int], str] = field(default_factory=dict)
    pinned: Mapping[int, int] = field(default_factory=dict)
    marks: Mapping[tuple[int, int], str] = field(default_factory=dict)
    guide_ranks: Mapping[int, Sequence[int]] = field(default_factory=dict)
    weights: ScoreWeights = field(default_factory=ScoreWeights)
    names: Mapping[int, str] = field(default_factory=dict)
    guided: Mapping[int, Sequence[str]] = field(default_factory=dict)

    def name(self, user_id: int) -> str:
        return self.names.get(user_id, f"#{user_id}")


@dataclass(frozen=True)
class PairOutcome:
    learner: int
    guide: int
    score: int
    reasons: tuple[str, ...]
    rank: int | None
    via: str  # "solver", "pinned" or "fill"


@dataclass(frozen=True)
class UnmatchedOutcome:
    learner: int
    reason: str  # RANKED_NONE, ALL_CONFLICT or NO_ROOM
    detail: str


@dataclass(frozen=True)
class Outcome:
    pairs: list[PairOutcome]
    unmatched: list[UnmatchedOutcome]
    stats: dict


def check_pins(data: RoundInput) -> None:
    """Refuse pins the engine could not honour, naming the people."""
    in_round, in_pool = set(data.learners), set(data.guides)
    per_guide: Counter[int] = Counter()
    for learner, guide in data.pinned.items():
        who = f"{data.name(learner)} is pinned to {data.name(guide)}"
        if learner not in in_round or guide not in in_pool:
            raise RoundInputError(f"{who}, but one of them is no longer in the round.")
        why = data.forbidden.get((learner, guide))
        if why:
            raise RoundInputError(f"{who}, but that pair is forbidden: {why}. Remove the pin.")
        per_guide[guide] += 1
    for guide, count in per_guide.items():
        places = data.capacities.get(guide, 0)
        if count > places:
            raise RoundInputError(
                f"{data.name(guide)} has {places} place{'s' if places != 1 else ''} left but "
                f"{count} learners are pinned to them. Remove a pin."
            )


def solve(data: RoundInput, *, solver: str, fill: bool = False) -> Outcome:
    """Run the round. `fill` applies the post-match fill step after a stable run."""
    if solver not in (STABLE, OPTIMAL):
        raise ValueError(f"unknown solver {solver!r}")
    check_pins(data)
    learner_at = {user: i for i, user in enumerate(data.learners)}
    guide_at = {user: j for j, user in enumerate(data.guides)}
    prefs = [
        [guide_at[g] for g in data.prefs.get(user, ()) if g in guide_at] for user in data.learners
    ]
    compatibility = Compatibility(
        learner_prefs=prefs,
        learner_profiles=[data.learner_profiles.get(u, Profile()) for u in data.learners],
        guide_profiles=[data.guide_profiles.get(u, Profile()) for u in data.guides],
        guide_ranks={
            guide_at[g]: [learner_at[u] for u in ranked if u in learner_at]
            for g, ranked in data.guide_ranks.items()
            if g in guide_at
        },
        guide_marks={
            (learner_at[u], guide_at[g]): mark
            for (u, g), mark in data.marks.items()
            if u in learner_at and g in guide_at and mark in (PREFER, AVOID)
        },
        weights=data.weights,
    )
    forbidden = {
        (learner_at[u], guide_at[g])
        for (u, g) in data.forbidden
        if u in learner_at and g in guide_at
    }
    pinned = sorted((learner_at[u], guide_at[g]) for u, g in data.pinned.items())
    problem = Problem(
        learner_prefs=prefs,
        capacities=[max(0, int(data.capacities.get(g, 0))) for g in data.guides],
        scores=compatibility.model(),
        guide_ranks=compatibility.guide_ranks,
        forbidden=frozenset(forbidden),
        pinned=pinned,
    )
    guided = [learner_at[u] for u in data.guided if u in learner_at]
    if solver == STABLE:
        assignment = list(stable_match(problem).assignment)
    elif guided:
        # Most learners without a guide of the kind first; those with one take what is left.
        assignment = _fill(problem, [None] * len(data.learners), guided)
    else:
        assignment = _checked(problem, optimal_match)
    filled: set[int] = set()
    if fill and solver == STABLE:
        after = _fill(problem, assignment, guided)
        filled = {i for i, g in enumerate(after) if g is not None and assignment[i] is None}
        assignment = after

    pairs, unmatched = [], []
    pinned_learners = {i for i, _ in pinned}
    room = _room_left(data, assignment) if fill and solver == STABLE else None
    for i, j in enumerate(assignment):
        user = data.learners[i]
        if j is None:
            unmatched.append(_why_unmatched(data, user, prefs[i], room=room))
            continue
        score = compatibility.explain(i, j)
        reasons = list(score.reasons)
        via = "solver"
        if i in pinned_learners:
            via = "pinned"
            reasons.insert(0, PINNED_REASON)
        elif i in filled:
            via = "fill"
            reasons.insert(0, FILL_REASON)
        rank = prefs[i].index(j) + 1 if j in prefs[i] else None
        pairs.append(PairOutcome(user, data.guides[j], score.points, tuple(reasons), rank, via))
    return Outcome(pairs, unmatched, statistics(data, pairs))


def _checked(problem: Problem, solve_optimally) -> list[int | None]:
    """The optimal solver's answer, checked against the hard constraints before use."""
    assignment = list(solve_optimally(problem).assignment)
    check_assignment(problem, assignment)
    return assignment


def _fill(problem: Problem, assignment: list[int | None], guided: list[int]):
    """The fill step: every learner the stable run left out is placed by fit in the places
    left, first those without a guide of the kind, then, in what remains, those who have
    one (an included learner must never take the place of one who has nobody)."""
    return _checked(problem, lambda p, **kw: fill_unmatched(p, assignment, later=guided, **kw))


def _room_left(data: RoundInput, assignment: list[int | None]) -> dict[int, int]:
    """Places each guide still has once the run's pairs are seated."""
    used = Counter(data.guides[j] for j in assignment if j is not None)
    return {g: max(0, int(data.capacities.get(g, 0)) - used[g]) for g in data.guides}


def _after_fill(data: RoundInput, learner: int, room: Mapping[int, int]) -> str:
    """Why the fill step could not place the learner: no place is left, or the guides with
    one cannot take them (and why)."""
    open_guides = [g for g, places in room.items() if places > 0]
    if not open_guides:
        return "No guide of the round has a place left."
    why = "; ".join(
        f"{data.name(g)}: {data.forbidden.get((learner, g), 'cannot take them')}"
        for g in open_guides
    )
    return f"The guides with a place left cannot take them: {why}."


def _why_unmatched(data: RoundInput, learner: int, prefs: list[int], *, room=None):
    """`room` (places left per guide) is given after a fill step, which then says why it
    could not place the learner either."""
    filled = room is not None
    ranked = [data.guides[j] for j in prefs]
    if not ranked:
        detail = _after_fill(data, learner, room) if filled else ""
        return UnmatchedOutcome(learner, RANKED_NONE, detail)
    blocked = {g: data.forbidden.get((learner, g)) for g in ranked}
    if all(blocked.values()):
        detail = "; ".join(f"{data.name(g)}: {why}" for g, why in blocked.items())
        if filled:
            detail += ". " + _after_fill(data, learner, room)
        return UnmatchedOutcome(learner, ALL_CONFLICT, detail)
    parts = []
    for g in ranked:
        if blocked[g]:
            parts.append(f"{data.name(g)}: {blocked[g]}")
        else:
            places = data.capacities.get(g, 0)
            parts.append(f"{data.name(g)}: full" if places else f"{data.name(g)}: no place left")
    detail = "; ".join(parts)
    if filled:
        detail += ". " + _after_fill(data, learner, room)
    return UnmatchedOutcome(learner, NO_ROOM, detail)


def statistics(data: RoundInput, pairs: Iterable[PairOutcome]) -> dict:
    """Shares and counts of a run, JSON-ready (guide ids as strings)."""
    pairs = list(pairs)
    n = len(data.learners)
    load = {str(g): [0, int(data.capacities.get(g, 0))] for g in data.guides}
    for pair in pairs:
        load[str(pair.guide)][0] += 1
    matched = len(pairs)
    first = sum(1 for p in pairs if p.rank == 1)
    top_three = sum(1 for p in pairs if p.rank is not None and p.rank <= 3)
    return {
        "learners": n,
        "matched": matched,
        "unmatched": n - matched,
        "first_choice": first,
        "top_three": top_three,
        "not_ranked": sum(1 for p in pairs if p.rank is None),
        "pinned": sum(1 for p in pairs if p.via == "pinned"),
        "filled": sum(1 for p in pairs if p.via == "fill"),
        "total_score": sum(p.score for p in pairs),
        "guides": len(data.guides),
        "guides_used": sum(1 for used, _ in load.values() if used),
        "places": sum(places for _, places in load.values()),
        "load": load,
    }


def share(part: int, whole: int) -> int:
    """A whole-number percentage; 0 of 0 is 0 %."""
    return round(100 * part / whole) if whole else 0


def compare(before: Mapping[int, int], after: Mapping[int, int]) -> dict[str, list]:
    """Two runs' pairs (learner → guide): who was added, removed or changed guide."""
    added = sorted(u for u in after if u not in before)
    removed = sorted(u for u in before if u not in after)
    changed = sorted(u for u in after if u in before and before[u] != after[u])
    return {"added": added, "removed": removed, "changed": changed}
