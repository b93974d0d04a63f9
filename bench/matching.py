"""Benchmark of the matching engine (dyad/lib/matching, SPEC M6) at institution scale.

    .venv/bin/python bench/matching.py            # 20,000 x 10,000 and 2,000 x 1,000
    .venv/bin/python bench/matching.py --quick    # 1,000 x 500 only, under a minute

Every solver runs in a fresh subprocess on the same synthetic round (deterministic seed):
seconds are time.perf_counter around the solve alone; peak memory is that subprocess's
ru_maxrss, so it includes Python, the libraries and the generated round. The `matching`
package (1.4.x) is timed from its input dictionaries to its solution (its constructor
checks the inputs, which is part of using it), under a time limit at the full size.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import numpy as np

# This script's folder would shadow the `matching` package it compares against.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

from dyad.lib.matching import (  # noqa: E402
    blocking_pairs,
    fill_unmatched,
    optimal_match,
    stable_match,
)
from dyad.lib.matching.stable import _acceptable_entries, _guide_rank_of  # noqa: E402
from dyad.lib.matching.synthetic import synthetic_round  # noqa: E402

SEED = 11
FULL = (20_000, 10_000)
SMALL = (2_000, 1_000)
QUICK = (1_000, 500)
PACKAGE_LIMIT = 300  # seconds for the matching package at the full size


def build(size):
    problem, _ = synthetic_round(*size, list_length=20, max_capacity=3, skew=1.0, seed=SEED)
    return problem


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def total_score(problem, assignment) -> int:
    pairs = [(learner, g) for learner, g in enumerate(assignment) if g is not None]
    if not pairs:
        return 0
    learners, guides = zip(*pairs, strict=True)
    return int(problem.scores.pairs(learners, guides).sum())


def run_stable(problem):
    start = time.perf_counter()
    result = stable_match(problem)
    return time.perf_counter() - start, result.assignment, "-"


def run_fill(problem):
    stable = stable_match(problem)
    start = time.perf_counter()
    result = fill_unmatched(problem, stable.assignment)
    proof = result.proof
    note = f"fill step alone; proof {'passed' if proof.passed else 'FAILED'}"
    return time.perf_counter() - start, result.assignment, note


def run_fill_later(problem):
    """The fill step when one learner in ten already has a guide of the kind: those are
    placed only in places the others cannot use (two solves)."""
    stable = stable_match(problem)
    later = range(0, problem.n_learners, 10)
    start = time.perf_counter()
    result = fill_unmatched(problem, stable.assignment, later=later)
    proof = result.proof
    note = f"fill step alone, 1 in 10 placed last; proof {'passed' if proof.passed else 'FAILED'}"
    return time.perf_counter() - start, result.assignment, note


def run_optimal(problem):
    start = time.perf_counter()
    result = optimal_match(problem)
    seconds = time.perf_counter() - start
    p = result.proof
    note = (
        f"{'passed' if p.passed else 'FAILED'}: {p.rounds} rounds, "
        f"{p.candidate_pairs:,} first pairs, {p.pairs_added:,} added, "
        f"{p.priced_pairs:,} reduced costs"
    )
    return seconds, result.assignment, note


def run_greedy(problem):
    """Each learner in id order takes the best-scoring guide with room (not forbidden)."""
    start = time.perf_counter()
    n, m = problem.n_learners, problem.n_guides
    room = problem.free_capacities.astype(float)
    assignment = [None] * n
    for learner, guide in problem.pinned_guide.items():
        assignment[learner] = guide
    forbidden = {}
    for learner, guide in problem.forbidden_set:
        forbidden.setdefault(learner, []).append(guide)
    free = [x for x in range(n) if x not in problem.pinned_guide]
    for lo in range(0, len(free), 512):
        rows = free[lo : lo + 512]
        block = problem.scores.block(np.array(rows)).astype(float)
        for i, learner in enumerate(rows):
            row = np.where(room > 0, block[i], -np.inf)
            row[forbidden.get(learner, [])] = -np.inf
            guide = int(row.argmax())
            if row[guide] > -np.inf:
                assignment[learner] = guide
                room[guide] -= 1
    del m
    return time.perf_counter() - start, assignment, "-"


def package_inputs(problem):
    """The same round for `matching`: acceptable lists, guides' orders, places left."""
    learners, guides, _ = _acceptable_entries(problem)
    score = problem.scores.pairs(learners, guides)
    guide_rank = _guide_rank_of(problem, learners, guides)
    order = np.lexsort((learners, np.where(guide_rank < (1 << 40), 0, -score), guide_rank, guides))
    resident_prefs = {}
    for learner, guide in zip(learners.tolist(), guides.tolist(), strict=True):
        resident_prefs.setdefault(learner, []).append(guide)
    hospital_prefs = {}
    for learner, guide in zip(learners[order].tolist(), guides[order].tolist(), strict=True):
        hospital_prefs.setdefault(guide, []).append(learner)
    capacities = {g: int(problem.free_capacities[g]) for g in hospital_prefs}
    return resident_prefs, hospital_prefs, capacities


def run_package(problem):
    """The package's constructor deep-copies players that refer to each other, which
    recurses as deep as the round is large: it runs in a thread with a large stack."""
    from matching.games import HospitalResident

    resident_prefs, hospital_prefs, capacities = package_inputs(problem)
    sys.setrecursionlimit(1_000_000)
    threading.stack_size(1 << 30)
    out = {}

    def solve():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = time.perf_counter()
            game = HospitalResident.create_from_dictionaries(
                resident_prefs, hospital_prefs, capacities
            )
            out["solution"] = game.solve(optimal="resident")
            out["seconds"] = time.perf_counter() - start

    thread = threading.Thread(target=solve)
    thread.start()
    thread.join()
    assignment = [None] * problem.n_learners
    for learner, guide in problem.pinned_guide.items():
        assignment[learner] = guide
    for hospital, residents in out["solution"].items():
        for resident in residents:
            assignment[resident.name] = hospital.name
    same = tuple(assignment) == stable_match(problem).assignment
    return out["seconds"], assignment, f"same matching as ours: {'yes' if same else 'NO'}"


def run_lp(problem):
    """HiGHS (scipy.optimize.linprog) on the LP of the b-matching over every acceptable
    pair, in two stages: most pairs, then best score. The polytope is integral."""
    import scipy.sparse as sp
    from scipy.optimize import linprog

    start = time.perf_counter()
    n, m = problem.n_learners, problem.n_guides
    caps = problem.free_capacities
    free = np.array([x for x in range(n) if x not in problem.pinned_guide])
    learners = np.repeat(free, m)
    guides = np.tile(np.arange(m), len(free))
    keep = caps[guides] > 0
    keep &= ~np.isin(learners * m + guides, problem.forbidden_keys)
    learners, guides = learners[keep], guides[keep]
    score = problem.scores.pairs(learners, guides).astype(float)
    k = len(learners)
    a = sp.vstack(
        [
            sp.csr_array((np.ones(k), (learners, np.arange(k))), shape=(n, k)),
            sp.csr_array((np.ones(k), (guides, np.arange(k))), shape=(m, k)),
        ]
    ).tocsr()
    b = np.concatenate([np.ones(n), caps.clip(0)])
    # The interior-point method is several times faster than simplex on these wide LPs.
    first = linprog(-np.ones(k), A_ub=a, b_ub=b, bounds=(0, 1), method="highs-ipm")
    most = round(-first.fun)
    every = sp.csr_array(np.ones((1, k)))
    second = linprog(
        -score, A_ub=a, b_ub=b, A_eq=every, b_eq=[most], bounds=(0, 1), method="highs-ipm"
    )
    if first.status or second.status:
        raise RuntimeError(f"HiGHS: {first.message} / {second.message}")
    seconds = time.perf_counter() - start
    pinned_score = total_score(problem, [problem.pinned_guide.get(x) for x in range(n)])
    objective = (most + len(problem.pinned_guide), round(-second.fun) + pinned_score)
    note = f"LP objective {objective[0]:,} matched, {objective[1]:,} score"
    return seconds, None, note, {"lp": objective}


SOLVERS = {
    "stable (ours)": run_stable,
    "matching 1.4.3 HospitalResident": run_package,
    "stable + fill (ours)": run_fill,
    "stable + fill, 1/10 later (ours)": run_fill_later,
    "optimal (ours)": run_optimal,
    "LP, HiGHS (linprog)": run_lp,
    "greedy": run_greedy,
}


def worker(solver: str, n: int, m: int) -> None:
    problem = build((n, m))
    seconds, assignment, note, *extra = SOLVERS[solver](problem)
    out = {"seconds": seconds, "peak": peak_mib(), "note": note, **(extra[0] if extra else {})}
    if assignment is not None:
        out["matched"] = sum(g is not None for g in assignment)
        out["score"] = total_score(problem, assignment)
        out["blocking"] = len(blocking_pairs(problem, assignment))
    print(json.dumps(out))


def measure(solver, size, limit=None):
    cmd = [sys.executable, __file__, "--worker", solver, str(size[0]), str(size[1])]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=limit, check=True)
    except subprocess.TimeoutExpired:
        return {"timeout": limit}
    except subprocess.CalledProcessError as error:
        return {"error": error.stderr.strip().splitlines()[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def row(size, solver, r):
    label = f"{size[0]:,} x {size[1]:,}"
    if "timeout" in r:
        return f"{label:<16} {solver:<32} {'>' + str(r['timeout']):>8}  (stopped at the limit)"
    if "error" in r:
        return f"{label:<16} {solver:<32} error: {r['error']}"
    matched = f"{r['matched']:,}" if "matched" in r else "-"
    score = f"{r['score']:,}" if "score" in r else "-"
    blocking = f"{r['blocking']:,}" if "blocking" in r else "-"
    return (
        f"{label:<16} {solver:<32} {r['seconds']:>8.3f} {r['peak']:>7.0f} "
        f"{matched:>8} {score:>11} {blocking:>9}  {r['note']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--worker", nargs=3)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], int(args.worker[1]), int(args.worker[2]))
        return

    small = QUICK if args.quick else SMALL
    plan = [(small, s, None) for s in SOLVERS]
    if not args.quick:
        plan += [
            (FULL, "stable (ours)", None),
            (FULL, "matching 1.4.3 HospitalResident", PACKAGE_LIMIT),
            (FULL, "stable + fill (ours)", None),
            (FULL, "stable + fill, 1/10 later (ours)", None),
            (FULL, "optimal (ours)", None),
            (FULL, "greedy", None),
        ]
    print(f"python {platform.python_version()} on {platform.machine()}, seed {SEED}")
    print("lists of 20 drawn with Zipf-like popularity (s = 1), capacities 1-3, 1% forbidden")
    header = (
        f"{'size':<16} {'solver':<32} {'seconds':>8} {'MiB':>7} {'matched':>8} "
        f"{'total score':>11} {'blocking':>9}  proof / note"
    )
    print(header)
    print("-" * len(header))
    results = {}
    for size, solver, limit in plan:
        results[size, solver] = r = measure(solver, size, limit)
        print(row(size, solver, r), flush=True)
    print()
    for size in (small, FULL):
        ours = results.get((size, "stable (ours)"))
        theirs = results.get((size, "matching 1.4.3 HospitalResident"))
        if ours and theirs and "seconds" in ours:
            label = f"{size[0]:,} x {size[1]:,}"
            if "timeout" in theirs:
                bound = theirs["timeout"] / ours["seconds"]
                print(f"{label}: stable is at least {bound:,.0f}x faster (lower bound: the")
                print(f"  package did not finish in {theirs['timeout']} s)")
            elif "seconds" in theirs:
                ratio = theirs["seconds"] / ours["seconds"]
                print(f"{label}: stable is {ratio:,.0f}x faster than the package (measured)")
        best = results.get((size, "optimal (ours)"))
        lp = results.get((size, "LP, HiGHS (linprog)"))
        if best and lp and "lp" in lp and "matched" in best:
            same = [best["matched"], best["score"]] == list(lp["lp"])
            print(
                f"{size[0]:,} x {size[1]:,}: optimal objective equals the LP's: "
                f"{'yes' if same else 'NO'} ({best['matched']:,} matched, {best['score']:,})"
            )
        greedy = results.get((size, "greedy"))
        if best and greedy and "matched" in best and "matched" in greedy:
            print(
                f"{size[0]:,} x {size[1]:,}: optimal over greedy: "
                f"+{best['matched'] - greedy['matched']:,} matched, "
                f"+{best['score'] - greedy['score']:,} score"
            )


if __name__ == "__main__":
    main()
