import datetime as dt

from django.db import migrations

# Lương cơ sở (DESIGN.md §8): Nghị định 73/2024 from 01/07/2024; 2,530,000 VND from 01/07/2026.
BASE_SALARIES = [(dt.date(2024, 7, 1), 2_340_000), (dt.date(2026, 7, 1), 2_530_000)]


def seed(apps, schema_editor):
    BaseSalary = apps.get_model("training", "BaseSalary")
    for valid_from, amount in BASE_SALARIES:
        BaseSalary.objects.get_or_create(valid_from=valid_from, defaults={"amount_vnd": amount})


class Migration(migrations.Migration):
    dependencies = [("training", "0003_catalogue_registrations_support")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
