"""PX01's audit page: who may read it, its filters, its pages and its Excel file (itself logged),
and the administration's read-only view of the same log."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import TEST_PASSWORD, SoldierFactory, UnitFactory, UserFactory
from units import audit
from units.models import AuditEvent, Unit, User

Role = User.Role
Kind = AuditEvent.Kind
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
PX01 = "px01"
SUPERUSER = "superuser"
ANONYMOUS = "anonymous"
PAGE = reverse("units:audit")
XLSX = reverse("units:audit_xlsx")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 8, day, hour, minute, tzinfo=HANOI)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(at(3, 9), tick=False):
        yield


@pytest.fixture
def px01(tree, make_user) -> User:
    unit = UnitFactory(code="PX01", parent=tree.root, kind=Unit.Kind.HQ_DEPARTMENT)
    return make_user(Role.HQ_STAFF, unit)


@pytest.fixture
def accounts(users, px01, db) -> dict[str, User]:
    return users | {
        PX01: px01,
        SUPERUSER: User.objects.create_superuser("quantri", "q@congan.local", TEST_PASSWORD),
        Role.INSTITUTION_STAFF: UserFactory(role=Role.INSTITUTION_STAFF, unit=None),
        Role.EMPLOYER_STAFF: UserFactory(role=Role.EMPLOYER_STAFF, unit=None),
    }


def recorded(when: dt.datetime, kind: str, user: User | None, **kwargs: object) -> AuditEvent:
    with time_machine.travel(when, tick=False):
        return audit.record(kind, user=user, **kwargs)


def shown(response) -> list[tuple[str, str, str]]:
    """The rows of the page: who, what kind, what summary."""
    return [
        (row.event.username, row.event.kind, row.event.summary) for row in response.context["rows"]
    ]


# -- who may read the log --


@pytest.mark.parametrize("url", [PAGE, XLSX])
@pytest.mark.parametrize(
    ("who", "status"),
    [
        (PX01, 200),
        (SUPERUSER, 200),
        (Role.HQ_STAFF, 403),  # headquarters staff of another department
        (Role.LEADER, 403),
        (Role.UNIT_OFFICER, 403),
        (Role.COMMUNE_OFFICER, 403),
        (Role.INSTITUTION_STAFF, 403),
        (Role.EMPLOYER_STAFF, 403),
    ],
)
def test_only_px01_and_superusers_read_the_log(login, accounts, url, who, status) -> None:
    response = login(accounts[who]).get(url)

    assert response.status_code == status


@pytest.mark.parametrize("url", [PAGE, XLSX])
def test_signed_out_visitors_are_sent_to_sign_in(client, db, url) -> None:
    response = client.get(url)

    assert (response.status_code, response.url) == (302, f"/accounts/login/?next={url}")


def test_a_refused_reader_leaves_no_export_in_the_log(login, accounts) -> None:
    login(accounts[Role.LEADER]).get(XLSX)

    assert AuditEvent.objects.filter(kind=Kind.EXPORT).count() == 0


# -- the filters --


@pytest.fixture
def soldier(tree):
    return SoldierFactory(unit=tree.pk02, citizen_id="037205001234")


@pytest.fixture
def history(users, px01, soldier) -> None:
    """An officer's day and a half, and a leader's export."""
    officer, leader = users[Role.UNIT_OFFICER], users[Role.LEADER]
    recorded(at(1, 7, 55), Kind.LOGIN, officer)
    recorded(at(1, 8), Kind.CITIZEN_ID_VIEWED, officer, subject=soldier)
    recorded(at(1, 23, 59), Kind.EXPORT, leader, summary="Bảng tổng hợp")
    recorded(at(2, 0, 1), Kind.EXPORT, officer, summary="Sổ theo dõi", subject=soldier)
    recorded(at(2, 10), Kind.LOGOUT, officer)


def test_the_log_is_newest_first_with_a_total(login, px01, users, history) -> None:
    officer, leader = users[Role.UNIT_OFFICER].username, users[Role.LEADER].username

    response = login(px01).get(PAGE)

    # Opening the page signs nobody in: the force_login of the test client does (the first row).
    assert shown(response)[1:] == [
        (officer, Kind.LOGOUT, ""),
        (officer, Kind.EXPORT, "Sổ theo dõi"),
        (leader, Kind.EXPORT, "Bảng tổng hợp"),
        (officer, Kind.CITIZEN_ID_VIEWED, ""),
        (officer, Kind.LOGIN, ""),
    ]
    assert shown(response)[0] == (px01.username, Kind.LOGIN, "")
    assert '<span class="text-muted" data-testid="total">6 mục</span>' in response.content.decode()


def test_filtering_by_account_finds_it_under_any_case(login, px01, users, history) -> None:
    officer = users[Role.UNIT_OFFICER].username

    response = login(px01).get(PAGE, {"account": officer.upper()})

    assert shown(response) == [
        (officer, Kind.LOGOUT, ""),
        (officer, Kind.EXPORT, "Sổ theo dõi"),
        (officer, Kind.CITIZEN_ID_VIEWED, ""),
        (officer, Kind.LOGIN, ""),
    ]


@pytest.mark.parametrize("given", ["id", "citizen_id"])
def test_filtering_by_soldier_finds_his_events_by_number_or_citizen_id(
    login, px01, users, soldier, history, given
) -> None:
    officer = users[Role.UNIT_OFFICER].username
    value = soldier.pk if given == "id" else "037205001234"

    response = login(px01).get(PAGE, {"soldier": value})

    assert shown(response) == [
        (officer, Kind.EXPORT, "Sổ theo dõi"),
        (officer, Kind.CITIZEN_ID_VIEWED, ""),
    ]
    html = response.content.decode()
    assert f'<a href="/soldiers/{soldier.pk}/">Chiến sĩ #{soldier.pk}</a>' in html


def test_filtering_by_kind_and_local_days(login, px01, users, history) -> None:
    leader, officer = users[Role.LEADER].username, users[Role.UNIT_OFFICER].username

    first_day = login(px01).get(
        PAGE, {"kind": Kind.EXPORT, "start": "01/08/2026", "end": "01/08/2026"}
    )
    second_day = login(px01).get(PAGE, {"kind": Kind.EXPORT, "start": "02/08/2026"})

    # 23:59 and 00:01 Hanoi time fall on their own days, whatever the time in UTC.
    assert shown(first_day) == [(leader, Kind.EXPORT, "Bảng tổng hợp")]
    assert shown(second_day) == [(officer, Kind.EXPORT, "Sổ theo dõi")]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            {"soldier": "Nguyễn Văn"},
            "soldier",
            "Đồng chí hãy nhập số hồ sơ của chiến sĩ hoặc số CCCD gồm 12 chữ số.",
        ),
        (
            {"start": "02/08/2026", "end": "01/08/2026"},
            "end",
            "Ngày kết thúc trước ngày bắt đầu.",
        ),
    ],
)
def test_a_filter_that_does_not_read_says_why_and_shows_nothing(
    login, px01, history, query, field, message
) -> None:
    response = login(px01).get(PAGE, query)

    assert response.context["filters"].errors == {field: [message]}
    assert shown(response) == []
    assert "Không có mục nào phù hợp." in response.content.decode()


def test_each_entry_shows_its_details_in_words(login, px01, users) -> None:
    audit.record_export(
        user=users[Role.UNIT_OFFICER],
        summary="Sổ theo dõi năm 2026, PK02",
        file="so-theo-doi-2026-pk02.xlsx",
        filters={"year": 2026, "unit": "PK02"},
        rows=2,
    )

    response = login(px01).get(PAGE, {"kind": Kind.EXPORT})

    [row] = response.context["rows"]
    assert row.details == (
        "tên tệp: so-theo-doi-2026-pk02.xlsx · số dòng: 2 · bộ lọc: đơn vị: PK02, năm: 2026"
    )


# -- pages and queries --


def test_the_log_is_paged_fifty_at_a_time(login, px01, users) -> None:
    for minute in range(59):
        recorded(at(2, 8, minute), Kind.LOGIN, users[Role.LEADER])

    client = login(px01)
    first, second = client.get(PAGE), client.get(PAGE, {"page": 2})

    assert (len(first.context["rows"]), first.context["page"].paginator.count) == (50, 60)
    assert len(second.context["rows"]) == 10


@pytest.mark.parametrize("url", [PAGE, XLSX])
def test_the_page_and_the_file_ask_the_same_questions_for_5_and_50_entries(
    login, px01, users, soldier, url
) -> None:
    client = login(px01)
    client.get(PAGE)  # the session and the account's device are read once and cached

    def add(count: int) -> None:
        for _ in range(count):
            audit.record(Kind.CITIZEN_ID_VIEWED, user=users[Role.UNIT_OFFICER], subject=soldier)

    add(5)
    with CaptureQueriesContext(connection) as five:
        client.get(url)
    add(45)
    with CaptureQueriesContext(connection) as fifty:
        client.get(url)

    assert len(fifty.captured_queries) == len(five.captured_queries)


# -- the Excel file --


def test_the_file_holds_the_filtered_entries_and_its_download_is_logged(
    login, px01, users, soldier, history
) -> None:
    officer = users[Role.UNIT_OFFICER].username

    response = login(px01).get(XLSX, {"account": officer, "kind": Kind.EXPORT})

    assert response["Content-Disposition"] == 'attachment; filename="nhat-ky-20260803.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content))["Nhật ký"]
    rows = list(sheet.values)
    assert rows[0] == (
        "Thời điểm",
        "Tài khoản",
        "Loại sự kiện",
        "Đối tượng",
        "Nội dung",
        "Chi tiết",
        "Địa chỉ",
        "Trình duyệt",
    )
    assert rows[1:] == [
        (
            at(2, 0, 1).replace(tzinfo=None),  # Excel keeps the local time, with no zone
            officer,
            "Xuất dữ liệu",
            f"Chiến sĩ #{soldier.pk}",
            "Sổ theo dõi",
            None,
            None,
            None,
        )
    ]
    [export] = AuditEvent.objects.filter(kind=Kind.EXPORT, user=px01)
    assert (export.summary, export.details) == (
        "Nhật ký",
        {
            "file": "nhat-ky-20260803.xlsx",
            "filters": {"account": officer, "kind": "export"},
            "rows": 1,
        },
    )


# -- the administration: read only --


@pytest.fixture
def superuser(accounts) -> User:
    return accounts[SUPERUSER]


def test_the_administration_lists_the_log_but_cannot_add_change_or_delete(
    login, superuser, users
) -> None:
    event = audit.record(Kind.LOGIN, user=users[Role.LEADER])
    client = login(superuser)

    listing = client.get(reverse("admin:units_auditevent_changelist"))
    add = client.get(reverse("admin:units_auditevent_add"))
    change = client.post(
        reverse("admin:units_auditevent_change", args=[event.pk]), {"summary": "sửa lại"}
    )
    delete = client.post(reverse("admin:units_auditevent_delete", args=[event.pk]), {"post": "yes"})

    assert (listing.status_code, add.status_code, change.status_code, delete.status_code) == (
        200,
        403,
        403,
        403,
    )
    event.refresh_from_db()
    assert event.summary == ""
