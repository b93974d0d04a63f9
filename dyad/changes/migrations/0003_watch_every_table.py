"""Every table of Dyad's own is watched (dyad.changes.triggers.EVERY_TABLE), and a source
may be a table's name."""

from django.db import migrations, models

from dyad.changes import triggers


def drop(watched):
    def forwards(apps, schema_editor):
        for sql in triggers.statements(
            schema_editor.connection.vendor, create=False, watched=watched
        ):
            schema_editor.execute(sql)

    return forwards


def create(watched):
    def forwards(apps, schema_editor):
        for sql in triggers.statements(schema_editor.connection.vendor, create=True, watched=watched):
            schema_editor.execute(sql)

    return forwards


class Migration(migrations.Migration):
    dependencies = [
        ("changes", "0002_triggers"),
        ("accounts", "0002_submissionkey"),
        ("api", "0001_initial"),
        ("checkins", "0001_initial"),
        ("coaching", "0001_initial"),
        ("expectations", "0001_initial"),
        ("feedback", "0002_cycle_opens_by_itself"),
        ("goals", "0002_ilp"),
        ("home", "0001_initial"),
        ("matching", "0002_round_include_guided"),
        ("meetings", "0002_attachment"),
        ("profiles", "0002_default_content_areas"),
        ("programs", "0007_merge_checkins_and_institution_admin"),
        ("questions", "0002_default_bank"),
        ("relationships", "0004_merge_cadence_phases_and_rollover"),
        ("reminders", "0001_initial"),
        ("resources", "0001_initial"),
        ("rollover", "0001_initial"),
        ("surveys", "0001_initial"),
        ("training", "0001_initial"),
    ]

    operations = [
        # SQLite rebuilds the log's table to widen the column: no trigger may name it then.
        migrations.RunPython(drop(triggers.FIRST), create(triggers.FIRST), elidable=False),
        migrations.AlterField(
            model_name="change", name="source", field=models.CharField(max_length=64)
        ),
        migrations.RunPython(create(triggers.EVERY_TABLE), drop(triggers.EVERY_TABLE), elidable=False),
    ]
