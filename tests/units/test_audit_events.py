"""Every kind of security event reaches the audit log from where it happens, with exactly who,
what, about whom, from which address and browser, and the details an inspector needs."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from reports import submissions
from reports.models import ReportObligation
from soldiers.models import CitizenIdView, Soldier
from tests.factories import TEST_PASSWORD, CourseFactory, SoldierFactory
from tests.reports.test_ledger import ledger_file, ledger_row
from tests.soldiers.xlsx import soldier_row, upload, xlsx
from training import services as training_services
from units import services
from units.models import AuditEvent, User

Role = User.Role
Kind = AuditEvent.Kind
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
BROWSER = "Mozilla/5.0 Firefox/140.0"
HOME = "127.0.0.1"  # the test client's address
# Enlisted on 01/03/2024: discharged (expected) on 01/03/2026, in the 2026 cohort.
ENLISTED_2024 = dt.date(2024, 3, 1)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(dt.datetime(2026, 8, 1, 9, tzinfo=HANOI), tick=False):
        yield


@pytest.fixture(autouse=True)
def browser(client) -> None:
    client.defaults["HTTP_USER_AGENT"] = BROWSER


@pytest.fixture
def officer(users) -> User:
    return users[Role.UNIT_OFFICER]


@pytest.fixture
def hq(users) -> User:
    return users[Role.HQ_STAFF]


@pytest.fixture
def cohort(tree) -> list[Soldier]:
    """Two soldiers of PK02 discharged in 2026."""
    return [
        SoldierFactory(unit=tree.pk02, full_name=name, enlistment_date=ENLISTED_2024)
        for name in ("Lê Văn An", "Trần Văn Bình")
    ]


def logged(kind: str) -> list[tuple]:
    """The entries of one kind, oldest first: who (account and name), about what, the summary,
    the details, and from where."""
    return list(
        AuditEvent.objects.filter(kind=kind)
        .order_by("pk")
        .values_list(
            "user",
            "username",
            "subject_type",
            "subject_id",
            "summary",
            "details",
            "ip_address",
            "user_agent",
        )
    )


# -- signing in and out: the signals of Django and django-axes --


def test_a_sign_in_is_logged_with_its_address_and_browser(client, officer) -> None:
    client.post(reverse("login"), {"username": officer.username, "password": TEST_PASSWORD})

    assert logged(Kind.LOGIN) == [(officer.pk, officer.username, "", None, "", {}, HOME, BROWSER)]


def test_a_wrong_password_is_logged_under_the_account(client, officer) -> None:
    client.post(reverse("login"), {"username": officer.username, "password": "sai-mat-khau"})

    assert logged(Kind.LOGIN_FAILED) == [
        (officer.pk, officer.username, "", None, "", {}, HOME, BROWSER)
    ]
    assert logged(Kind.LOGIN) == []


def test_an_unknown_name_is_logged_as_typed_with_no_account(client, db) -> None:
    client.post(reverse("login"), {"username": "khong-co-ai", "password": "sai-mat-khau"})

    assert logged(Kind.LOGIN_FAILED) == [(None, "khong-co-ai", "", None, "", {}, HOME, BROWSER)]


def test_the_fifth_wrong_password_locks_the_sign_in_and_is_logged(client, officer) -> None:
    for _attempt in range(5):
        client.post(reverse("login"), {"username": officer.username, "password": "sai"})

    assert Counter(AuditEvent.objects.values_list("kind", flat=True)) == {
        Kind.LOGIN_FAILED: 5,
        Kind.LOCKOUT: 1,
    }
    assert logged(Kind.LOCKOUT) == [(officer.pk, officer.username, "", None, "", {}, HOME, BROWSER)]


def test_a_sign_out_is_logged(login, officer) -> None:
    client = login(officer)

    client.post(reverse("logout"))

    assert logged(Kind.LOGOUT) == [(officer.pk, officer.username, "", None, "", {}, HOME, BROWSER)]


# -- a whole citizen ID --


def test_a_whole_citizen_id_shown_is_logged_with_its_soldier(login, officer, tree) -> None:
    soldier = SoldierFactory(unit=tree.pk02)

    login(officer).post(reverse("soldiers:reveal_id", args=[soldier.pk]))

    assert logged(Kind.CITIZEN_ID_VIEWED) == [
        (officer.pk, officer.username, "soldiers.soldier", soldier.pk, "", {}, HOME, BROWSER)
    ]
    # The soldier's own list of who saw his number is kept as well.
    assert list(CitizenIdView.objects.values_list("soldier", "user")) == [(soldier.pk, officer.pk)]


# -- exports: who, what, the filters, the rows --


def test_the_ledger_downloaded_in_the_browser_is_logged_with_its_filters_and_rows(
    login, officer, tree, cohort
) -> None:
    login(officer).get(reverse("reports:ledger_export"), {"year": 2026, "unit": tree.pk02.pk})

    details = {
        "file": "so-theo-doi-2026-pk02.xlsx",
        "filters": {"year": 2026, "unit": "PK02"},
        "rows": 2,
    }
    assert logged(Kind.EXPORT) == [
        (
            officer.pk,
            officer.username,
            "",
            None,
            "Sổ theo dõi năm 2026, PK02",
            details,
            HOME,
            BROWSER,
        )
    ]


def test_the_ledger_written_by_the_command_is_logged_with_no_account_and_its_whole_ids(
    cohort, tmp_path: Path
) -> None:
    call_command("export_ledger", str(tmp_path / "so.xlsx"), "--year", "2026", stdout=io.StringIO())

    summary = "Sổ theo dõi năm 2026, toàn tỉnh, số CCCD đầy đủ, xuất bằng dòng lệnh"
    details = {
        "file": "so.xlsx",
        "filters": {"year": 2026, "unit": ""},
        "rows": 2,
        "full_ids": 2,
    }
    assert logged(Kind.EXPORT) == [(None, "", "", None, summary, details, None, "")]


def test_the_summary_workbook_is_logged_with_the_rows_of_each_sheet(login, hq, cohort) -> None:
    login(hq).get(reverse("reports:summary_xlsx"), {"year": 2026})

    sheets = {"Tổng hợp": 3, "Theo đơn vị": 4, "Theo nghề": 0, "Tiến độ báo cáo": 2, "Danh sách": 2}
    details = {
        "file": "tong-hop-2026.xlsx",
        "filters": {"year": 2026, "as_of": "2026-08-01"},
        "rows": 11,
        "sheets": sheets,
    }
    summary = "Bảng tổng hợp chiến sĩ xuất ngũ năm 2026"
    assert logged(Kind.EXPORT) == [(hq.pk, hq.username, "", None, summary, details, HOME, BROWSER)]


@pytest.mark.parametrize(
    ("url_name", "summary", "file"),
    [
        (
            "reports:funding_xlsx",
            "Dự toán kinh phí năm 2026",
            "du-toan-kinh-phi-2026.xlsx",
        ),
        (
            "training:courses_export",
            "Danh sách cơ sở đào tạo và khóa đào tạo năm 2026",
            "danh-sach-co-so-dao-tao-2026.xlsx",
        ),
        (
            "employers:openings_export",
            "Nhu cầu tuyển dụng của doanh nghiệp năm 2026",
            "nhu-cau-tuyen-dung-2026.xlsx",
        ),
    ],
)
def test_each_province_list_downloaded_is_logged(login, hq, url_name, summary, file) -> None:
    CourseFactory(list_year=2026)

    response = login(hq).get(reverse(url_name), {"year": 2026})

    [(user, username, _type, _id, logged_summary, details, address, agent)] = logged(Kind.EXPORT)
    assert (user, username, logged_summary, address, agent) == (
        hq.pk,
        hq.username,
        summary,
        HOME,
        BROWSER,
    )
    assert (details["file"], details["filters"]["year"]) == (file, 2026)
    assert response["Content-Disposition"] == f'attachment; filename="{file}"'


def test_a_sent_registration_list_downloaded_is_logged_with_the_list(login, officer, tree) -> None:
    course = CourseFactory(list_year=2026)
    registration = training_services.registration_create(
        user=officer, soldier=SoldierFactory(unit=tree.pk02), course=course, on=dt.date(2026, 7, 1)
    )
    [sent] = training_services.registrations_send(
        user=officer, registrations=[registration], on=dt.date(2026, 7, 25)
    )

    login(officer).get(reverse("training:sent_list_xlsx", args=[sent.pk]))

    summary = f"Danh sách đăng ký học nghề gửi {course.institution.name} ngày 25/07/2026"
    details = {
        "file": f"danh-sach-dang-ky-hoc-nghe-{sent.pk}-20260725.xlsx",
        "filters": {"sent_list": sent.pk},
        "rows": 1,
    }
    assert logged(Kind.EXPORT) == [
        (
            officer.pk,
            officer.username,
            "training.registrationlist",
            sent.pk,
            summary,
            details,
            HOME,
            BROWSER,
        )
    ]


def test_each_counselling_sheet_printed_is_logged(login, officer, tree) -> None:
    soldier = SoldierFactory(unit=tree.pk02, enlistment_date=dt.date(2025, 5, 10))  # month 15
    client = login(officer)

    client.get(reverse("reports:sheet", args=[soldier.pk]))
    client.get(reverse("reports:sheet_pdf", args=[soldier.pk]))
    client.get(reverse("reports:sheet_batch", args=["PK02"]))

    assert [row[:6] for row in logged(Kind.EXPORT)] == [
        (
            officer.pk,
            officer.username,
            "soldiers.soldier",
            soldier.pk,
            "Phiếu tư vấn, trang in",
            {"file": "", "filters": {}, "rows": 1},
        ),
        (
            officer.pk,
            officer.username,
            "soldiers.soldier",
            soldier.pk,
            "Phiếu tư vấn, tệp PDF",
            {"file": f"phieu-tu-van-{soldier.pk}.pdf", "filters": {}, "rows": 1},
        ),
        (
            officer.pk,
            officer.username,
            "units.unit",
            tree.pk02.pk,
            "Phiếu tư vấn của các chiến sĩ tháng thứ 15 đến 17 của một đơn vị, tệp PDF",
            {"file": "phieu-tu-van-PK02-20260801.pdf", "filters": {"unit": "PK02"}, "rows": 1},
        ),
    ]


def test_a_reports_attached_file_downloaded_is_logged(login, officer, hq, tree, settings) -> None:
    settings.STORAGES = {**settings.STORAGES}  # a fresh in-memory storage
    report = submissions.submission_for(
        unit=tree.pk02, obligation=ReportObligation.objects.get(code="training-needs"), year=2026
    )
    upload_ = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.7\n%%EOF\n")
    report = submissions.submission_submit(user=officer, submission=report, attachment=upload_)

    login(hq).get(reverse("reports:submission_file", args=["training-needs", 2026, "PK02"]))

    details = {"file": "training-needs-PK02-2026.pdf", "filters": {}, "rows": None}
    summary = "Tệp đính kèm báo cáo training-needs năm 2026 của PK02"
    assert logged(Kind.EXPORT) == [
        (hq.pk, hq.username, "reports.reportsubmission", report.pk, summary, details, HOME, BROWSER)
    ]


# -- imports: rows created and updated --


def test_a_soldier_import_confirmed_is_logged_with_its_counts(login, officer) -> None:
    client = login(officer)
    client.post(
        reverse("soldiers:import"), {"file": upload(xlsx([soldier_row(1), soldier_row(2)]))}
    )

    client.post(reverse("soldiers:import_confirm"))

    details = {"file": "danh-sach.xlsx", "created": 2, "updated": 0, "unchanged": 0}
    summary = "Nhập danh sách chiến sĩ từ tệp Excel"
    assert logged(Kind.IMPORT) == [
        (officer.pk, officer.username, "", None, summary, details, HOME, BROWSER)
    ]


# A ledger of one new soldier with nothing yet recorded about him.
LEDGER_COUNTS = {
    "created": 1,
    "updated": 0,
    "unchanged": 0,
    "counsellings": 0,
    "wishes": 0,
    "registrations_created": 0,
    "registrations_updated": 0,
    "placements": 0,
}


def test_a_ledger_imported_in_the_browser_is_logged_with_its_counts(login, officer) -> None:
    client = login(officer)
    client.post(
        reverse("reports:ledger"), {"file": upload(ledger_file([ledger_row(1)]), "so.xlsx")}
    )

    client.post(reverse("reports:ledger_confirm"))

    details = {"file": "so.xlsx", **LEDGER_COUNTS}
    assert logged(Kind.IMPORT) == [
        (officer.pk, officer.username, "", None, "Nhập sổ theo dõi", details, HOME, BROWSER)
    ]


def test_a_ledger_imported_by_the_command_is_logged_under_its_account(
    officer, tmp_path: Path
) -> None:
    source = tmp_path / "so.xlsx"
    source.write_bytes(ledger_file([ledger_row(1)]))

    call_command("import_ledger", str(source), "--user", officer.username, stdout=io.StringIO())

    summary = "Nhập sổ theo dõi bằng dòng lệnh"
    details = {"file": "so.xlsx", **LEDGER_COUNTS}
    assert logged(Kind.IMPORT) == [
        (officer.pk, officer.username, "", None, summary, details, None, "")
    ]


def test_a_file_with_errors_imports_nothing_and_logs_nothing(login, officer) -> None:
    client = login(officer)
    bad = soldier_row(1, **{"Đơn vị": "XX99"})
    client.post(reverse("soldiers:import"), {"file": upload(xlsx([bad]))})

    client.post(reverse("soldiers:import_confirm"))

    assert logged(Kind.IMPORT) == []


# -- accounts and roles, changed by an administrator --


@pytest.fixture
def admin(db) -> User:
    return User.objects.create_superuser("quantri", "quantri@congan.local", TEST_PASSWORD)


def test_an_account_created_in_the_admin_is_logged_with_its_unit_and_role(
    login, admin, tree
) -> None:
    login(admin).post(
        reverse("admin:units_user_add"),
        {
            "username": "canbo-moi",
            "full_name": "Phạm Văn Mới",
            "email": "moi@congan.local",
            "unit": tree.pk02.pk,
            "role": Role.UNIT_OFFICER,
            "usable_password": "true",
            "password1": "Mat-khau-moi-2026",
            "password2": "Mat-khau-moi-2026",
        },
    )

    account = User.objects.get(username="canbo-moi")
    changes = {
        "unit": [None, "PK02"],
        "role": [None, "unit_officer"],
        "is_superuser": [None, False],
        "is_staff": [None, False],
        "username": [None, "canbo-moi"],
        "full_name": [None, "Phạm Văn Mới"],
        "email": [None, "moi@congan.local"],
        "is_active": [None, True],
    }
    assert logged(Kind.ACCOUNT) == [
        (
            admin.pk,
            "quantri",
            "units.user",
            account.pk,
            "Tạo tài khoản canbo-moi",
            {"changes": changes},
            HOME,
            BROWSER,
        )
    ]


def test_a_move_to_another_unit_is_a_role_entry_and_a_new_email_an_account_entry(
    login, admin, officer, tree
) -> None:
    login(admin).post(
        reverse("admin:units_user_change", args=[officer.pk]),
        {
            "username": officer.username,
            "full_name": officer.full_name,
            "email": "moi@congan.local",
            "unit": tree.pc07.pk,
            "role": Role.UNIT_OFFICER,
            "is_active": "on",
            "date_joined_0": "01/08/2026",
            "date_joined_1": "09:00:00",
        },
    )

    officer.refresh_from_db()
    assert officer.unit == tree.pc07
    role_summary = f"Thay đổi đơn vị, vai trò hoặc quyền truy cập của tài khoản {officer.username}"
    assert [row[:6] for row in logged(Kind.ROLE)] == [
        (
            admin.pk,
            "quantri",
            "units.user",
            officer.pk,
            role_summary,
            {"changes": {"unit": ["PK02", "PC07"]}},
        )
    ]
    old_email = f"{officer.username}@congan.local"
    assert [row[4:6] for row in logged(Kind.ACCOUNT)] == [
        (
            f"Sửa thông tin tài khoản {officer.username}",
            {"changes": {"email": [old_email, "moi@congan.local"]}},
        )
    ]


def test_a_password_set_by_an_administrator_is_logged_without_the_password(
    login, admin, officer
) -> None:
    login(admin).post(
        reverse("admin:auth_user_password_change", args=[officer.pk]),
        {"password1": "Mat-khau-moi-2026", "password2": "Mat-khau-moi-2026"},
    )

    summary = f"Quản trị viên đặt mật khẩu cho tài khoản {officer.username}"
    assert logged(Kind.ACCOUNT) == [
        (
            admin.pk,
            "quantri",
            "units.user",
            officer.pk,
            summary,
            {"changes": {"password": ["***", "***"]}},
            HOME,
            BROWSER,
        )
    ]


# -- partner invitations --


def test_a_partner_invitation_and_its_use_are_logged(hq) -> None:
    partner = services.partner_account_invite(
        created_by=hq,
        role=Role.INSTITUTION_STAFF,
        username="truong-nghe",
        full_name="Đỗ Thị Hoa",
        email="hoa@truongnghe.edu.vn",
    )
    invitation = partner.invitations.get()

    assert logged(Kind.INVITATION) == [
        (
            hq.pk,
            hq.username,
            "units.user",
            partner.pk,
            "Gửi thư mời cho tài khoản truong-nghe",
            {"role": "institution_staff", "expires_at": "2026-08-04T02:00:00+00:00"},
            None,
            "",
        )
    ]
    assert invitation.expires_at == dt.datetime(2026, 8, 4, 9, tzinfo=HANOI)


def test_a_password_chosen_through_an_invitation_is_logged_for_the_account(hq) -> None:
    partner = services.account_create(
        username="doanh-nghiep", unit=None, role=Role.EMPLOYER_STAFF, email="dn@dn.vn"
    )
    token = services.invitation_create(user=partner, created_by=hq)

    services.invitation_accept(token=token, password="Mat-khau-doi-tac-2026")

    invitation = partner.invitations.get()
    assert logged(Kind.ACCOUNT) == [
        (
            partner.pk,
            "doanh-nghiep",
            "units.user",
            partner.pk,
            "Đặt mật khẩu qua thư mời",
            {"invitation": invitation.pk},
            None,
            "",
        )
    ]
