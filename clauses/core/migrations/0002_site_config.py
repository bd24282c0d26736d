from django.db import migrations

from clauses.core.site_config import ensure_site_config


def forwards(apps, schema_editor):
    ensure_site_config(apps.get_model("dsfr", "DsfrConfig"))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("dsfr", "0012_dsfrconfig_notice_description_and_more"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
