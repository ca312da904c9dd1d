# Reports from partners (issue 8): a report may be owed by a training institution or an employer
# instead of a unit, and the Lạng Sơn plan's yearly report of theirs is seeded as a deadline.

import django.db.models.deletion
from django.db import migrations, models

# The Lạng Sơn plan (resolution 220-NQ/TU) asks each institution and employer for a yearly report
# through the provincial police before 10/12. Data, not code: the admin edits it.
PARTNER_ANNUAL = {
    "code": "partner-annual-report",
    "name": "Báo cáo kết quả năm của cơ sở đào tạo, doanh nghiệp",
    "content": "partner_annual",
    "due_day": 10,
    "due_month": 12,
    "responsible_partners": ["institution", "employer"],
    "description": (
        "Cơ sở đào tạo: số chiến sĩ xuất ngũ được gửi đến, nhập học, tốt nghiệp, thôi học và thẻ "
        "học nghề đã thanh toán trong năm. Doanh nghiệp: số chiến sĩ được giới thiệu, đã tuyển "
        "dụng, không tuyển và nhu cầu tuyển dụng trong năm."
    ),
}


def seed(apps, schema_editor):
    ReportObligation = apps.get_model("reports", "ReportObligation")
    ReportObligation.objects.get_or_create(code=PARTNER_ANNUAL["code"], defaults=PARTNER_ANNUAL)


def unseed(apps, schema_editor):
    ReportObligation = apps.get_model("reports", "ReportObligation")
    ReportObligation.objects.filter(code=PARTNER_ANNUAL["code"], submissions=None).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('employers', '0002_jobopening_proposed_by_employerstaff'),
        ('reports', '0004_sheetprint'),
        ('training', '0005_course_proposed_by_institutionstaff'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='reminder',
            name='reminder_once_per_step',
        ),
        migrations.RemoveConstraint(
            model_name='reportsubmission',
            name='submission_once_per_unit_year',
        ),
        migrations.AddField(
            model_name='reminder',
            name='employer',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='employers.employer'),
        ),
        migrations.AddField(
            model_name='reminder',
            name='institution',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='training.institution'),
        ),
        migrations.AddField(
            model_name='reportobligation',
            name='responsible_partners',
            field=models.JSONField(blank=True, default=list, verbose_name='responsible partners'),
        ),
        migrations.AddField(
            model_name='reportsubmission',
            name='employer',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='report_submissions', to='employers.employer'),
        ),
        migrations.AddField(
            model_name='reportsubmission',
            name='institution',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='report_submissions', to='training.institution'),
        ),
        migrations.AlterField(
            model_name='reminder',
            name='unit',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='units.unit'),
        ),
        migrations.AlterField(
            model_name='reportobligation',
            name='content',
            field=models.CharField(choices=[('training_needs', "Training needs of the unit's conscripts"), ('semi_annual', 'Semi-annual results report'), ('annual', 'Annual results report'), ('institutions_list', 'List of training institutions'), ('employers_list', 'List of employers with labour demand'), ('job_fair_programme', 'Job fair programme'), ('partner_annual', 'Annual results of a training institution or employer')], max_length=30, verbose_name='content'),
        ),
        migrations.AlterField(
            model_name='reportsubmission',
            name='unit',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='report_submissions', to='units.unit'),
        ),
        migrations.AddConstraint(
            model_name='reminder',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('employer__isnull', True), ('institution__isnull', True), ('unit__isnull', False)), models.Q(('employer__isnull', True), ('institution__isnull', False), ('unit__isnull', True)), models.Q(('employer__isnull', False), ('institution__isnull', True), ('unit__isnull', True)), _connector='OR'), name='reminder_has_one_party'),
        ),
        migrations.AddConstraint(
            model_name='reminder',
            constraint=models.UniqueConstraint(condition=models.Q(('unit__isnull', False)), fields=('obligation', 'unit', 'year', 'step'), name='reminder_once_per_unit_step'),
        ),
        migrations.AddConstraint(
            model_name='reminder',
            constraint=models.UniqueConstraint(condition=models.Q(('institution__isnull', False)), fields=('obligation', 'institution', 'year', 'step'), name='reminder_once_per_institution_step'),
        ),
        migrations.AddConstraint(
            model_name='reminder',
            constraint=models.UniqueConstraint(condition=models.Q(('employer__isnull', False)), fields=('obligation', 'employer', 'year', 'step'), name='reminder_once_per_employer_step'),
        ),
        migrations.AddConstraint(
            model_name='reportsubmission',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('employer__isnull', True), ('institution__isnull', True), ('unit__isnull', False)), models.Q(('employer__isnull', True), ('institution__isnull', False), ('unit__isnull', True)), models.Q(('employer__isnull', False), ('institution__isnull', True), ('unit__isnull', True)), _connector='OR'), name='submission_has_one_party'),
        ),
        migrations.AddConstraint(
            model_name='reportsubmission',
            constraint=models.UniqueConstraint(condition=models.Q(('unit__isnull', False)), fields=('obligation', 'unit', 'year'), name='submission_once_per_unit_year'),
        ),
        migrations.AddConstraint(
            model_name='reportsubmission',
            constraint=models.UniqueConstraint(condition=models.Q(('institution__isnull', False)), fields=('obligation', 'institution', 'year'), name='submission_once_per_institution_year'),
        ),
        migrations.AddConstraint(
            model_name='reportsubmission',
            constraint=models.UniqueConstraint(condition=models.Q(('employer__isnull', False)), fields=('obligation', 'employer', 'year'), name='submission_once_per_employer_year'),
        ),
        migrations.RunPython(seed, unseed),
    ]
