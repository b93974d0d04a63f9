"""The change log: every write to a watched table, whoever makes it, changes the version
of the program it belongs to, and only that program's."""

from collections import Counter
from datetime import date

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from dyad.changes import selectors, triggers
from dyad.changes.models import Change
from dyad.insight.tests.helpers import held, pairing
from dyad.meetings.models import Meeting
from dyad.profiles.models import GuideOffer
from dyad.programs.models import Membership
from dyad.relationships.factories import make_guide, make_learner


@pytest.fixture
def pair(program, director):
    return pairing(program, director, make_learner(program), make_guide(program), date(2026, 1, 5))


def versions(program, other_program):
    return selectors.program_version([program.pk]), selectors.program_version([other_program.pk])


def test_every_watched_table_is_a_model_of_dyad():
    tables = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    assert {w.table for w in triggers.WATCHED} <= tables


def test_every_table_of_dyad_is_watched_or_said_why_not():
    tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_config.name.startswith("dyad.")
    }
    watched = {w.table for w in triggers.WATCHED}
    assert len(watched) == len(triggers.WATCHED)
    assert not watched & set(triggers.UNWATCHED)
    assert tables == watched | set(triggers.UNWATCHED)


def test_each_source_names_one_trigger_that_postgresql_can_name():
    sources = [w.source for w in triggers.WATCHED]
    assert len(set(sources)) == len(sources)
    assert max(len(f"{triggers.LOG}_{source}") for source in sources) <= 63
    assert max(map(len, sources)) <= Change._meta.get_field("source").max_length


@pytest.mark.parametrize("watched", triggers.WATCHED, ids=lambda watched: watched.table)
def test_how_each_watched_row_finds_its_program_is_valid_sql(db, watched):
    """The triggers' bodies are checked only when they run: a wrong column would fail
    the write that fires it."""
    program = watched.program.replace("ROW.", "row_.")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {program} FROM {watched.table} AS row_ LIMIT 1")


def test_the_triggers_are_in_place_after_every_migration(db):
    """A migration that rebuilds a watched table (SQLite does for most changes of a
    column) drops its triggers: this fails until it makes them again."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT tbl_name, count(*) FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'changes_change_%' GROUP BY tbl_name"
            )
            expected = 3  # insert, update, delete
        else:
            cursor.execute(
                "SELECT c.relname, count(*) FROM pg_trigger t JOIN pg_class c "
                "ON c.oid = t.tgrelid WHERE t.tgname LIKE 'changes_change_%' GROUP BY c.relname"
            )
            expected = 1  # one trigger for the three
        found = dict(cursor.fetchall())
    assert found == {w.table: expected for w in triggers.WATCHED}


def test_insert_update_and_delete_each_change_only_their_programs_version(
    pair, program, other_program
):
    mine, theirs = versions(program, other_program)
    meeting = held(pair, date(2026, 2, 1))
    assert versions(program, other_program)[1] == theirs
    after_insert = versions(program, other_program)[0]
    assert after_insert != mine
    Meeting.objects.filter(pk=meeting.pk).update(mode="video")  # no save(), no signal
    after_update = versions(program, other_program)[0]
    assert after_update != after_insert
    meeting.delete()
    assert versions(program, other_program)[0] not in (mine, after_insert, after_update)
    assert versions(program, other_program)[1] == theirs


def test_a_row_moved_to_another_program_changes_both(program, other_program, resident):
    before = versions(program, other_program)
    Membership.objects.filter(user=resident, program=program).update(program=other_program)
    after = versions(program, other_program)
    assert after[0] != before[0] and after[1] != before[1]
    assert set(Change.objects.filter(source="membership").values_list("program_id", flat=True)) >= {
        program.pk,
        other_program.pk,
    }


def test_offers_change_the_shared_version_of_every_program(pair, program, other_program):
    own, shared = (
        selectors.program_version([program.pk]),
        selectors.shared_version([other_program.pk]),
    )
    GuideOffer.objects.filter(profile__user=pair.guide).update(capacity=7)
    assert selectors.program_version([program.pk]) == own
    assert selectors.shared_version([other_program.pk]) != shared


def test_compaction_keeps_one_row_a_program_and_source_and_never_gives_an_old_version(
    pair, program, other_program
):
    held(pair, date(2026, 2, 1))
    held(pair, date(2026, 2, 15))
    make_learner(other_program, "Late")
    seen = [selectors.shared_version([program.pk, other_program.pk])]
    pairs = set(Change.objects.values_list("program_id", "source"))
    removed, written = selectors.compact()
    assert removed > len(pairs) and written == len(pairs)
    assert Counter(Change.objects.values_list("program_id", "source")) == Counter(pairs)
    seen.append(selectors.shared_version([program.pk, other_program.pk]))
    assert selectors.compact() == (len(pairs), len(pairs))  # rerun: the same rows, newer
    seen.append(selectors.shared_version([program.pk, other_program.pk]))
    assert len(set(seen)) == 3


def test_the_command_compacts(pair, capsys):
    held(pair, date(2026, 2, 1))
    call_command("compact_changes")
    assert "Compacted the change log" in capsys.readouterr().out
    assert Change.objects.count() == len(set(Change.objects.values_list("program_id", "source")))
