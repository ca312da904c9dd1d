"""The subject-access report: everything held about one soldier with a full path, its history and
who saw or exported it; the page, the PDF read back, the workbook; each generation logged; who
may make it."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from pypdf import PdfReader

from employers import services as job_services
from reports import sheet, subject_access
from soldiers import services as soldier_services
from soldiers.models import Soldier
from tests.factories import (
    CourseFactory,
    EmployerFactory,
    InstitutionFactory,
    JobOpeningFactory,
    SoldierFactory,
    UnitFactory,
    UserFactory,
)
from training import services as training_services
from training.models import Occupation
from units.models import AuditEvent, Unit, User

Role = User.Role
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2027, 3, 1, 9, 30, tzinfo=HANOI)
CITIZEN_ID = "037205001234"


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def px01(tree, make_user) -> User:
    unit = UnitFactory(
        code="PX01", name="Phòng PX01", kind=Unit.Kind.HQ_DEPARTMENT, parent=tree.root
    )
    return make_user(Role.HQ_STAFF, unit, username="px01", full_name="Trần Thị Hạnh")


@pytest.fixture
def officer(tree, make_user) -> User:
    return make_user(
        Role.UNIT_OFFICER, tree.pk02, username="canbo.pk02", full_name="Phạm Văn Cường"
    )


@pytest.fixture
def tam(tree, px01, officer) -> Soldier:
    """Lê Văn Tâm of PK02, discharged on 01/03/2026, taken along the whole path."""
    soldier = SoldierFactory(
        unit=tree.pk02,
        author=px01,
        full_name="Lê Văn Tâm",
        date_of_birth=dt.date(2005, 3, 10),
        citizen_id=CITIZEN_ID,
        phone="0912345678",
        enlistment_date=dt.date(2024, 3, 1),
    )
    soldier_services.counselling_record(
        user=officer,
        soldier=soldier,
        date=dt.date(2025, 6, 1),
        kind="career_guidance",
        note="Tư vấn học nghề điện",
    )
    training_services.career_wish_record(
        user=officer, soldier=soldier, surveyed_on=dt.date(2025, 6, 2), wants_training="no"
    )
    training_services.career_wish_record(
        user=officer,
        soldier=soldier,
        surveyed_on=dt.date(2025, 7, 1),
        wants_training="yes",
        occupation=Occupation.objects.get(code="DCN"),
        wants_job_referral=True,
        preferred_work_place="home_province",
    )
    course = CourseFactory(institution=InstitutionFactory(name="Trường nghề Hoa Lư"))
    registration = training_services.registration_create(
        user=officer, soldier=soldier, course=course, on=dt.date(2026, 2, 1)
    )
    training_services.registrations_send(
        user=officer, registrations=[registration], on=dt.date(2026, 2, 10)
    )
    training_services.registration_enrol(
        user=officer, registration=registration, on=dt.date(2026, 3, 15)
    )
    training_services.registration_complete(
        user=officer,
        registration=registration,
        on=dt.date(2026, 6, 15),
        certificate_number="CC-001",
    )
    support = training_services.support_apply_at_commune(
        user=officer, soldier=soldier, applied_on=dt.date(2026, 3, 10), registration=registration
    )
    training_services.support_decide_application(
        user=officer, support=support, decided_on=dt.date(2026, 3, 20), amount_vnd=6_000_000
    )
    opening = JobOpeningFactory(
        title="Thợ điện công nghiệp", employer=EmployerFactory(name="Công ty TNHH Điện Ninh Bình")
    )
    job_services.referral_create(
        user=officer, soldier=soldier, opening=opening, on=dt.date(2026, 7, 1)
    )
    job_services.placement_record(
        user=officer,
        soldier=soldier,
        kind="enterprise",
        opening=opening,
        started_on=dt.date(2026, 8, 1),
        salary_vnd=8_500_000,
        evidence="labour_contract",
        source="unit",
    )
    job_services.loan_record(
        user=officer,
        soldier=soldier,
        purpose="start_up",
        amount_vnd=50_000_000,
        bank_branch="NHCSXH Ninh Bình",
        applied_on=dt.date(2026, 9, 1),
    )
    fair = job_services.job_fair_save(
        user=px01,
        kind="job_fair",
        name="Ngày hội việc làm 2026",
        date=dt.date(2026, 5, 20),
        place="Nhà văn hóa tỉnh",
        organiser=tree.root,
    )
    job_services.job_fair_record_attendance(user=px01, fair=fair, soldiers=[soldier])
    sheet.sheet_prints_record(user=officer, soldiers=[soldier], form="pdf", file_name="phieu.pdf")
    soldier_services.citizen_id_reveal(user=officer, soldier=soldier)
    soldier.refresh_from_db()
    return soldier


AT = dt.datetime(2027, 3, 1, 2, 30, tzinfo=dt.UTC)
CUONG = "Phạm Văn Cường (canbo.pk02)"
HANH = "Trần Thị Hạnh (px01)"


def rows_of(report: subject_access.Report) -> dict[str, list[tuple]]:
    return {section.key: section.rows for section in report.sections}


def cells(sheet: Worksheet, **bounds: int) -> list[tuple]:
    """The rows of a sheet, dates as dates (openpyxl reads every date cell as a datetime)."""
    return [
        tuple(v.date() if isinstance(v, dt.datetime) else v for v in row)
        for row in sheet.iter_rows(values_only=True, **bounds)
    ]


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


# -- what the report holds --


def test_the_report_holds_his_whole_file_with_the_full_citizen_id(tam) -> None:
    report = subject_access.report_for(tam)

    assert rows_of(report)["file"] == [
        ("Họ và tên", "Lê Văn Tâm"),
        ("Ngày sinh", dt.date(2005, 3, 10)),
        ("Giới tính", "Nam"),
        ("Số CCCD", CITIZEN_ID),
        ("Số điện thoại", "0912345678"),
        ("Quê quán (tỉnh)", "Tỉnh Ninh Bình"),
        ("Quê quán (xã/phường)", "Phường Phủ Lý"),
        ("Đơn vị", f"PK02 – {tam.unit.name}"),
        ("Cấp bậc", "Binh nhất"),
        ("Ngày nhập ngũ", dt.date(2024, 3, 1)),
        ("Ngày xuất ngũ dự kiến", dt.date(2026, 3, 1)),
        ("Ngày xuất ngũ thực tế", None),
        ("Đã lưu trữ", "Không"),
        ("Lý do lưu trữ", ""),
        ("Ngày lập hồ sơ", AT),
        ("Lần sửa gần nhất", AT),
    ]


def test_the_report_holds_his_history_newest_first(tam) -> None:
    history = rows_of(subject_access.report_for(tam))["history"]

    assert [(by, action) for _at, by, action, _changes in history] == [
        (HANH, "Tham gia ngày hội việc làm"),
        (CUONG, "Vay vốn"),
        (CUONG, "Việc làm"),
        (CUONG, "Giới thiệu việc làm"),
        (CUONG, "Hỗ trợ đào tạo"),
        (CUONG, "Hỗ trợ đào tạo"),
        (CUONG, "Đăng ký học nghề"),
        (CUONG, "Đăng ký học nghề"),
        (CUONG, "Đăng ký học nghề"),
        (CUONG, "Đăng ký học nghề"),
        (CUONG, "Ghi nhận nguyện vọng"),
        (CUONG, "Ghi nhận nguyện vọng"),
        (CUONG, "Ghi nhận tư vấn"),
        (HANH, "Tạo mới"),
    ]
    assert history[-1] == (
        AT,
        HANH,
        "Tạo mới",
        "Họ và tên: Lê Văn Tâm; Ngày sinh: 10/03/2005; Giới tính: Nam; Số CCCD: ********1234; "
        "Số điện thoại: 0912345678; Quê quán (tỉnh): Tỉnh Ninh Bình; "
        "Quê quán (xã/phường): Phường Phủ Lý; Đơn vị: PK02; Cấp bậc: Binh nhất; "
        "Ngày nhập ngũ: 01/03/2024; Ngày xuất ngũ dự kiến: 01/03/2026",
    )
    assert history[1] == (AT, CUONG, "Vay vốn", "Vay vốn: Khởi nghiệp – 50.000.000 đ")


def test_the_report_holds_his_counselling_wishes_and_training(tam) -> None:
    rows = rows_of(subject_access.report_for(tam))

    assert rows["counselling"] == [
        (dt.date(2026, 5, 20), "Ngày hội việc làm", HANH, "Ngày hội việc làm 2026"),
        (dt.date(2025, 6, 1), "Hướng nghiệp", CUONG, "Tư vấn học nghề điện"),
    ]
    # Every wish, the current one first; the survey's answers in the order of the form.
    assert rows["career_wishes"] == [
        (
            dt.date(2025, 7, 1), "Có", "Điện công nghiệp", "", "Có", "Tại tỉnh quê", "Không",
            "Không", "", "Không", "", "Có", CUONG,
        ),
        (
            dt.date(2025, 6, 2), "Không", "", "", "Không", "", "Không",
            "Không", "", "Không", "", "Không", CUONG,
        ),
    ]  # fmt: skip
    assert rows["registrations"] == [
        (
            dt.date(2026, 2, 1), "Điện công nghiệp", "Trường nghề Hoa Lư", "Đã hoàn thành",
            dt.date(2026, 2, 10), dt.date(2026, 3, 15), dt.date(2026, 6, 15), "CC-001", None, "",
        ),
    ]  # fmt: skip
    # Applied in March 2026: the cap is 12 × 2.340.000 đ, the base salary then.
    assert rows["training_support"] == [
        (
            "Hồ sơ đề nghị tại UBND xã (Nghị định 338/2025)", 28_080_000, "", None, None, "",
            None, None, dt.date(2026, 3, 10), dt.date(2026, 3, 20), 6_000_000,
        ),
    ]  # fmt: skip


def test_the_report_holds_his_jobs_loans_and_fairs(tam) -> None:
    rows = rows_of(subject_access.report_for(tam))

    assert rows["referrals"] == [
        (
            dt.date(2026, 7, 1), "Thợ điện công nghiệp", "Công ty TNHH Điện Ninh Bình",
            "Đã tuyển dụng", dt.date(2026, 8, 1), "", CUONG,
        ),
    ]  # fmt: skip
    assert rows["placements"] == [
        (
            dt.date(2026, 8, 1), "Làm việc tại doanh nghiệp", "Công ty TNHH Điện Ninh Bình",
            "Điện công nghiệp", "", 8_500_000, "Hợp đồng lao động", "Đơn vị giới thiệu",
        ),
    ]  # fmt: skip
    assert rows["loans"] == [
        (dt.date(2026, 9, 1), "Khởi nghiệp", 50_000_000, "NHCSXH Ninh Bình", "Đã nộp hồ sơ", None)
    ]
    assert rows["job_fairs"] == [
        (
            dt.date(2026, 5, 20),
            "Ngày hội việc làm",
            "Ngày hội việc làm 2026",
            "Nhà văn hóa tỉnh",
            "CAT",
        )
    ]


def test_the_report_says_who_printed_saw_and_exported_his_file(tam, tree, make_user) -> None:
    leader = make_user(Role.LEADER, tree.root, username="bgd", full_name="Đỗ Văn Lãnh")
    soldier_services.citizen_id_reveal(user=leader, soldier=tam)

    rows = rows_of(subject_access.report_for(tam))

    assert rows["sheet_prints"] == [(AT, CUONG, "PDF")]
    assert rows["citizen_id_views"] == [(AT, "Đỗ Văn Lãnh (bgd)", "CAT"), (AT, CUONG, "PK02")]
    assert [(user, kind) for _at, user, kind, _summary, _ip in rows["audit"]] == [
        ("bgd", "Xem đầy đủ số CCCD"),
        ("canbo.pk02", "Xem đầy đủ số CCCD"),
        ("canbo.pk02", "Xuất dữ liệu"),
    ]


def test_another_soldiers_records_stay_out_of_his_report(tam, tree, officer) -> None:
    other = SoldierFactory(unit=tree.pk02, full_name="Vũ Văn Khác")
    soldier_services.counselling_record(
        user=officer, soldier=other, date=dt.date(2026, 1, 5), kind="information"
    )
    soldier_services.citizen_id_reveal(user=officer, soldier=other)

    rows = rows_of(subject_access.report_for(tam))

    assert len(rows["counselling"]) == 2
    assert rows["citizen_id_views"] == [(AT, CUONG, "PK02")]
    assert len(rows["audit"]) == 2


def test_a_soldier_with_no_path_has_only_his_file_and_its_creation(tree, px01) -> None:
    new = SoldierFactory(unit=tree.pk02, author=px01, full_name="Hoàng Văn Mới")

    rows = rows_of(subject_access.report_for(new))

    assert [key for key, found in rows.items() if found] == ["file", "history"]


# -- the page, the PDF, the workbook --


def test_px01_reads_the_report_on_a_page_and_it_is_logged(tam, px01, login) -> None:
    response = login(px01).get(f"/reports/subject-access/{tam.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Dữ liệu cá nhân đang lưu giữ về Lê Văn Tâm" in html
    assert f"<td>{CITIZEN_ID}</td>" in html
    assert "<td>10/03/2005</td>" in html
    assert "<td>28.080.000</td>" in html
    assert "<td>01/03/2027 09:30</td>" in html
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.SUBJECT_ACCESS)
    assert (event.user, event.subject_type, event.subject_id, event.details) == (
        px01,
        "soldiers.soldier",
        tam.pk,
        {"form": "page", "file": ""},
    )
    assert event.summary == "Báo cáo dữ liệu cá nhân của chủ thể: trang web"


def test_the_pdf_holds_his_name_and_citizen_id_and_is_logged(tam, px01, login) -> None:
    response = login(px01).get(f"/reports/subject-access/{tam.pk}.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="du-lieu-ca-nhan-{tam.pk}.pdf"'
    )
    text = pdf_text(b"".join(response.streaming_content))
    assert "Lê Văn Tâm" in text
    assert CITIZEN_ID in text
    assert "Trường nghề Hoa Lư" in text
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.SUBJECT_ACCESS)
    assert event.details == {"form": "pdf", "file": f"du-lieu-ca-nhan-{tam.pk}.pdf"}


def test_the_workbook_has_one_sheet_per_section_and_is_logged(tam, px01, login) -> None:
    response = login(px01).get(f"/reports/subject-access/{tam.pk}.xlsx")

    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Hồ sơ",
        "Lịch sử hồ sơ",
        "Tuyên truyền, tư vấn",
        "Nguyện vọng",
        "Đăng ký học nghề",
        "Hỗ trợ đào tạo",
        "Giới thiệu việc làm",
        "Việc làm",
        "Vay vốn",
        "Ngày hội việc làm đã tham gia",
        "Phiếu tư vấn đã in",
        "Người đã xem số CCCD đầy đủ",
        "Người đã xem, xuất hồ sơ",
    ]
    identity = cells(book["Hồ sơ"], min_row=2, max_row=5)
    assert identity == [
        ("Họ và tên", "Lê Văn Tâm"),
        ("Ngày sinh", dt.date(2005, 3, 10)),
        ("Giới tính", "Nam"),
        ("Số CCCD", CITIZEN_ID),
    ]
    loans = cells(book["Vay vốn"])
    assert loans == [
        ("Ngày nộp hồ sơ", "Mục đích", "Số tiền (đồng)", "Chi nhánh ngân hàng", "Trạng thái",
         "Ngày quyết định"),
        (dt.date(2026, 9, 1), "Khởi nghiệp", 50_000_000, "NHCSXH Ninh Bình", "Đã nộp hồ sơ",
         None),
    ]  # fmt: skip
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.SUBJECT_ACCESS)
    assert event.details == {"form": "xlsx", "file": f"du-lieu-ca-nhan-{tam.pk}.xlsx"}


def test_each_generation_appears_in_his_next_report(tam, px01, login) -> None:
    client = login(px01)
    client.get(f"/reports/subject-access/{tam.pk}/")
    client.get(f"/reports/subject-access/{tam.pk}.xlsx")

    audit_rows = rows_of(subject_access.report_for(tam))["audit"]

    assert [(user, kind, summary) for _at, user, kind, summary, _ip in audit_rows[:2]] == [
        (
            "px01",
            "Báo cáo dữ liệu cá nhân của chủ thể",
            "Báo cáo dữ liệu cá nhân của chủ thể: Excel",
        ),
        (
            "px01",
            "Báo cáo dữ liệu cá nhân của chủ thể",
            "Báo cáo dữ liệu cá nhân của chủ thể: trang web",
        ),
    ]


# -- who may --

PATHS = ("/reports/subject-access/{pk}/", "/reports/subject-access/{pk}.pdf",
         "/reports/subject-access/{pk}.xlsx")  # fmt: skip


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    "role", [Role.UNIT_OFFICER, Role.COMMUNE_OFFICER, Role.HQ_STAFF, Role.LEADER]
)
def test_no_other_role_may_make_the_report(tam, users, login, role, path) -> None:
    """hq_staff here is of the province's root unit, not PX01: he reviews nothing either."""
    response = login(users[role]).get(path.format(pk=tam.pk))

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.SUBJECT_ACCESS).exists()


@pytest.mark.parametrize("path", PATHS)
def test_a_partner_may_not_make_the_report(tam, login, path) -> None:
    partner = UserFactory(role=Role.INSTITUTION_STAFF, unit=None)

    assert login(partner).get(path.format(pk=tam.pk)).status_code == 403


@pytest.mark.parametrize("path", PATHS)
def test_the_anonymous_are_sent_to_sign_in(tam, client, path) -> None:
    response = client.get(path.format(pk=tam.pk))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_superuser_may_make_the_report(tam, login) -> None:
    admin = User.objects.create_superuser("quantri", "quantri@congan.local", "Mat-khau-2026!")

    assert login(admin).get(f"/reports/subject-access/{tam.pk}/").status_code == 200


def test_a_soldier_who_does_not_exist_is_not_found(px01, login) -> None:
    response = login(px01).get("/reports/subject-access/999999/")

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.SUBJECT_ACCESS).exists()


def test_the_soldiers_page_links_the_report_for_px01_only(tam, px01, officer, login) -> None:
    link = f'href="/reports/subject-access/{tam.pk}/" data-testid="subject-access-link"'

    assert link in login(px01).get(f"/soldiers/{tam.pk}/").content.decode()
    assert link not in login(officer).get(f"/soldiers/{tam.pk}/").content.decode()
