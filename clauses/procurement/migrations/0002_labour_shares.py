"""The published labour shares of the calibration calculator (editable afterwards)."""

from django.db import migrations

from clauses.procurement.calculator import seed_labour_shares


def forwards(apps, schema_editor):
    seed_labour_shares(apps.get_model("procurement", "LabourShare"))


class Migration(migrations.Migration):
    dependencies = [
        ("procurement", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
