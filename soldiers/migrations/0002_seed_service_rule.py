import datetime as dt

from django.db import migrations


def seed(apps, schema_editor):
    ServiceRule = apps.get_model("soldiers", "ServiceRule")
    # Luật Nghĩa vụ tham gia CAND 2018 (in force 01/01/2019), art. 8: 24 months; Nghị định 70/2019
    # art. 10: notice 30 days before discharge; survey from month 15, registration at month 18.
    ServiceRule.objects.get_or_create(
        valid_from=dt.date(2019, 1, 1),
        defaults={
            "service_months": 24,
            "discharge_notice_days": 30,
            "survey_month": 15,
            "registration_month": 18,
            "minimum_enlistment_age": 18,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("soldiers", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
