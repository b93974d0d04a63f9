"""The audit log is watched too (dyad.changes.triggers.AUDIT)."""

from django.db import migrations

from dyad.changes import triggers


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in triggers.statements(vendor, create=True, watched=(triggers.AUDIT,)):
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in triggers.statements(vendor, create=False, watched=(triggers.AUDIT,)):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("changes", "0003_watch_every_table"),
        ("audit", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
