"""The goals page costs the same number of queries whatever the number of goals."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dyad.goals.factories import make_goal
from dyad.relationships.factories import acknowledge_both, make_guide, make_relationship


def queries(client, user, program):
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("goals:index", args=[program.slug])).status_code == 200
    return len(captured)


def add_pairs_with_goals(program, director, guide, n):
    for _ in range(n):
        relationship = make_relationship(program=program, guide=guide, acting_user=director)
        acknowledge_both(relationship)
        make_goal(relationship=relationship)


def test_the_guides_and_the_leaders_lists_do_not_grow_with_the_goals(client, program, director):
    guide = make_guide(program, offers={"mentoring": 10})
    add_pairs_with_goals(program, director, guide, 1)
    few = queries(client, guide, program), queries(client, director, program)
    add_pairs_with_goals(program, director, guide, 5)
    many = queries(client, guide, program), queries(client, director, program)
    assert many == few
