"""The guide side of a round's pool is computed once and then read from the cache: every
change of what it is read from gives a fresh pool, as a learner's ranking page shows it."""

import pytest
from django.core.cache import cache

from dyad.matching import selectors
from dyad.profiles.factories import LearnerProfileFactory
from dyad.profiles.models import GuideOffer, GuideProfile
from dyad.profiles.suggestions import learner_profile_with_areas
from dyad.programs.models import GuidanceKind
from dyad.relationships.factories import make_guide, make_learner, make_relationship


def shown(match_round, learner):
    profile = learner_profile_with_areas(learner, match_round.program)
    rows = selectors.pool_for_learner(match_round, learner, profile)
    return [
        (r["user"].pk, r["user"].get_full_name(), r["title"], r["remaining"], r["fit"])
        for r in rows
    ]


def check(match_round, learner):
    cached = shown(match_round, learner)
    cache.clear()
    assert cached == shown(match_round, learner)
    return cached


def _rename(round_, people):
    people.gia.first_name = "Giovanna"
    people.gia.save()


def _title(round_, people):
    GuideProfile.objects.filter(user=people.hal).update(title="Professor of Medicine")


def _capacity(round_, people):
    GuideOffer.objects.filter(profile__user=people.ivy, kind=GuidanceKind.MENTORING).update(
        capacity=3
    )


def _place_taken(round_, people):
    make_relationship(
        program=round_.program,
        learner=make_learner(round_.program, "Other"),
        guide=people.hal,
        acting_user=people.director,
    )


def _guide_added(round_, people):
    round_.guides.add(make_guide(round_.program, "New", "Guide", offers={"mentoring": 1}))


def _guide_removed(round_, people):
    round_.guides.remove(people.ivy)


def _interests(round_, people):
    GuideProfile.objects.filter(user=people.gia).update(clinical_interests="Neonatology")


CHANGES = [_rename, _title, _capacity, _place_taken, _guide_added, _guide_removed, _interests]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__.strip("_") for c in CHANGES])
def test_every_change_gives_a_fresh_pool(match_round, people, change):
    LearnerProfileFactory(user=people.ann, interests="Neonatology", career_goals="")
    before = check(match_round, people.ann)
    assert shown(match_round, people.ann) == before  # from the cache
    change(match_round, people)
    after = shown(match_round, people.ann)
    assert after != before
    cache.clear()
    assert after == shown(match_round, people.ann)


def test_a_sign_in_is_not_a_change(client, match_round, people):
    from dyad.changes.selectors import version
    from dyad.matching.selectors import POOL_SOURCES

    before = version([], shared=POOL_SOURCES)
    client.force_login(people.gia)
    assert version([], shared=POOL_SOURCES) == before
