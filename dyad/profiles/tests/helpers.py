"""Builders shared by the profile tests."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from dyad.profiles.factories import GuideProfileFactory
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import Role


def make_guide(program, first="Ada", last="Guide", *, role=Role.FACULTY, areas=(), **kwargs):
    """A member of the program with a published guide profile (mentoring ×2 by default)."""
    user = MembershipFactory(
        program=program, role=role, user__first_name=first, user__last_name=last
    ).user
    return GuideProfileFactory(user=user, content_areas=list(areas), **kwargs)


def count_queries(client, url, **extra) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(ctx.captured_queries)
