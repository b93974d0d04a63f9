"""The leaders' page: open alerts and those followed up, and how many check-ins wait per
kind of pairing; its queries do not grow with the data."""

from collections import Counter
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dyad.checkins import selectors, services
from dyad.checkins.factories import CheckInFactory
from dyad.checkins.models import CheckIn
from dyad.checkins.tests.conftest import TODAY, hold_meeting
from dyad.lib import checkins as rules
from dyad.meetings.models import Meeting
from dyad.relationships.factories import make_active_relationship

pytestmark = pytest.mark.django_db


def alerts_url(program):
    return reverse("checkins:alerts", args=[program.slug])


def test_open_and_followed_up_alerts_with_who_followed_up(
    client, pair, learner, guide, coordinator
):
    low = services.checkin_record(relationship=pair, rating=1, comment="", acting_user=learner)
    services.checkin_record(relationship=pair, rating=5, comment="", acting_user=guide)
    client.force_login(coordinator)
    page = client.get(alerts_url(pair.program))
    assert [c.pk for c in page.context["alerts"]["open"]] == [low.pk]
    assert "1 of 5 · Not working at all" in page.content.decode()
    response = client.post(reverse("checkins:follow_up", args=[pair.program.slug, low.uuid]))
    assert response.status_code == 302
    page = client.get(alerts_url(pair.program))
    assert page.context["alerts"]["open"] == []
    assert [c.pk for c in page.context["alerts"]["followed_up"]] == [low.pk]
    assert f"followed up by {coordinator.full_name}" in page.content.decode()


def test_counts_of_due_and_overdue_per_kind_without_names(
    client, program, director, pair, learner, guide
):
    coaching = make_active_relationship(program=program, guide=guide, kind="coaching")
    hold_meeting(coaching, days_ago=2)  # due, not yet overdue
    services.checkin_record(relationship=pair, rating=4, comment="", acting_user=learner)
    counts = {row["kind"]: row for row in selectors.due_counts(program, TODAY)}
    # The mentoring guide is due since a week ago, exactly: due, not overdue yet.
    assert (counts["mentoring"]["due"], counts["mentoring"]["overdue"]) == (1, 0)
    assert (counts["coaching"]["due"], counts["coaching"]["overdue"]) == (2, 0)
    assert (counts["advising"]["due"], counts["peer_mentoring"]["due"]) == (0, 0)
    later = selectors.due_counts(program, TODAY + timedelta(days=6))
    assert {r["kind"]: r["overdue"] for r in later}["coaching"] == 2
    client.force_login(director)
    html = client.get(alerts_url(program)).content.decode()
    assert "Check-ins waiting for an answer" in html
    assert coaching.learner.full_name not in html


def _grow(program, size):
    for _ in range(size):
        rel = make_active_relationship(program=program)
        hold_meeting(rel)
        CheckInFactory(relationship=rel, rating=1, due_on=TODAY - timedelta(days=7))


@pytest.mark.parametrize("size", [1, 4])
def test_alerts_page_queries_do_not_grow_with_the_data(
    client, program, director, size, django_assert_num_queries
):
    _grow(program, size)
    client.force_login(director)
    with django_assert_num_queries(6):  # with the kept page's version (dyad.changes.pages)
        page = client.get(alerts_url(program))
    assert len(page.context["alerts"]["open"]) == size


def test_the_counts_are_those_of_every_party_due(program):
    """due_counts reads days in the database; parties_due (the reminders) reads moments
    and takes their local day: both give the same parties, late in the evening too."""
    late = timezone.make_aware(datetime(2026, 10, 8, 23, 30))
    for days_ago, kind in [(7, "mentoring"), (40, "coaching"), (200, "advising"), (1, "coaching")]:
        rel = make_active_relationship(program=program, kind=kind)
        meeting = hold_meeting(rel, days_ago=days_ago)
        if kind == "advising":
            CheckInFactory(relationship=rel, rater=rel.learner, rating=4, due_on=TODAY)
            CheckIn.objects.filter(relationship=rel).update(created_at=late - timedelta(days=90))
        if days_ago == 7:
            Meeting.objects.filter(pk=meeting.pk).update(starts_at=late)
    for day in [
        TODAY - timedelta(days=7),
        TODAY,
        TODAY + timedelta(days=8),
        TODAY + timedelta(days=120),
    ]:
        expected = Counter()
        for relationship, _, due in selectors.parties_due(day, programs=[program]):
            expected[relationship.kind, "due"] += 1
            expected[relationship.kind, "overdue"] += int(rules.is_overdue(due, day))
        counts = selectors.due_counts(program, day)
        assert {(r["kind"], k): r[k] for r in counts for k in ("due", "overdue") if r[k]} == {
            key: n for key, n in expected.items() if n
        }
