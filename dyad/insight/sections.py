"""Each metric of the insight pages as a section: a title, a note, a chart and the table
the chart draws. The page, the CSV and XLSX exports and the PDF report all show these, so
adding a metric is one function here, listed in SECTIONS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dyad.insight.selectors import KIND_LABELS, Figures
from dyad.lib import charts
from dyad.lib.dates import format_day


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    note: str
    chart: str
    headers: list[str]
    rows: list[list]


def _pct(value: int | None) -> str:
    return "—" if value is None else f"{value}%"


def guide_share(f: Figures) -> Section:
    return Section(
        key="guides",
        title="Learners with an active guide, by kind",
        note=f"Active learners on {format_day(f.cut)} with an active pairing of each kind.",
        chart=charts.bar_chart(
            chart_id="chart-guides",
            title="Learners with an active guide, by kind",
            bars=[
                charts.Bar(KIND_LABELS[s.kind], s.with_guide, total=s.learners)
                for s in f.guide_share
            ],
            empty="The program has no learners.",
        ),
        headers=["Kind", "Learners with a guide", "Learners", "Share"],
        rows=[
            [KIND_LABELS[s.kind], s.with_guide, s.learners, _pct(s.percent)] for s in f.guide_share
        ],
    )


def compliance(f: Figures) -> Section:
    return Section(
        key="cadence",
        title="Cadence compliance, month by month",
        note="Pairs on track with the program's cadence at the end of each month of the year.",
        chart=charts.line_chart(
            chart_id="chart-cadence",
            title="Pairs on track, month by month",
            points=[charts.Point(day.strftime("%b"), pct) for day, _, _, pct in f.compliance],
            empty="No active pairs in this year.",
        ),
        headers=["Month", "Active pairs", "On track", "Share"],
        rows=[[day.strftime("%B %Y"), n, good, _pct(pct)] for day, n, good, pct in f.compliance],
    )


def first_meeting(f: Figures) -> Section:
    fm = f.first_meeting
    median = "—" if fm.median is None else f"{fm.median:g} days"
    return Section(
        key="first-meeting",
        title="Time to first meeting",
        note=(
            f"Pairings started this year: median {median} from the start to the first "
            f"held meeting; {fm.waiting} still waiting."
        ),
        chart=charts.bar_chart(
            chart_id="chart-first-meeting",
            title="Days from the start of a pairing to its first meeting",
            bars=[charts.Bar(label, n) for label, n in fm.buckets]
            + [charts.Bar("Not met yet", fm.waiting)],
            unit="pairings",
            unit_one="pairing",
        ),
        headers=["Days to first meeting", "Pairings"],
        rows=[[label, n] for label, n in fm.buckets]
        + [
            ["Not met yet", fm.waiting],
            ["Median (days)", fm.median if fm.median is not None else "—"],
        ],
    )


def meetings(f: Figures) -> Section:
    m = f.meetings
    return Section(
        key="meetings",
        title="Meetings held",
        note=f"{m.held} meetings held by {m.pairs} pairs; {_pct(m.in_person_percent)} in person.",
        chart=charts.bar_chart(
            chart_id="chart-meetings",
            title="Meetings held, and how many in person",
            bars=[
                charts.Bar("In person", m.in_person, total=m.held),
                charts.Bar("Other", m.held - m.in_person, total=m.held),
            ],
        ),
        headers=["Figure", "Value"],
        rows=[
            ["Meetings held", m.held],
            ["In person", m.in_person],
            ["In-person share", _pct(m.in_person_percent)],
            ["Pairs", m.pairs],
            ["Meetings per pair", m.per_pair if m.per_pair is not None else "—"],
        ],
    )


def rematch(f: Figures) -> Section:
    r = f.rematch
    return Section(
        key="rematch",
        title="Rematch rate",
        note="Pairings of the year that ended as a no-fault rematch.",
        chart=charts.bar_chart(
            chart_id="chart-rematch",
            title="Pairings ended as a rematch",
            bars=[charts.Bar("Rematch", r.rematch_ends, total=r.relationships)],
        ),
        headers=["Pairings", "Ended as a rematch", "Rate"],
        rows=[[r.relationships, r.rematch_ends, _pct(r.percent)]],
    )


def goals(f: Figures) -> Section:
    g = f.goals
    return Section(
        key="goals",
        title="Goals set and achieved",
        note=f"Goals set this year by {g.learners} learners: how many are achieved (counts only).",
        chart=charts.bar_chart(
            chart_id="chart-goals",
            title="Goals set this year, achieved and dropped",
            bars=[
                charts.Bar("Achieved", g.achieved, total=g.set),
                charts.Bar("Dropped", g.dropped, total=g.set),
            ],
        ),
        headers=["Goals set", "Achieved", "Dropped", "Learners", "Achieved share"],
        rows=[[g.set, g.achieved, g.dropped, g.learners, _pct(g.achieved_percent)]],
    )


def ilp(f: Figures) -> Section:
    i = f.ilp
    return Section(
        key="ilp",
        title="ILP completion",
        note=f"Learning plans for {f.year_label}: started and completed, of the learners.",
        chart=charts.bar_chart(
            chart_id="chart-ilp",
            title="Learning plans started and completed",
            bars=[
                charts.Bar("Started", i.started, total=i.learners),
                charts.Bar("Completed", i.completed, total=i.learners),
            ],
        ),
        headers=["Learners", "Started", "Completed", "Completed share"],
        rows=[[i.learners, i.started, i.completed, _pct(i.percent)]],
    )


def load(f: Figures) -> Section:
    ld = f.load
    per_fte = "—" if ld.learners_per_fte is None else f"{ld.learners_per_fte:g}"
    return Section(
        key="load",
        title="Faculty load against capacity and FTE",
        note=(
            f"Today: {ld.guides} guides offer {ld.capacity} places, {ld.taken} taken; "
            f"{ld.full} full, {ld.over_capacity} over; {per_fte} learners per FTE "
            f"({ld.fte_known} guides report their effort)."
        ),
        chart=charts.bar_chart(
            chart_id="chart-load",
            title="Places taken of places offered, by kind",
            bars=[
                charts.Bar(row["label"], row["taken"], total=row["capacity"])
                for row in f.load_by_kind
            ],
            empty="No guide offers places.",
        ),
        headers=["Kind", "Guides", "Places offered", "Places taken"],
        rows=[
            [row["label"], row["guides"], row["capacity"], row["taken"]] for row in f.load_by_kind
        ]
        + [["All kinds", ld.guides, ld.capacity, ld.taken]],
    )


def satisfaction(f: Figures) -> Section:
    audiences = {"learner": "Learners", "guide": "Guides"}
    rows = [
        [
            row["cycle"].name,
            format_day(row["closes_on"]),
            audiences.get(row["audience"], row["audience"]),
            row["respondents"],
            f"{row['mean']:.1f}",
        ]
        for row in f.satisfaction
    ]
    return Section(
        key="satisfaction",
        title="Satisfaction from the program's surveys",
        note=(
            "Mean answer (1–5) to the surveys' satisfaction questions, per survey of the year "
            "and audience; shown only where five or more of that audience answered."
        ),
        chart=charts.bar_chart(
            chart_id="chart-satisfaction",
            title="Mean satisfaction (of 5), by survey and audience",
            # Short labels: the chart's label column holds about 17 characters.
            bars=[
                charts.Bar(
                    f"{audience}, {row['closes_on']:%b} '{row['closes_on']:%y}",
                    round(row["mean"], 1),
                    total=5,
                )
                for row, (_, _, audience, _, _) in zip(f.satisfaction, rows, strict=True)
            ],
            empty="No survey of this year has five or more answers yet.",
        ),
        headers=["Survey", "Closed", "Audience", "Answers", "Mean (1–5)"],
        rows=rows,
    )


def fit(f: Figures) -> Section:
    kinds = [k for k in f.fit.get("kinds", []) if k["count"]]
    return Section(
        key="fit",
        title="Pairing fit, from the check-ins",
        note=(
            f"{f.fit.get('count', 0)} check-ins answered this year, {f.fit.get('low', 0)} "
            "rating the fit low (each went to the program's leaders, never to the other "
            "party)."
        ),
        chart=charts.bar_chart(
            chart_id="chart-fit",
            title="Check-ins rating the fit low, by kind",
            bars=[charts.Bar(k["label"], k["low"], total=k["count"]) for k in kinds],
            empty="No check-in answered this year.",
        ),
        headers=["Kind", "Check-ins", "Low", "Share low"],
        rows=[[k["label"], k["count"], k["low"], _pct(_percent(k["share_low"]))] for k in kinds],
    )


def _percent(share: float | None) -> int | None:
    return None if share is None else round(100 * share)


SECTIONS: list[Callable[[Figures], Section]] = [
    guide_share,
    compliance,
    first_meeting,
    meetings,
    rematch,
    goals,
    ilp,
    load,
    satisfaction,
    fit,
]
KEYS = [
    "guides",
    "cadence",
    "first-meeting",
    "meetings",
    "rematch",
    "goals",
    "ilp",
    "load",
    "satisfaction",
    "fit",
]


def sections(f: Figures) -> list[Section]:
    return [build(f) for build in SECTIONS]
