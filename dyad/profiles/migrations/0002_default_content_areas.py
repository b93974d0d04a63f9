from django.db import migrations
from django.utils.text import slugify

AREAS = [
    "Research",
    "Medical education",
    "Quality improvement",
    "Patient safety",
    "Clinical informatics",
    "Bioethics",
    "Advocacy",
    "Global health",
    "Wellness",
    "Work-life integration",
    "Leadership",
    "Administration",
    "Clinical practice",
    "Career planning",
]


def add_defaults(apps, schema_editor):
    ContentArea = apps.get_model("profiles", "ContentArea")
    for name in AREAS:
        ContentArea.objects.get_or_create(program=None, slug=slugify(name), defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("profiles", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
