"""The triggers that keep the change log (dyad.changes.triggers)."""

from django.db import migrations

from dyad.changes import triggers


def create(apps, schema_editor):
    for sql in triggers.statements(schema_editor.connection.vendor, create=True, watched=triggers.FIRST):
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    for sql in triggers.statements(schema_editor.connection.vendor, create=False, watched=triggers.FIRST):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("changes", "0001_log"),
        ("accounts", "0002_submissionkey"),
        ("meetings", "0002_attachment"),
        ("relationships", "0004_merge_cadence_phases_and_rollover"),
        ("programs", "0007_merge_checkins_and_institution_admin"),
        ("goals", "0002_ilp"),
        ("checkins", "0001_initial"),
        ("surveys", "0001_initial"),
        ("profiles", "0002_default_content_areas"),
        ("matching", "0002_round_include_guided"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
