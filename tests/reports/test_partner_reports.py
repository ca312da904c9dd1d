"""Reports from partners: the Lạng Sơn plan's yearly report of the training institutions and
employers (due 10/12) is a row of the deadline table, owed by each institution and employer
with a partner account. They prepare and submit it themselves through the units' submission
flow; PX01 reviews it; reminders reach their accounts; the timeliness matrix shows them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError
from django.urls import reverse

from employers import services as job_services
from reports import submissions
from reports.deadlines import Party, responsible_parties, timeliness_matrix
from reports.models import Reminder, ReportObligation, ReportSubmission
from reports.reminders import reminders_send
from tests.factories import EmployerFactory, InstitutionFactory, JobOpeningFactory, SoldierFactory
from tests.partners import department, employer_staff, institution_staff, referred_to, sent_to
from training import services as training_services
from units.models import Notification, User

Role = User.Role
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 12, 5, 9, tzinfo=HANOI)
CODE = "partner-annual-report"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def obligation(db) -> ReportObligation:
    return ReportObligation.objects.get(code=CODE)


@pytest.fixture
def px01(tree, make_user) -> User:
    return department(make_user, tree.root, "PX01")


@pytest.fixture
def school(db):
    return InstitutionFactory(name="Trường Cao đẳng Cơ giới Ninh Bình")


@pytest.fixture
def company(db):
    return EmployerFactory(name="Công ty CP Ô tô Thành An Ninh Bình")


@pytest.fixture
def teacher(px01, school) -> User:
    return institution_staff(px01, school, "hanh.cdcg")


@pytest.fixture
def recruiter(px01, company) -> User:
    return employer_staff(px01, company, "thanh.thanhan")


def page(key: str, action: str = "") -> str:
    name = f"reports:submission_{action}" if action else "reports:submission"
    return reverse(name, args=[CODE, 2026, key])


def test_the_seeded_deadline_names_institutions_and_employers(obligation) -> None:
    assert (
        obligation.name,
        obligation.content,
        obligation.due_on(2026),
        obligation.responsible_partners,
        obligation.responsible_kinds,
        obligation.responsible_codes,
    ) == (
        "Báo cáo kết quả năm của cơ sở đào tạo, doanh nghiệp",
        "partner_annual",
        dt.date(2026, 12, 10),
        ["institution", "employer"],
        [],
        [],
    )


def test_those_with_a_partner_account_owe_it(
    obligation, teacher, recruiter, school, company, px01
) -> None:
    InstitutionFactory(name="Trường không có tài khoản")
    gone = InstitutionFactory(name="Trường có tài khoản đã khóa")
    User.objects.filter(pk=institution_staff(px01, gone, "khoa").pk).update(is_active=False)

    assert responsible_parties(obligation) == [Party(institution=school), Party(employer=company)]


def test_the_matrix_shows_partners_after_the_units(
    client, obligation, teacher, recruiter, school, company, px01, users
) -> None:
    report = submissions.submission_for(
        party=Party(institution=school), obligation=obligation, year=2026
    )
    submissions.submission_submit(user=teacher, submission=report)

    obligations, rows = timeliness_matrix(year=2026, on=NOW.date())

    column = [o.code for o in obligations].index(CODE)
    assert [(row.party.label, row.cells[column] and row.cells[column].label) for row in rows] == [
        ("PC07", None),
        ("PK02", None),
        ("Trường Cao đẳng Cơ giới Ninh Bình", "Đúng hạn"),
        ("Công ty CP Ô tô Thành An Ninh Bình", "Chưa đến hạn"),
    ]
    client.force_login(px01)
    html = client.get(reverse("reports:submissions"), {"year": 2026}).content.decode()
    assert f'<a href="/reports/{CODE}/2026/institution-{school.pk}/">' in html
    assert f'<a href="/reports/{CODE}/2026/employer-{company.pk}/">' in html


def test_the_partner_sees_the_report_it_owes(client, obligation, teacher, school) -> None:
    client.force_login(teacher)

    response = client.get(reverse("reports:submissions"), {"year": 2026})

    assert [(o.obligation.code, o.party, o.state) for o in response.context["owed"]] == [
        (CODE, Party(institution=school), "pending")
    ]
    assert response.context["whole_province"] is False


def test_an_institution_reports_its_year_and_px01_is_told(
    client, obligation, teacher, school, px01, users, tree
) -> None:
    officer = users[Role.UNIT_OFFICER]
    for name in ("Phạm Văn An", "Phạm Văn Bình"):
        sent_to(school, officer, SoldierFactory(unit=tree.pk02, full_name=name))
    first = school.registrations.order_by("pk").first()
    training_services.registration_enrol(user=teacher, registration=first, on=dt.date(2026, 9, 1))
    client.force_login(teacher)

    generated = client.post(page(f"institution-{school.pk}", "generate"))
    submitted = client.post(page(f"institution-{school.pk}", "submit"), {"note": "Kính gửi PX01"})

    assert generated["Location"] == page(f"institution-{school.pk}")
    assert submitted["Location"] == page(f"institution-{school.pk}")
    report = ReportSubmission.objects.get(institution=school)
    assert (report.unit, report.status, report.submitted_by, report.data["counts"]) == (
        None,
        "submitted",
        teacher,
        {
            "received": 2,
            "enrolled": 1,
            "completed": 0,
            "withdrawn": 0,
            "cards_settled": 0,
            "settled_vnd": 0,
        },
    )
    assert list(px01.notifications.values_list("title", flat=True)) == [
        "Đơn vị nộp báo cáo: Báo cáo kết quả năm của cơ sở đào tạo, doanh nghiệp – "
        "Trường Cao đẳng Cơ giới Ninh Bình"
    ]
    tables = client.get(page(f"institution-{school.pk}")).context["tables"]
    assert [[cell.value for cell in row] for row in tables[0].body] == [
        ["Số chiến sĩ được gửi đến cơ sở", 2],
        ["Đang học", 1],
        ["Hoàn thành khóa học", 0],
        ["Đã thôi học", 0],
        ["Thẻ học nghề đã thanh quyết toán", 0],
        ["Số tiền thanh quyết toán (đ)", 0],
    ]


def test_an_employers_report_counts_its_referrals_and_hires(
    obligation, recruiter, company, users
) -> None:
    officer = users[Role.UNIT_OFFICER]
    opening = JobOpeningFactory(employer=company, list_year=2026, headcount=8)
    hired, declined, _waiting = (referred_to(opening, officer) for _ in range(3))
    job_services.referral_hire(
        user=recruiter,
        referral=hired,
        started_on=dt.date(2026, 10, 1),
        evidence="labour_contract",
    )
    job_services.referral_decline(
        user=recruiter, referral=declined, on=dt.date(2026, 9, 20), reason="Không đủ sức khỏe"
    )
    report = submissions.submission_for(
        party=Party(employer=company), obligation=obligation, year=2026
    )

    submissions.submission_generate(user=recruiter, submission=report)

    report.refresh_from_db()
    assert report.data["counts"] == {
        "referred": 3,
        "hired": 1,
        "declined": 1,
        "jobs_started": 1,
        "openings": 1,
        "headcount": 8,
    }


def test_px01_accepts_and_the_partners_accounts_are_told(obligation, teacher, school, px01) -> None:
    report = submissions.submission_for(
        party=Party(institution=school), obligation=obligation, year=2026
    )
    submissions.submission_submit(user=teacher, submission=report)

    submissions.submission_accept(user=px01, submission=report)

    assert list(teacher.notifications.values_list("title", flat=True)) == [
        "Báo cáo đã được duyệt: Báo cáo kết quả năm của cơ sở đào tạo, doanh nghiệp"
    ]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("teacher", 200),
        ("other partner", 404),
        ("recruiter", 404),
        (Role.UNIT_OFFICER, 404),
        (Role.HQ_STAFF, 200),
        (Role.LEADER, 200),
        (Role.COMMUNE_OFFICER, 403),
    ],
)
def test_who_may_open_an_institutions_report(
    client, obligation, teacher, recruiter, school, px01, users, who, status
) -> None:
    accounts = users | {
        "teacher": teacher,
        "recruiter": recruiter,
        "other partner": institution_staff(px01, InstitutionFactory(), "khac"),
    }
    client.force_login(accounts[who])

    assert client.get(page(f"institution-{school.pk}")).status_code == status


def test_only_the_partner_prepares_its_report(client, obligation, teacher, school, px01) -> None:
    client.force_login(px01)

    response = client.post(page(f"institution-{school.pk}", "generate"))

    assert response.status_code == 403
    assert ReportSubmission.objects.count() == 0


def test_a_unit_code_is_not_a_partner_and_a_partner_not_a_unit(
    client, obligation, teacher, school, px01
) -> None:
    client.force_login(px01)

    assert client.get(page("institution-999999")).status_code == 404
    assert client.get(reverse("reports:submission", args=[CODE, 2026, "PX01"])).status_code == 404


def test_partners_are_reminded_like_units(
    obligation, teacher, recruiter, school, django_capture_on_commit_callbacks
) -> None:
    ReportObligation.objects.exclude(code=CODE).update(active=False)
    report = submissions.submission_for(
        party=Party(institution=school), obligation=obligation, year=2026
    )
    submissions.submission_submit(user=teacher, submission=report)

    with django_capture_on_commit_callbacks(execute=True):
        first = reminders_send(on=dt.date(2026, 12, 9))
        second = reminders_send(on=dt.date(2026, 12, 9))

    assert [(s.obligation, s.unit, s.step) for s in first] == [
        (CODE, "Công ty CP Ô tô Thành An Ninh Bình", "d1")
    ]
    assert second == []
    reminded = Notification.objects.filter(user__role__in=User.PARTNER_ROLES)
    assert list(reminded.values_list("user__username", "title")) == [
        (
            "thanh.thanhan",
            "Hạn nộp 10/12/2026: Báo cáo kết quả năm của cơ sở đào tạo, doanh nghiệp",
        )
    ]
    assert list(Reminder.objects.values_list("employer", "unit", "institution")) == [
        (recruiter.employer_link.employer_id, None, None)
    ]


def test_a_report_belongs_to_exactly_one_party(obligation, tree, school) -> None:
    with pytest.raises(IntegrityError):
        ReportSubmission.objects.create(
            obligation=obligation, unit=tree.pk02, institution=school, year=2026
        )
