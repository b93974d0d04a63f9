import pytest

from dyad.profiles.factories import GuideProfileFactory
from dyad.programs.factories import MembershipFactory
from dyad.programs.models import GuidanceKind, Role
from dyad.programs.selectors import program_overview


def guide(program, **profile):
    user = MembershipFactory(program=program, role=Role.FACULTY).user
    GuideProfileFactory(user=user, **profile)
    return user


@pytest.mark.django_db
def test_overview_counts_published_and_accepting_guides_once_each(program, other_program):
    guide(program, offers={GuidanceKind.MENTORING: 2, GuidanceKind.COACHING: 1})
    guide(program, accepting_new=False)
    guide(program, offers={GuidanceKind.MENTORING: 0})
    MembershipFactory(program=program, role=Role.FACULTY)  # no guide profile yet
    guide(other_program)
    overview = program_overview(program)
    assert (overview["guides_published"], overview["guides_accepting"]) == (2, 1)
