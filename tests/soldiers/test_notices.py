from __future__ import annotations

import datetime as dt
import threading
from io import StringIO

import pytest
from celery.schedules import crontab
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection

from config.celery import app
from soldiers import notices, services
from soldiers.models import MilestoneNotice, Soldier
from soldiers.tasks import send_milestone_notices
from tests.factories import SoldierFactory
from units.models import Notification, User

# Enlisted on 10/03/2025: month 15 starts on 10/05/2026, month 18 on 10/08/2026.
ENLISTED = dt.date(2025, 3, 10)
MONTH_15 = dt.date(2026, 5, 10)
MONTH_18 = dt.date(2026, 8, 10)
SURVEY_INTRO = "Đến hạn khảo sát nguyện vọng và tư vấn, hướng nghiệp cho:"
REGISTRATION_INTRO = (
    "Đến hạn lập danh sách đăng ký học nghề cho những chiến sĩ có nhu cầu học nghề:"
)


@pytest.fixture
def officers(tree, users, make_user) -> dict[str, User]:
    """Officers above, at, below and beside PK02-D1, plus accounts that are never told."""
    gone = make_user(User.Role.UNIT_OFFICER, tree.pk02_d1)
    User.objects.filter(pk=gone.pk).update(is_active=False)
    return {
        "pk02": users[User.Role.UNIT_OFFICER],
        "pk02_d1": make_user(User.Role.UNIT_OFFICER, tree.pk02_d1),
        "pk02_d1_t1": make_user(User.Role.UNIT_OFFICER, tree.pk02_d1_t1),
        "pc07": make_user(User.Role.UNIT_OFFICER, tree.pc07),
    }


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run the daily notice as the worker does, e-mails included (sent after commit)."""

    def do(on: dt.date) -> dict[int, int]:
        with django_capture_on_commit_callbacks(execute=True):
            return notices.milestone_notices_send(on=on)

    return do


def received(user: User) -> list[tuple[str, str, str]]:
    return list(
        Notification.objects.filter(user=user).order_by("pk").values_list("title", "body", "url")
    )


def test_officers_of_the_unit_and_above_are_told_on_the_day_month_15_starts(
    tree, officers, run
) -> None:
    SoldierFactory(full_name="Phan Văn Cao", unit=tree.pk02_d1, enlistment_date=ENLISTED)
    SoldierFactory(full_name="Lê Văn Bình", unit=tree.pk02_d1, enlistment_date=ENLISTED)

    before = run(MONTH_15 - dt.timedelta(days=1))
    on_the_day = run(MONTH_15)

    assert (before, on_the_day) == ({15: 0, 18: 0}, {15: 2, 18: 0})
    expected = (
        "PK02-D1: 2 chiến sĩ bước sang tháng thứ 15 của thời hạn phục vụ",
        f"{SURVEY_INTRO}\n"
        "- Lê Văn Bình, tháng thứ 15 từ ngày 10/05/2026\n"
        "- Phan Văn Cao, tháng thứ 15 từ ngày 10/05/2026",
        "/soldiers/worklist/",
    )
    assert {name: received(user) for name, user in officers.items()} == {
        "pk02": [expected],
        "pk02_d1": [expected],
        "pk02_d1_t1": [],
        "pc07": [],
    }
    assert Notification.objects.count() == 2
    assert sorted((m.to, m.subject) for m in mail.outbox) == sorted(
        ([officers[name].email], expected[0]) for name in ("pk02", "pk02_d1")
    )
    assert mail.outbox[0].body == (
        f"{expected[1]}\n\nXem chi tiết trong phần mềm: /soldiers/worklist/"
    )


def test_a_second_run_tells_nobody_again(tree, officers, run) -> None:
    SoldierFactory(unit=tree.pk02_d1, enlistment_date=ENLISTED)
    run(MONTH_15)

    again = run(MONTH_15)
    next_day = run(MONTH_15 + dt.timedelta(days=1))

    assert (again, next_day) == ({15: 0, 18: 0}, {15: 0, 18: 0})
    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 2
    assert MilestoneNotice.objects.count() == 1


def test_month_18_is_told_separately_once(tree, officers, run) -> None:
    soldier = SoldierFactory(full_name="Lê Văn Bình", unit=tree.pk02_d1, enlistment_date=ENLISTED)
    run(MONTH_15)

    at_18 = run(MONTH_18)
    again = run(MONTH_18)

    assert (at_18, again) == ({15: 0, 18: 1}, {15: 0, 18: 0})
    assert received(officers["pk02_d1"])[1] == (
        "PK02-D1: 1 chiến sĩ bước sang tháng thứ 18 của thời hạn phục vụ",
        f"{REGISTRATION_INTRO}\n- Lê Văn Bình, tháng thứ 18 từ ngày 10/08/2026",
        "/soldiers/worklist/",
    )
    assert sorted(soldier.milestone_notices.values_list("month", flat=True)) == [15, 18]
    assert len(mail.outbox) == 4


def test_a_day_without_a_run_is_caught_up_by_the_next(tree, officers, run) -> None:
    SoldierFactory(full_name="Lê Văn Bình", unit=tree.pk02_d1, enlistment_date=ENLISTED)

    late = run(MONTH_15 + dt.timedelta(days=3))

    assert late == {15: 1, 18: 0}
    assert received(officers["pk02_d1"])[0][1] == (
        f"{SURVEY_INTRO}\n- Lê Văn Bình, tháng thứ 15 từ ngày 10/05/2026"
    )


def test_one_notification_per_unit_lists_that_units_soldiers(tree, officers, run) -> None:
    SoldierFactory(full_name="Lê Văn Bình", unit=tree.pk02_d1, enlistment_date=ENLISTED)
    SoldierFactory(full_name="Hồ Văn Đạt", unit=tree.pk02, enlistment_date=ENLISTED)

    run(MONTH_15)

    assert [title for title, _, _ in received(officers["pk02"])] == [
        "PK02: 1 chiến sĩ bước sang tháng thứ 15 của thời hạn phục vụ",
        "PK02-D1: 1 chiến sĩ bước sang tháng thứ 15 của thời hạn phục vụ",
    ]
    assert [title for title, _, _ in received(officers["pk02_d1"])] == [
        "PK02-D1: 1 chiến sĩ bước sang tháng thứ 15 của thời hạn phục vụ"
    ]


def test_discharged_and_archived_soldiers_are_not_told(tree, users, officers, run) -> None:
    hq = users[User.Role.HQ_STAFF]
    SoldierFactory(
        unit=tree.pk02_d1,
        enlistment_date=ENLISTED,
        actual_discharge_date=MONTH_15 - dt.timedelta(days=1),
    )
    archived = SoldierFactory(unit=tree.pk02_d1, enlistment_date=ENLISTED)
    services.soldier_archive(user=hq, soldier=archived, reason="Chuyển công tác")
    SoldierFactory(unit=tree.pk02_d1, enlistment_date=dt.date(2024, 8, 10))  # discharged 10/08/2026

    assert run(MONTH_18) == {15: 0, 18: 0}
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_a_soldier_claimed_by_another_run_meanwhile_is_not_told_twice(
    tree, officers, run, monkeypatch
) -> None:
    soldier = SoldierFactory(unit=tree.pk02_d1, enlistment_date=ENLISTED)
    # Another worker inserted the notice row after this run read the soldiers due.
    MilestoneNotice.objects.create(soldier=soldier, month=15)
    monkeypatch.setattr(
        notices, "_due", lambda month, on: list(Soldier.objects.all()) if month == 15 else []
    )

    assert run(MONTH_15) == {15: 0, 18: 0}
    assert Notification.objects.count() == 0
    assert MilestoneNotice.objects.count() == 1


def test_the_celery_task_runs_the_notice_for_a_day(
    tree, officers, django_capture_on_commit_callbacks
):
    SoldierFactory(unit=tree.pk02_d1, enlistment_date=ENLISTED)

    with django_capture_on_commit_callbacks(execute=True):
        result = send_milestone_notices.delay(MONTH_15.isoformat()).get()

    assert result == {"15": 1, "18": 0}
    assert len(mail.outbox) == 2


def test_the_beat_runs_the_task_daily_at_seven_with_an_expiry() -> None:
    entry = app.conf.beat_schedule["milestone-notices"]

    assert entry["task"] == send_milestone_notices.name == "soldiers.send_milestone_notices"
    assert entry["schedule"] == crontab(hour=7, minute=0)
    assert entry["options"] == {"expires": 12 * 60 * 60}
    assert app.conf.timezone == "Asia/Ho_Chi_Minh"


def test_the_command_runs_the_notice_for_a_given_date(tree, officers) -> None:
    SoldierFactory(unit=tree.pk02_d1, enlistment_date=ENLISTED)
    out = StringIO()

    call_command("send_milestone_notices", "--date", "2026-05-10", stdout=out)

    assert out.getvalue() == (
        "10/05/2026: month 15: 1 soldier(s) noticed\n10/05/2026: month 18: 0 soldier(s) noticed\n"
    )
    assert Notification.objects.count() == 2


def test_the_command_refuses_a_malformed_date(db) -> None:
    with pytest.raises(CommandError) as caught:
        call_command("send_milestone_notices", "--date", "10/05/2026")

    assert str(caught.value) == (
        "Error: argument --date: not a date in the form YYYY-MM-DD: '10/05/2026'"
    )


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_workers_running_at_once_tell_each_officer_once(postgres, tree, officers) -> None:
    SoldierFactory(unit=tree.pk02_d1, enlistment_date=ENLISTED)
    start = threading.Barrier(2)
    results = []

    def worker() -> None:
        try:
            start.wait()
            results.append(notices.milestone_notices_send(on=MONTH_15))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(result[15] for result in results) == [0, 1]
    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 2
