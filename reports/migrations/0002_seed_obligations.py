from django.db import migrations

# DESIGN.md §4: the yearly deadlines of plan 159/KH-CAT-PX01. Data, not code: the admin edits them.
OBLIGATIONS = [
    {
        "code": "job-fair-programme",
        "name": "Chương trình Ngày hội việc làm, Ngày hội thanh niên",
        "content": "job_fair_programme",
        "due_day": 30,
        "due_month": 1,
        "responsible_codes": ["PX03"],
        "description": "Kế hoạch tổ chức Ngày hội việc làm / Ngày hội thanh niên trong năm.",
    },
    {
        "code": "institutions-list",
        "name": "Danh sách cơ sở đào tạo nghề",
        "content": "institutions_list",
        "due_day": 15,
        "due_month": 4,
        "responsible_codes": ["PA03"],
        "description": "Nghề đào tạo, thời gian, học phí, mức hỗ trợ của các cơ sở đào tạo.",
    },
    {
        "code": "employers-list",
        "name": "Danh sách doanh nghiệp có nhu cầu tuyển dụng",
        "content": "employers_list",
        "due_day": 15,
        "due_month": 4,
        "responsible_codes": ["PA04"],
        "description": "Vị trí việc làm, số lượng, mức lương, bảo hiểm xã hội.",
    },
    {
        "code": "semi-annual-report",
        "name": "Báo cáo sơ kết 6 tháng",
        "content": "semi_annual",
        "due_day": 10,
        "due_month": 6,
        "responsible_kinds": ["managing"],
        "description": "Kết quả tư vấn, đào tạo nghề, giải quyết việc làm 6 tháng đầu năm.",
    },
    {
        "code": "training-needs",
        "name": "Báo cáo nhu cầu học nghề của chiến sĩ nghĩa vụ",
        "content": "training_needs",
        "due_day": 15,
        "due_month": 8,
        "responsible_kinds": ["managing"],
        "description": "Số chiến sĩ có nhu cầu học nghề, theo nghề, của đơn vị.",
    },
    {
        "code": "annual-report",
        "name": "Báo cáo tổng kết năm",
        "content": "annual",
        "due_day": 10,
        "due_month": 12,
        "responsible_kinds": ["managing"],
        "description": "Kết quả tư vấn, đào tạo nghề, giải quyết việc làm trong năm.",
    },
]


def seed(apps, schema_editor):
    ReportObligation = apps.get_model("reports", "ReportObligation")
    for item in OBLIGATIONS:
        ReportObligation.objects.get_or_create(code=item["code"], defaults=item)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
