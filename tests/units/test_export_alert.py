"""The daily check: PX01 is told, once per account and day, when one account saw or exported more
whole citizen IDs than FULL_ID_EXPORT_ALERT (each ID shown counts one, each exported file its
full_ids)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError, transaction

from config.celery import app
from tests.factories import SoldierFactory, UnitFactory
from units import audit, services, tasks
from units.models import AuditEvent, ExportAlert, Notification, Unit, User

Role = User.Role
Kind = AuditEvent.Kind
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = dt.date(2026, 8, 1)
BODY = (
    "Mức cảnh báo là 3 số mỗi ngày. Mỗi lần hiện số CCCD đầy đủ trên trang hồ sơ chiến sĩ tính "
    "là một, mỗi số CCCD đầy đủ trong tệp đã xuất tính là một. Đồng chí hãy kiểm tra trong nhật "
    "ký xem công việc có thực sự cần đến các số này không."
)


@pytest.fixture(autouse=True)
def limit(settings) -> None:
    settings.FULL_ID_EXPORT_ALERT = 3


@pytest.fixture
def px01(tree, make_user) -> list[User]:
    """PX01's two active accounts, and one deactivated that is told nothing."""
    unit = UnitFactory(code="PX01", parent=tree.root, kind=Unit.Kind.HQ_DEPARTMENT)
    retired = make_user(Role.HQ_STAFF, unit)
    User.objects.filter(pk=retired.pk).update(is_active=False)  # as the admin deactivates
    return [make_user(Role.HQ_STAFF, unit), make_user(Role.HQ_STAFF, unit)]


@pytest.fixture
def officer(users) -> User:
    return users[Role.UNIT_OFFICER]


@pytest.fixture
def soldier(tree):
    return SoldierFactory(unit=tree.pk02)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=HANOI)


def seen(user: User, soldier, when: dt.datetime, times: int = 1) -> None:
    with time_machine.travel(when, tick=False):
        for _ in range(times):
            audit.record(Kind.CITIZEN_ID_VIEWED, user=user, subject=soldier)


def exported(user: User | None, when: dt.datetime, *, full_ids: int = 0, rows: int = 0) -> None:
    with time_machine.travel(when, tick=False):
        audit.record_export(
            user=user,
            summary="Sổ theo dõi",
            file="so.xlsx",
            filters={},
            rows=rows,
            full_ids=full_ids,
        )


def notices() -> list[tuple[int, str, str, str]]:
    return list(
        Notification.objects.order_by("user", "pk").values_list("user", "title", "body", "url")
    )


def test_an_account_over_the_limit_is_reported_to_each_active_px01_account(
    px01, officer, soldier
) -> None:
    seen(officer, soldier, at(DAY, 8), times=2)
    exported(officer, at(DAY, 15), full_ids=2, rows=2)

    alerts = services.full_id_export_alerts(day=DAY)

    assert [(a.user, a.day, a.full_ids) for a in alerts] == [(officer, DAY, 4)]
    title = f"{officer.username} đã xem hoặc xuất 4 số CCCD đầy đủ trong ngày 01/08/2026"
    url = f"/units/audit/?start=01%2F08%2F2026&end=01%2F08%2F2026&account={officer.username}"
    assert notices() == [(px01[0].pk, title, BODY, url), (px01[1].pk, title, BODY, url)]


def test_running_the_check_twice_tells_once(px01, officer, soldier) -> None:
    seen(officer, soldier, at(DAY, 8), times=4)
    services.full_id_export_alerts(day=DAY)

    again = services.full_id_export_alerts(day=DAY)

    assert again == []
    assert Notification.objects.count() == 2
    assert ExportAlert.objects.count() == 1


def test_at_the_limit_nothing_is_reported(px01, officer, soldier) -> None:
    seen(officer, soldier, at(DAY, 8), times=3)

    assert services.full_id_export_alerts(day=DAY) == []
    assert notices() == []


def test_masked_files_count_nothing_however_long(px01, officer) -> None:
    exported(officer, at(DAY, 8), rows=5_000)

    assert services.full_id_export_alerts(day=DAY) == []


def test_only_the_local_day_counts(px01, officer, soldier) -> None:
    seen(officer, soldier, at(DAY - dt.timedelta(days=1), 23, 59), times=2)
    seen(officer, soldier, at(DAY, 0, 0), times=3)
    seen(officer, soldier, at(DAY + dt.timedelta(days=1), 0, 0), times=2)

    assert services.full_id_export_alerts(day=DAY) == []


def test_each_account_is_counted_on_its_own(px01, officer, users, soldier) -> None:
    seen(officer, soldier, at(DAY, 8), times=2)
    seen(users[Role.HQ_STAFF], soldier, at(DAY, 9), times=2)

    assert services.full_id_export_alerts(day=DAY) == []


def test_the_ledger_command_counts_as_the_command_lines_own(px01, tree, tmp_path: Path) -> None:
    for serial in range(4):
        SoldierFactory(unit=tree.pk02, enlistment_date=dt.date(2024, 3, 1), full_name=f"A {serial}")
    with time_machine.travel(at(DAY, 22), tick=False):
        call_command(
            "export_ledger", str(tmp_path / "so.xlsx"), "--year", "2026", stdout=io.StringIO()
        )

    [alert] = services.full_id_export_alerts(day=DAY)

    assert (alert.user, alert.full_ids) == (None, 4)
    title = "Dòng lệnh đã xem hoặc xuất 4 số CCCD đầy đủ trong ngày 01/08/2026"
    url = "/units/audit/?start=01%2F08%2F2026&end=01%2F08%2F2026&kind=export"
    assert notices()[0] == (px01[0].pk, title, BODY, url)
    assert services.full_id_export_alerts(day=DAY) == []


def test_the_notice_opens_the_log_on_that_account_and_day(login, px01, officer, soldier) -> None:
    seen(officer, soldier, at(DAY, 8), times=4)
    services.full_id_export_alerts(day=DAY)
    [(_user, _title, _body, url)] = notices()[:1]

    response = login(px01[0]).get(url)

    rows = [(row.event.username, row.event.kind) for row in response.context["rows"]]
    assert rows == [(officer.username, Kind.CITIZEN_ID_VIEWED)] * 4


@pytest.mark.parametrize("command_line", [False, True])
def test_the_database_holds_one_alert_per_account_and_day(officer, command_line) -> None:
    user = None if command_line else officer
    ExportAlert.objects.create(user=user, day=DAY, full_ids=4)

    with pytest.raises(IntegrityError), transaction.atomic():
        ExportAlert.objects.create(user=user, day=DAY, full_ids=9)


# -- the task and its schedule --


def test_the_task_checks_the_day_that_has_just_ended(px01, officer, soldier) -> None:
    seen(officer, soldier, at(DAY, 8), times=4)

    with time_machine.travel(at(DAY + dt.timedelta(days=1), 6, 30), tick=False):
        reported = tasks.check_full_id_exports.delay().get()

    assert (reported, ExportAlert.objects.get().day) == (1, DAY)


def test_the_task_takes_a_day_to_check(px01, officer, soldier) -> None:
    seen(officer, soldier, at(DAY, 8), times=4)

    assert tasks.check_full_id_exports.delay("2026-08-01").get() == 1


def test_the_check_runs_every_morning_and_expires_if_late() -> None:
    entry = app.conf.beat_schedule["full-id-exports"]

    assert (entry["task"], str(entry["schedule"]), entry["options"]) == (
        "units.check_full_id_exports",
        "<crontab: 30 6 * * * (m/h/dM/MY/d)>",
        {"expires": 12 * 60 * 60},
    )
