"""Deleting what is kept only for a while after a relationship ends (SPEC M11): private
notes, meeting preparation with its files, goal check-ins. Each app says what of its
content that is (`<app>/retention.py`); this module finds the relationships whose period
is over, previews, and purges each one in its own transaction, audited.

Safe to rerun: a purged relationship has nothing left, so a second run (or a run after a
crash, or two runs at once: the relationship row is locked) deletes and audits nothing."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count

from dyad.audit.actions import AuditAction
from dyad.audit.services import audit_log
from dyad.checkins import retention as checkins_retention
from dyad.goals import retention as goals_retention
from dyad.meetings import retention as meetings_retention
from dyad.relationships.models import Relationship, State

PARTS = [meetings_retention, goals_retention, checkins_retention]
LABELS = {kind: label for part in PARTS for kind, label in part.LABELS.items()}


@dataclass
class ProgramPurge:
    program: str
    relationships: int = 0
    counts: Counter = field(default_factory=Counter)


@dataclass
class PurgeReport:
    cutoff: date
    programs: list[ProgramPurge]

    @property
    def totals(self) -> Counter:
        return sum((p.counts for p in self.programs), Counter())

    @property
    def relationships(self) -> int:
        return sum(p.relationships for p in self.programs)


def cutoff_for(today: date) -> date:
    """Relationships that ended before this day are past their retention period."""
    return today - timedelta(days=settings.DYAD_RETENTION_DAYS)


def due_relationships(today: date):
    return Relationship.objects.filter(state=State.ENDED, end_date__lt=cutoff_for(today))


def _counts_by_relationship(today: date) -> dict[int, Counter]:
    """What each relationship past its period still holds: one grouped query per kind."""
    due = due_relationships(today).values("pk")
    held: dict[int, Counter] = defaultdict(Counter)
    for part in PARTS:
        for kind, (rows, path) in part.content(due).items():
            for relationship_id, n in rows.values_list(path).annotate(n=Count("pk")):
                held[relationship_id][kind] = n
    return held


def _report(today: date, held: dict[int, Counter]) -> PurgeReport:
    names = dict(Relationship.objects.filter(pk__in=held).values_list("pk", "program__name"))
    programs: dict[str, ProgramPurge] = {}
    for relationship_id, counts in held.items():
        row = programs.setdefault(names[relationship_id], ProgramPurge(names[relationship_id]))
        row.relationships += 1
        row.counts += counts
    return PurgeReport(cutoff_for(today), sorted(programs.values(), key=lambda p: p.program))


def purge_preview(*, today: date) -> PurgeReport:
    """What a purge would delete now, per program; changes nothing."""
    return _report(today, _counts_by_relationship(today))


def purge_ended(*, today: date) -> PurgeReport:
    """Delete the retained content of every relationship past its period. Returns what
    was deleted."""
    deleted: dict[int, Counter] = {}
    for relationship_id in sorted(_counts_by_relationship(today)):
        counts = _purge_one(relationship_id, today)
        if counts:
            deleted[relationship_id] = counts
    return _report(today, deleted)


@transaction.atomic
def _purge_one(relationship_id: int, today: date) -> Counter:
    relationship = (
        due_relationships(today)
        .select_for_update()
        .select_related("program")
        .filter(pk=relationship_id)
        .first()
    )
    if relationship is None:  # reopened, or gone, since the plan was made
        return Counter()
    counts: Counter = Counter()
    for part in PARTS:
        counts.update(part.purge(relationship))
    counts = +counts  # drop the kinds it held none of
    if counts:
        audit_log(
            action=AuditAction.RELATIONSHIP_CONTENT_PURGED,
            actor=None,
            program=relationship.program,
            target=relationship,
            data={
                "ended": relationship.end_date.isoformat(),
                "retention_days": settings.DYAD_RETENTION_DAYS,
                **counts,
            },
        )
    return counts
