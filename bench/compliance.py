"""Benchmark the cadence engine as the compliance dashboard uses it.

Generates, deterministically, 100,000 relationships with exactly 1,000,000 meetings
(compliant, irregular, lapsed, never met, mid-year starts, ended), evaluates all of them
for one day and prints the time, the throughput, the peak memory and the count per status.

    .venv/bin/python bench/compliance.py            # 100,000 relationships
    .venv/bin/python bench/compliance.py --quick    # 10,000 relationships

Not a test: nothing is asserted, figures go to bench/README.md.
"""

from __future__ import annotations

import argparse
import platform
import resource
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dyad.lib.cadence import CadencePolicy, Meeting, Status, evaluate_many  # noqa: E402

TODAY = date(2025, 11, 15)
YEAR_START = date(2025, 7, 1)
KINDS = ("mentoring", "coaching", "advising")
POLICIES = {
    "mentoring": CadencePolicy(),
    "coaching": CadencePolicy(monthly_months=6, max_gap_days=45, min_in_person_per_year=2),
    "advising": CadencePolicy(first_meeting_in_person=False, min_in_person_per_year=1),
}
# History shapes: share of relationships, and the share of their meetings held in person.
SHAPES = {
    "compliant": (0.35, 0.45),
    "irregular": (0.20, 0.30),
    "lapsed": (0.15, 0.35),
    "midyear": (0.15, 0.40),
    "never_met": (0.05, 0.0),
    "ended": (0.10, 0.35),
}


def generate(n_relationships: int, n_meetings: int, seed: int = 4):
    """Rows (kind, start, meetings, end) with exactly n_meetings meetings in all."""
    rng = np.random.default_rng(seed)
    today = TODAY.toordinal()
    year_start = YEAR_START.toordinal()
    names = list(SHAPES)
    shape = rng.choice(len(names), size=n_relationships, p=[s for s, _ in SHAPES.values()])
    never = shape == names.index("never_met")
    midyear = shape == names.index("midyear")
    ended = shape == names.index("ended")

    start = today - rng.integers(120, 1100, size=n_relationships)
    start[midyear] = rng.integers(year_start + 1, today - 5, size=int(midyear.sum()))
    end = np.full(n_relationships, -1)
    end[ended] = start[ended] + rng.integers(30, 400, size=int(ended.sum()))
    end[ended] = np.minimum(end[ended], today - 1)

    # Meeting counts: about ten each, none for the never-met, adjusted to the exact total.
    counts = rng.poisson(
        n_meetings / (n_relationships * (1 - SHAPES["never_met"][0])), size=n_relationships
    )
    counts[never] = 0
    diff = n_meetings - int(counts.sum())
    eligible = np.flatnonzero(~never)
    while diff:
        pick = rng.choice(eligible, size=min(abs(diff), eligible.size), replace=False)
        if diff < 0:
            pick = pick[counts[pick] > 0]
        counts[pick] += 1 if diff > 0 else -1
        diff = n_meetings - int(counts.sum())

    rel = np.repeat(np.arange(n_relationships), counts)
    position = np.arange(rel.size) - np.repeat(np.cumsum(counts) - counts, counts)
    kind_of = shape[rel]
    u = rng.random(rel.size)
    day = np.empty(rel.size, dtype=np.int64)

    compliant = kind_of == names.index("compliant")
    last = today - rng.integers(0, 40, size=n_relationships)
    day[compliant] = (
        last[rel[compliant]]
        - position[compliant] * 33
        - rng.integers(0, 12, size=int(compliant.sum()))
    )
    spaced = kind_of == names.index("midyear")
    first = start + rng.integers(3, 40, size=n_relationships)
    day[spaced] = (
        first[rel[spaced]] + position[spaced] * 30 + rng.integers(0, 14, size=int(spaced.sum()))
    )
    lo = start.copy()
    hi = np.full(n_relationships, today + 30)
    lapsed = shape == names.index("lapsed")
    hi[lapsed] = today - rng.integers(100, 400, size=int(lapsed.sum()))
    hi[ended] = end[ended]
    hi = np.maximum(hi, lo + 1)
    spread = ~(compliant | spaced)
    r = rel[spread]
    day[spread] = lo[r] + (u[spread] * (hi[r] - lo[r])).astype(np.int64)

    in_person = rng.random(rel.size) < np.array([p for _, p in SHAPES.values()])[kind_of]
    held = (day <= today) & (rng.random(rel.size) < 0.95)

    meetings = [
        Meeting(date=date.fromordinal(d), in_person=p, held=h)
        for d, p, h in zip(day.tolist(), in_person.tolist(), held.tolist(), strict=True)
    ]
    kinds = rng.integers(0, len(KINDS), size=n_relationships).tolist()
    rows = []
    offset = 0
    for i, (s, e, c) in enumerate(zip(start.tolist(), end.tolist(), counts.tolist(), strict=True)):
        rows.append(
            (
                KINDS[kinds[i]],
                date.fromordinal(s),
                meetings[offset : offset + c],
                date.fromordinal(e) if e >= 0 else None,
            )
        )
        offset += c
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 10x smaller run")
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    n = 10_000 if args.quick else 100_000

    began = time.perf_counter()
    rows = generate(n, 10 * n, seed=args.seed)
    generated = time.perf_counter() - began
    n_meetings = sum(len(row[2]) for row in rows)

    began = time.perf_counter()
    results = evaluate_many(POLICIES, rows, TODAY)
    elapsed = time.perf_counter() - began

    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    counts = Counter(result.status for result in results)
    print(f"python {platform.python_version()} on {platform.machine()}, today {TODAY}")
    print(f"generated {len(rows):,} relationships, {n_meetings:,} meetings in {generated:.2f} s")
    print(f"evaluated in {elapsed:.3f} s: {elapsed / len(rows) * 1e6:.2f} µs per relationship")
    print(
        f"throughput {len(rows) / elapsed:,.0f} relationships/s, "
        f"{n_meetings / elapsed:,.0f} meetings/s"
    )
    print(f"peak memory (max RSS) {peak_mib:,.0f} MiB")
    for status in Status:
        print(f"  {status.value:<22} {counts[status]:>8,}  {counts[status] / len(rows):6.1%}")


if __name__ == "__main__":
    main()
