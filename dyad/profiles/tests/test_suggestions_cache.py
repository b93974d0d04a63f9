"""A learner's suggestions are cached under the version of what they are computed from:
each change they depend on gives a fresh result, the same as computed afresh."""

from datetime import date

import pytest
from django.core.cache import cache

from dyad.access import viewer_for
from dyad.profiles import services as profile_services
from dyad.profiles.availability import conflicts_for
from dyad.profiles.models import ContentArea
from dyad.profiles.suggestions import _scored, suggested_guides
from dyad.profiles.tests.helpers import make_guide
from dyad.programs.models import Role
from dyad.relationships import services
from dyad.relationships.factories import (
    DoNotRepairFactory,
    EvaluativeRoleFactory,
    director_of,
    make_learner,
    make_relationship,
)
from dyad.relationships.models import EndReason, EvaluativeKind


def area(slug):
    return ContentArea.objects.get(program=None, slug=slug)


def names(viewer):
    return [s.guide.user.last_name for s in suggested_guides(viewer).items]


def fresh(viewer):
    """The suggestions computed without the cache."""
    scored = _scored(viewer.program, viewer.user, conflicts_for(viewer), 3)
    return scored if scored is False else [pk for pk, *_ in scored]


def cached_pks(viewer):
    result = suggested_guides(viewer)
    return [s.guide.pk for s in result.items] if result.has_profile else False


@pytest.fixture
def setup(program, resident):
    profile = profile_services.learner_profile_update(
        user=resident,
        data={"interests": "", "career_goals": "", "content_areas_sought": [area("research")]},
        acting_user=resident,
    )
    guides = {
        last: make_guide(program, last=last, areas=[area("research")], offers={"mentoring": 1})
        for last in ("Aa", "Bb", "Cc", "Dd")
    }
    return viewer_for(resident, program), profile, guides


def check(viewer, expected):
    assert names(viewer) == expected
    assert cached_pks(viewer) == fresh(viewer)


@pytest.mark.django_db
def test_cached_suggestions_follow_every_change(program, resident, setup):
    viewer, profile, guides = setup
    check(viewer, ["Aa", "Bb", "Cc"])
    assert len(cache._cache) > 0  # noqa: SLF001  (computed once, then read from the cache)
    check(viewer, ["Aa", "Bb", "Cc"])

    # A place taken elsewhere fills the guide's only place.
    relationship = make_relationship(
        program=program, guide=guides["Aa"].user, learner=make_learner(program, last="Other")
    )
    check(viewer, ["Bb", "Cc", "Dd"])
    # Ended, the place is free again.
    services.relationship_end(
        relationship=relationship, acting_user=director_of(program), reason=EndReason.COMPLETED
    )
    check(viewer, ["Aa", "Bb", "Cc"])

    # A guide's profile: the area removed, then a shared interest makes them first.
    profile_services.guide_profile_update(
        user=guides["Bb"].user, data={"content_areas": []}, acting_user=guides["Bb"].user
    )
    check(viewer, ["Aa", "Cc", "Dd"])

    # An offer's capacity raised, then the learner's own profile changed.
    profile_services.guide_profile_update(
        user=guides["Bb"].user,
        data={"content_areas": [area("research")], "offers": {"mentoring": 2}},
        acting_user=guides["Bb"].user,
    )
    check(viewer, ["Aa", "Bb", "Cc"])
    profile_services.learner_profile_update(
        user=resident,
        data={"content_areas_sought": [area("wellness")]},
        acting_user=resident,
    )
    check(viewer, [])
    profile_services.learner_profile_update(
        user=resident,
        data={"content_areas_sought": [area("research")]},
        acting_user=resident,
    )
    check(viewer, ["Aa", "Bb", "Cc"])

    # Do-not-repair, an evaluative role, and a guide leaving the program.
    DoNotRepairFactory(program=program, learner=resident, guide=guides["Aa"].user)
    check(viewer, ["Bb", "Cc", "Dd"])
    EvaluativeRoleFactory(
        program=program,
        evaluator=guides["Bb"].user,
        kind=EvaluativeKind.ROTATION_SUPERVISOR,
        learner=resident,
        start_date=date(2020, 7, 1),
    )
    check(viewer, ["Cc", "Dd"])
    membership = guides["Cc"].user.memberships.get(program=program)
    membership.is_active = False
    membership.save()
    check(viewer, ["Dd"])
    membership.role = Role.FACULTY
    membership.is_active = True
    membership.save()
    check(viewer, ["Cc", "Dd"])


@pytest.mark.django_db
def test_each_learner_has_their_own_suggestions(program, resident, setup):
    viewer, _, guides = setup
    other = make_learner(program, last="Second")
    check(viewer, ["Aa", "Bb", "Cc"])
    other_viewer = viewer_for(other, program)
    assert suggested_guides(other_viewer).has_profile is False
    make_relationship(program=program, guide=guides["Aa"].user, learner=resident)
    # Aa's one place is now the learner's own: no longer suggested to them.
    check(viewer, ["Bb", "Cc", "Dd"])
