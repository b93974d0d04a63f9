"""The goal page and the goal form read a fixed number of queries, whatever the goal's
history: steps, check-ins, the meetings it was discussed at, the learner's other goals."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dyad.goals import services
from dyad.goals.factories import make_goal
from dyad.meetings.services import meeting_log

pytestmark = pytest.mark.django_db


def _grow(goal):
    rel = goal.relationship
    for n in range(3):
        services.step_add(goal=goal, acting_user=rel.learner, text=f"Step {n}")
        make_goal(relationship=rel, title=f"Another goal {n}")
        meeting = meeting_log(
            relationship=rel,
            acting_user=rel.learner,
            starts_at=timezone.now() - timedelta(days=n + 1),
            duration_minutes=30,
            mode="video",
            link="https://meet.example/x",
        )
        services.check_in(
            goal=goal, acting_user=rel.learner, note="On it.", percent=10 * n, meeting=meeting
        )


def _queries(client, user, url) -> int:
    client.force_login(user)
    client.get(url)  # the first request of a process reads what it keeps
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# The goal page: session, user, program, roles, the goal, its meetings, check-ins, steps,
# pairings shared with, achievements, the count of open goals (SMART hints), the meetings
# to check in at and the learner's guide profile (the navigation asks). The edit form:
# session, user, program, roles, the goal, the goal for the form, the open goals count,
# the guide profile.
@pytest.mark.parametrize(
    ("name", "who", "expected"),
    [("goals:detail", "learner", 11), ("goals:detail", "guide", 11), ("goals:edit", "learner", 6)],
)
def test_the_goal_pages_read_a_fixed_number_of_queries(
    computed_pages, client, pairing, name, who, expected
):
    goal = make_goal(relationship=pairing)
    user = pairing.learner if who == "learner" else pairing.guide
    url = reverse(name, args=[pairing.program.slug, goal.uuid])
    assert _queries(client, user, url) == expected
    _grow(goal)
    assert _queries(client, user, url) == expected
