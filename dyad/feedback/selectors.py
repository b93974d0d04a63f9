"""Reads for 360° feedback: the cycles a person takes part in, counts, and the results.

Results go through `dyad.lib.suppression`: nothing here hands a page a figure over fewer
than three answers, or one that others could be subtracted from to get there.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from dyad import policy
from dyad.feedback.models import Answer, Cycle, Item, ItemKind, RaterGroup, Response
from dyad.lib import suppression
from dyad.programs.models import GuidanceKind
from dyad.relationships.models import Relationship

GROUP_LABELS = dict(RaterGroup.choices)


def label_of(key: str, groups: tuple[str, ...] = ()) -> str:
    if key == suppression.OVERALL:
        return "Everyone"
    if key == suppression.MERGED:
        return "Other groups combined (" + ", ".join(GROUP_LABELS[g].lower() for g in groups) + ")"
    return GROUP_LABELS[key]


def coaching_of(viewer) -> list[Relationship]:
    """The viewer's coaching relationships in the program, as coachee or coach."""
    return list(
        Relationship.objects.for_program(viewer.program)
        .for_party(viewer.user)
        .filter(kind=GuidanceKind.COACHING)
        .select_related("learner", "guide")
        .prefetch_related("feedback_cycles")
        .order_by("-start_date", "pk")
    )


@dataclass
class GroupCount:
    key: str
    label: str
    invited: int
    answered: int

    @property
    def below_threshold(self) -> bool:
        return self.invited < suppression.THRESHOLD


def group_counts(cycle: Cycle) -> list[GroupCount]:
    """How many of each group were asked and how many answered: counts, never who."""
    rows = {
        row["group"]: row
        for row in cycle.raters.values("group").annotate(
            invited=Count("pk"), answered=Count("pk", filter=Q(answered=True))
        )
    }
    return [
        GroupCount(
            key=key,
            label=label,
            invited=rows.get(key, {}).get("invited", 0),
            answered=rows.get(key, {}).get("answered", 0),
        )
        for key, label in RaterGroup.choices
    ]


def results_ready(cycle: Cycle, today: date | None = None) -> bool:
    return cycle.is_closed_on(today or timezone.localdate())


@dataclass
class Row:
    label: str
    figure: suppression.Figure
    change: float | None = None


@dataclass
class RatedItem:
    item: Item
    rows: list[Row]
    withheld: list[str]


@dataclass
class TextItem:
    item: Item
    parts: list[tuple[str, tuple[str, ...]]]
    withheld: list[str]


@dataclass
class Results:
    cycle: Cycle
    respondents: dict[str, int]
    rated: list[RatedItem] = field(default_factory=list)
    texts: list[TextItem] = field(default_factory=list)
    previous: Cycle | None = None

    @property
    def total(self) -> int:
        return sum(self.respondents.values())


def _answers_by_item(cycle: Cycle) -> dict[int, dict[str, list]]:
    by_item: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for item_id, group, rating, text in Answer.objects.filter(response__cycle=cycle).values_list(
        "item_id", "response__group", "rating", "text"
    ):
        by_item[item_id][group].append(rating if rating is not None else text)
    return by_item


def _summaries(cycle: Cycle, items: list[Item], answers) -> dict[str, suppression.ItemResult]:
    """Each rated item's result, keyed by the item's wording (to compare cycles)."""
    return {
        item.text: suppression.summarize(
            {
                key: [v for v in answers[item.pk].get(key, []) if isinstance(v, int)]
                for key in GROUP_LABELS
            }
        )
        for item in items
        if item.kind == ItemKind.RATING
    }


def previous_cycle(cycle: Cycle) -> Cycle | None:
    """The latest closed cycle of the same relationship before this one, to compare with."""
    today = timezone.localdate()
    earlier = (
        Cycle.objects.for_relationship(cycle.relationship_id)
        .filter(opens_on__lt=cycle.opens_on)
        .exclude(pk=cycle.pk)
        .order_by("-opens_on")
    )
    return next((c for c in earlier if c.is_closed_on(today)), None)


def cycle_results(viewer, cycle: Cycle) -> Results:
    """The results as the coachee and the coach read them (only they may: see policy)."""
    assert policy.can_view_360_results(viewer, cycle)
    items = list(cycle.items.all())
    answers = _answers_by_item(cycle)
    respondents = dict.fromkeys(GROUP_LABELS, 0)
    for row in Response.objects.filter(cycle=cycle).values("group").annotate(n=Count("pk")):
        respondents[row["group"]] = row["n"]
    results = Results(cycle=cycle, respondents=respondents)
    summaries = _summaries(cycle, items, answers)
    earlier: dict[str, suppression.ItemResult] = {}
    if (previous := previous_cycle(cycle)) is not None:
        results.previous = previous
        earlier = _summaries(previous, list(previous.items.all()), _answers_by_item(previous))
    for item in items:
        if item.kind == ItemKind.RATING:
            result = summaries[item.text]
            moved = suppression.changes(earlier[item.text], result) if item.text in earlier else {}
            rows = [
                Row(label_of(f.key, f.groups), f, moved.get(f.key))
                for f in (*result.figures, *([result.overall] if result.overall else []))
            ]
            results.rated.append(
                RatedItem(
                    item=item,
                    rows=rows,
                    withheld=[GROUP_LABELS[g] for g in result.withheld],
                )
            )
        else:
            shown, withheld = suppression.comments(
                {k: [v for v in vs if isinstance(v, str)] for k, vs in answers[item.pk].items()},
                respondents,
                seed=f"{cycle.uuid}-{item.uuid}",
            )
            results.texts.append(
                TextItem(
                    item=item,
                    parts=[(label_of(c.key, c.groups), c.texts) for c in shown],
                    withheld=[GROUP_LABELS[g] for g in withheld],
                )
            )
    return results
