"""Reads for program surveys: cycles, response rates, results, the satisfaction trend.

Every figure goes through `dyad.lib.anonymity`: the groups a cycle's results may show are
worked out once from all of its respondents, so that no page, filter or report hands out
a figure over fewer than five people, or two figures whose difference is.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q

from dyad.lib import anonymity, charts
from dyad.lib.cadence import academic_year_start
from dyad.programs.models import GuidanceKind
from dyad.surveys.models import (
    Answer,
    Audience,
    Cycle,
    CycleQuestion,
    CycleState,
    Invitation,
    QuestionKind,
    Respondent,
    Response,
)

EVERYONE = anonymity.EVERYONE
THRESHOLD = anonymity.THRESHOLD
PGY_BANDS = ("PGY-1", "PGY-2", "PGY-3+")


def _candidates() -> list[str]:
    """The groups worth showing, in the order they are tried: audiences, PGY bands, kinds
    of guidance."""
    return (
        [f"as:{r}" for r in Respondent.values]
        + [f"pgy:{band}" for band in PGY_BANDS]
        + [f"has:{kind}" for kind in GuidanceKind.values]
    )


GUIDANCE_WORDS = {
    GuidanceKind.MENTORING: "In mentoring",
    GuidanceKind.COACHING: "In coaching",
    GuidanceKind.ADVISING: "In advising",
    GuidanceKind.PEER_MENTORING: "In peer mentoring",
}


def group_label(key: str) -> str:
    if key == EVERYONE:
        return "Everyone"
    kind, _, value = key.partition(":")
    if kind == "as":
        return dict(Respondent.choices)[value]
    if kind == "pgy":
        return value
    return GUIDANCE_WORDS.get(value, value)


def attributes(respondent: str, pgy_band: str, guidance: list[str]) -> frozenset[str]:
    tags = {f"as:{respondent}"}
    if pgy_band:
        tags.add(f"pgy:{pgy_band}")
    tags.update(f"has:{kind}" for kind in guidance or [])
    return frozenset(tags)


def academic_year_of(program, day: date) -> int:
    return academic_year_start(day, program.academic_year_start_month).year


# --- cycles -------------------------------------------------------------------------------


def cycles_for(viewer) -> list[Cycle]:
    """The program's cycles a leader sees (all), or the ones a member was asked to answer,
    each with `invited`, `answered` and, for a member, `mine` (their invitation)."""
    cycles = Cycle.objects.for_program(viewer.program).annotate(
        invited=Count("invitations", distinct=True),
        answered=Count("invitations", filter=Q(invitations__answered=True), distinct=True),
    )
    if not viewer.is_leader:
        cycles = cycles.filter(invitations__user=viewer.user)
    listed = list(cycles.select_related("program"))
    mine = {
        i.cycle_id: i
        for i in Invitation.objects.filter(cycle__in=[c.pk for c in listed], user=viewer.user)
    }
    for cycle in listed:
        cycle.mine = mine.get(cycle.pk)
    return listed


def open_unanswered(user, program) -> list[Cycle]:
    """The open cycles of the program the user was asked to answer and has not."""
    return list(
        Cycle.objects.filter(
            program=program,
            state=CycleState.OPEN,
            invitations__user=user,
            invitations__answered=False,
        ).select_related("program")
    )


def response_rate(cycle: Cycle) -> tuple[int, int]:
    """(answered, invited): counts, never who."""
    row = cycle.invitations.aggregate(
        invited=Count("pk"), answered=Count("pk", filter=Q(answered=True))
    )
    return row["answered"], row["invited"]


def response_rates(program) -> list[dict]:
    """Each open cycle's response rate, for the leaders' home."""
    return [
        {"cycle": c, "answered": c.answered_n, "invited": c.invited_n}
        for c in Cycle.objects.filter(program=program, state=CycleState.OPEN)
        .annotate(
            invited_n=Count("invitations"),
            answered_n=Count("invitations", filter=Q(invitations__answered=True)),
        )
        .select_related("program")
        .order_by(*Cycle._meta.ordering)
    ]


def open_for_leader(user, program) -> tuple[list[Cycle], list[dict]]:
    """open_unanswered and response_rates of a leader's home, in one query."""
    unanswered = Invitation.objects.filter(cycle=OuterRef("pk"), user=user, answered=False)
    cycles = list(
        Cycle.objects.filter(program=program, state=CycleState.OPEN)
        .annotate(
            invited_n=Count("invitations"),
            answered_n=Count("invitations", filter=Q(invitations__answered=True)),
            to_answer=Exists(unanswered),
        )
        .select_related("program")
        .order_by(*Cycle._meta.ordering)  # not applied by default to a query that groups
    )
    rates = [{"cycle": c, "answered": c.answered_n, "invited": c.invited_n} for c in cycles]
    return [c for c in cycles if c.to_answer], rates


# --- results ------------------------------------------------------------------------------


@dataclass
class QuestionResult:
    question: CycleQuestion
    shown: bool
    n: int = 0
    mean: float | None = None
    distribution: list[tuple[str, int]] = field(default_factory=list)
    chart: str = ""
    texts: list[dict] = field(default_factory=list)


@dataclass
class CycleResults:
    cycle: Cycle
    total: int
    groups: list[tuple[str, str]]
    selected: str
    questions: list[QuestionResult]

    @property
    def withheld(self) -> bool:
        return not self.groups

    @property
    def selected_label(self) -> str:
        return group_label(self.selected)


def _asked_key(question: CycleQuestion, cycle: Cycle) -> str | None:
    """The group of respondents a question was put to: everyone, or one audience."""
    if question.audience == Audience.BOTH or question.audience == cycle.audience:
        return EVERYONE
    return f"as:{question.audience.removesuffix('s')}"


def cycle_results(cycle: Cycle, selected: str = EVERYONE) -> CycleResults:
    """The results of a closed cycle for one of the groups it may show (`selected`; any
    other value reads as everyone). Figures of a question put to one audience only are
    shown only where that audience is itself a group that may be shown."""
    responses = list(cycle.responses.values_list("id", "respondent", "pgy_band", "guidance"))
    tags = {pk: attributes(r, band, kinds) for pk, r, band, kinds in responses}
    everyone_tags = [tags[pk] for pk, *_ in responses]
    shown = anonymity.shown_groups(everyone_tags, _candidates())
    if selected not in shown:
        selected = EVERYONE
    questions = list(cycle.questions.all())
    results = CycleResults(
        cycle=cycle,
        total=len(responses),
        groups=[(key, group_label(key)) for key in shown],
        selected=selected,
        questions=[],
    )
    if not shown:
        return results
    # Each answer as (id, response id, scale, choice, text, picked), by question.
    answers = defaultdict(list)
    for question_id, *row in Answer.objects.filter(response__cycle=cycle).values_list(
        "question_id", "id", "response_id", "scale", "choice", "text", "picked"
    ):
        answers[question_id].append(row)
    everyone_count = len(responses)
    # Who is in a group: worked out once per group, not once per answer.
    members: dict[str, frozenset[int]] = {}

    def of(group: str) -> frozenset[int]:
        if group not in members:
            members[group] = frozenset(
                pk for pk, t in tags.items() if anonymity.members_of(group, t)
            )
        return members[group]

    for question in questions:
        asked = _asked_key(question, cycle)
        asked_n = len(of(asked))
        if not (asked in shown or asked_n == everyone_count):
            results.questions.append(QuestionResult(question=question, shown=False))
            continue
        among = of(selected) & of(asked)
        rows = [row for row in answers[question.pk] if row[1] in among]
        results.questions.append(_summarise(question, rows, cycle))
    return results


def _summarise(question: CycleQuestion, rows: list[tuple], cycle: Cycle) -> QuestionResult:
    """The figures of one question from its answers shown, each (id, response id, scale,
    choice, text, picked)."""
    result = QuestionResult(question=question, shown=True, n=len(rows))
    if question.kind == QuestionKind.SCALE:
        counts = Counter(row[2] for row in rows)
        result.distribution = [(str(v), counts.get(v, 0)) for v in range(1, 6)]
        if rows:
            result.mean = round(sum(row[2] for row in rows) / len(rows), 2)
        result.chart = charts.bar_chart(
            chart_id=f"q-{question.uuid}",
            title=question.text,
            bars=[charts.Bar(label=label, value=n) for label, n in result.distribution],
            unit="answers",
            unit_one="answer",
        )
    elif question.kind == QuestionKind.CHOICE:
        counts = Counter(row[3] for row in rows)
        result.distribution = [(option, counts.get(option, 0)) for option in question.options]
    else:
        texts = [{"id": row[0], "text": row[4], "picked": row[5]} for row in rows]
        random.SystemRandom().shuffle(texts)
        result.texts = texts
    return result


def visible_comment(cycle: Cycle, answer_id) -> Answer | None:
    """A comment the cycle's results show to leaders (None for any other answer)."""
    results = cycle_results(cycle)
    for entry in results.questions:
        if entry.shown and any(str(t["id"]) == str(answer_id) for t in entry.texts):
            return Answer.objects.select_related("question__cycle__program").get(pk=answer_id)
    return None


# --- across cycles ------------------------------------------------------------------------


def satisfaction_trend(programs, year: int | None = None) -> dict[int, list[dict]]:
    """For each program (by id), its closed cycles' mean satisfaction per audience, oldest
    first: dicts of `cycle`, `closes_on`, `audience` (a Respondent value), `respondents`
    and `mean`. Only where that cycle may show that audience (five or more, see
    `cycle_results`). `year`: only cycles closing in that academic year (its start year).
    Three queries whatever the number of programs."""
    programs = list(programs)
    by_id = {p.pk: p for p in programs}
    cycles = [
        c
        for c in Cycle.objects.filter(program__in=list(by_id), state=CycleState.CLOSED).order_by(
            "closes_on", "pk"
        )
        if year is None or academic_year_of(by_id[c.program_id], c.closes_on) == year
    ]
    ids = [c.pk for c in cycles]
    population = defaultdict(list)
    for cycle_id, r, band, kinds in Response.objects.filter(cycle__in=ids).values_list(
        "cycle_id", "respondent", "pgy_band", "guidance"
    ):
        population[cycle_id].append((r, attributes(r, band, kinds)))
    sums: dict[tuple[int, str], list[int]] = defaultdict(list)
    for cycle_id, r, value in Answer.objects.filter(
        response__cycle__in=ids, question__satisfaction=True, scale__isnull=False
    ).values_list("response__cycle_id", "response__respondent", "scale"):
        sums[(cycle_id, r)].append(value)
    trend: dict[int, list[dict]] = {p.pk: [] for p in programs}
    for cycle in cycles:
        people = population[cycle.pk]
        shown = anonymity.shown_groups([t for _, t in people], _candidates())
        for respondent in Respondent.values:
            of_kind = sum(1 for r, _ in people if r == respondent)
            values = sums.get((cycle.pk, respondent), [])
            allowed = shown and (f"as:{respondent}" in shown or of_kind == len(people))
            if not values or not allowed:
                continue
            trend[cycle.program_id].append(
                {
                    "cycle": cycle,
                    "closes_on": cycle.closes_on,
                    "audience": respondent,
                    "respondents": of_kind,
                    "mean": round(sum(values) / len(values), 2),
                }
            )
    return trend


def trend_chart(rows: list[dict], respondent: str) -> str:
    label = dict(Respondent.choices)[respondent]
    points = [
        charts.Point(label=f"{row['closes_on']:%b %Y}", value=row["mean"])
        for row in rows
        if row["audience"] == respondent
    ]
    return charts.line_chart(
        chart_id=f"trend-{respondent}",
        title=f"Satisfaction of {label.lower()} by survey (1–5)",
        points=points,
        maximum=5,
        unit="",
        empty="No survey with five or more answers yet.",
    )


def report_results(program, year: int) -> list[dict[str, Any]]:
    """The closed cycles of the academic year starting in `year`, each with its results
    (for everyone, as shown) and the comments leaders picked for the report."""
    cycles = [
        c
        for c in Cycle.objects.filter(program=program, state=CycleState.CLOSED)
        .select_related("program")
        .order_by("closes_on", "pk")
        if academic_year_of(program, c.closes_on) == year
    ]
    report = []
    for cycle in cycles:
        results = cycle_results(cycle)
        picked = [
            {"question": entry.question, "text": t["text"]}
            for entry in results.questions
            if entry.shown
            for t in entry.texts
            if t["picked"]
        ]
        answered, invited = response_rate(cycle)
        report.append(
            {
                "cycle": cycle,
                "results": results,
                "picked": picked,
                "answered": answered,
                "invited": invited,
            }
        )
    return report
