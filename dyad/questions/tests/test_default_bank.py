"""The project's own default bank, loaded by a data migration."""

import importlib

import pytest
from django.apps import apps

from dyad.programs.models import GuidanceKind
from dyad.questions.models import Direction, Question, Stage, Topic

migration = importlib.import_module("dyad.questions.migrations.0002_default_bank")


@pytest.fixture
def defaults(db):
    return list(Question.objects.default_bank())


def test_default_bank_has_at_least_48_active_questions(defaults):
    assert len(defaults) >= 48
    assert all(q.is_active for q in defaults)
    assert len({q.text for q in defaults}) == len(defaults)


def test_default_bank_covers_every_topic_direction_stage_and_kind(defaults):
    assert {q.topic for q in defaults} == set(Topic.values)
    assert {q.direction for q in defaults} == set(Direction.values)
    assert {s for q in defaults for s in q.stages} == set(Stage.values)
    assert {k for q in defaults for k in q.kinds} == set(GuidanceKind.values)


def test_every_kind_has_questions_in_both_directions_at_every_stage(defaults):
    for kind in GuidanceKind.values:
        for stage in Stage.values:
            fitting = [
                q for q in defaults if kind in q.kinds and (not q.stages or stage in q.stages)
            ]
            assert len(fitting) >= 3, (kind, stage)
        directions = {q.direction for q in defaults if kind in q.kinds}
        assert directions == set(Direction.values), kind


def test_default_questions_are_valid(defaults):
    for q in defaults:
        q.full_clean()
        assert len(q.text) <= 500


def test_seasonal_questions_are_where_a_program_expects_them(defaults):
    def months_of(topic, stage):
        return {m for q in defaults if q.topic == topic and stage in q.stages for m in q.months}

    assert 7 in months_of("expectations", Stage.FIRST_MEETING)
    assert {12, 1} <= months_of("burnout", Stage.SENIOR_YEARS)
    assert {3, 4, 5, 6, 7} <= months_of("fellowship_job_search", Stage.SENIOR_YEARS)
    assert {1, 2, 3} <= months_of("fellowship_job_search", Stage.GRADUATING)


def test_loading_the_bank_again_adds_nothing_and_keeps_changes(defaults):
    changed = defaults[0]
    changed.text = "An administrator's better wording?"
    changed.save()
    migration.add_default_bank(apps, None)
    assert Question.objects.default_bank().count() == len(defaults)
    changed.refresh_from_db()
    assert changed.text == "An administrator's better wording?"


def test_months_read_in_academic_year_order():
    assert Question(months=[1, 2, 11, 12]).get_months_display() == ["Nov", "Dec", "Jan", "Feb"]
