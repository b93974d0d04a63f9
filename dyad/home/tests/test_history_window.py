"""The leaders' month-by-month figures read the meetings they need, not every meeting ever
held, and come out as they would from the whole history."""

from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from dyad.home import selectors
from dyad.lib import cadence
from dyad.meetings.models import Meeting, MeetingStatus
from dyad.meetings.selectors import policies_for
from dyad.relationships.factories import make_relationship

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2026, 3, 16, 15, tzinfo=UTC), tick=False):
        yield


def long_relationship(program, every_days, stop_days_ago):
    rel = make_relationship(
        program=program, start_date=timezone.localdate() - timedelta(days=3 * 365)
    )
    rel.state = "active"
    rel.save(update_fields=["state"])
    now = timezone.now()
    Meeting.objects.bulk_create(
        Meeting(
            relationship=rel,
            starts_at=now - timedelta(days=days),
            mode="in_person" if days % 3 else "video",
            status=MeetingStatus.HELD,
        )
        for days in range(stop_days_ago, 3 * 365, every_days)
    )
    return rel


def test_month_by_month_is_judged_as_from_the_whole_history(program):
    for every, stop in ((9, 2), (30, 5), (20, 200), (45, 500)):
        long_relationship(program, every, stop)
    today = timezone.localdate()
    policies = policies_for(program)
    relationships, held = selectors._history(program, today, policies)
    read = sum(len(meetings) for meetings in held.values())
    assert read < Meeting.objects.count() * 2 // 3
    everything = defaultdict(list)
    for m in Meeting.objects.all():
        everything[m.relationship_id].append(
            cadence.Meeting(
                date=timezone.localtime(m.starts_at).date(), in_person=m.mode == "in_person"
            )
        )
    naive = []
    for day, _, _ in selectors.compliance_by_month(relationships, held, policies, today):
        active = [r for r in relationships if r.start_date <= day]
        statuses = [
            cadence.evaluate(policies[r.kind], r.start_date, everything[r.pk], day).status
            for r in active
        ]
        naive.append((day, len(active), sum(s not in selectors.BEHIND for s in statuses)))
    assert selectors.compliance_by_month(relationships, held, policies, today) == naive
