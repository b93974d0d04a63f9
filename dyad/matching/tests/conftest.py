"""A small round: three interns, three mentors, the program's director."""

from types import SimpleNamespace

import pytest

from dyad.matching.factories import make_round
from dyad.programs.models import GuidanceKind
from dyad.relationships.factories import make_guide, make_learner


@pytest.fixture
def people(program, director):
    return SimpleNamespace(
        director=director,
        ann=make_learner(program, "Ann", "Avery"),
        ben=make_learner(program, "Ben", "Baker"),
        cal=make_learner(program, "Cal", "Cruz"),
        gia=make_guide(program, "Gia", "Gold", offers={GuidanceKind.MENTORING: 1}),
        hal=make_guide(program, "Hal", "Hart", offers={GuidanceKind.MENTORING: 2}),
        ivy=make_guide(
            program,
            "Ivy",
            "Irwin",
            offers={GuidanceKind.MENTORING: 1, GuidanceKind.ADVISING: 1},
        ),
    )


@pytest.fixture
def match_round(program, people):
    return make_round(
        program=program, guides=[people.gia, people.hal, people.ivy], acting_user=people.director
    )
