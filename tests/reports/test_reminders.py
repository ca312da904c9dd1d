from __future__ import annotations

import datetime as dt
import socket
import threading
from io import StringIO

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from reports.models import Reminder, ReportObligation, ReportSubmission
from reports.reminders import latest_step, reminders_send
from tests.factories import UnitFactory
from units.models import Notification, Unit, User

DUE = dt.date(2026, 8, 15)


@pytest.fixture
def training_needs(db) -> ReportObligation:
    # Only the 15/08 deadline: the others stay out of these tests.
    ReportObligation.objects.exclude(code="training-needs").update(active=False)
    return ReportObligation.objects.get(code="training-needs")


@pytest.fixture
def px01(tree, make_user) -> User:
    unit = UnitFactory(code="PX01", parent=tree.root, kind=Unit.Kind.HQ_DEPARTMENT)
    return make_user(User.Role.HQ_STAFF, unit)


@pytest.mark.parametrize(
    ("on", "step"),
    [
        (dt.date(2026, 7, 31), None),
        (dt.date(2026, 8, 1), "d14"),
        (dt.date(2026, 8, 7), "d14"),
        (dt.date(2026, 8, 8), "d7"),
        (dt.date(2026, 8, 14), "d1"),
        (dt.date(2026, 8, 15), "d0"),
        (dt.date(2026, 8, 21), "d0"),
        (dt.date(2026, 8, 22), "w1"),
        (dt.date(2026, 9, 5), "w3"),
        (dt.date(2026, 11, 7), "w12"),
        (dt.date(2026, 11, 14), None),
    ],
)
def test_the_latest_step_reached_on_a_day(on, step) -> None:
    assert latest_step(DUE, on) == step


def test_the_day_before_the_deadline_each_managing_unit_that_has_not_submitted_is_told_once(
    tree, users, make_user, training_needs, px01, django_capture_on_commit_callbacks
) -> None:
    pc07_officer = make_user(User.Role.UNIT_OFFICER, tree.pc07)
    ReportSubmission.objects.create(
        obligation=training_needs,
        unit=tree.pc07,
        year=2026,
        status="submitted",
        submitted_at=timezone.now(),
    )

    with django_capture_on_commit_callbacks(execute=True):
        first = reminders_send(on=dt.date(2026, 8, 14))
        second = reminders_send(on=dt.date(2026, 8, 14))

    assert [(s.obligation, s.unit, s.year, s.step) for s in first] == [
        ("training-needs", "PK02", 2026, "d1")
    ]
    assert second == []
    officer = users[User.Role.UNIT_OFFICER]
    assert [m.to for m in mail.outbox] == [[officer.email]]
    assert mail.outbox[0].subject == (
        "Hạn nộp 15/08/2026: Báo cáo nhu cầu học nghề của chiến sĩ nghĩa vụ"
    )
    assert Notification.objects.filter(user=pc07_officer).count() == 0
    assert Notification.objects.filter(user=px01).count() == 0


def test_a_gap_sends_only_the_latest_missed_step(tree, users, training_needs) -> None:
    reminders_send(on=dt.date(2026, 8, 1))  # d14

    sent = reminders_send(on=dt.date(2026, 8, 14))  # d7 was missed; d1 is due

    assert [(s.unit, s.step) for s in sent] == [("PC07", "d1"), ("PK02", "d1")]
    assert sorted(Reminder.objects.filter(unit__code="PK02").values_list("step", flat=True)) == [
        "d1",
        "d14",
    ]


def test_overdue_reports_are_chased_weekly_with_one_copy_to_px01(
    tree, users, training_needs, px01
) -> None:
    reminders_send(on=dt.date(2026, 8, 15))
    reminders_send(on=dt.date(2026, 8, 22))
    reminders_send(on=dt.date(2026, 8, 29))

    assert sorted(Reminder.objects.filter(unit__code="PK02").values_list("step", flat=True)) == [
        "d0",
        "px01",
        "w1",
        "w2",
    ]
    # One copy per overdue unit (PK02 and PC07 both owe it), with the first overdue reminder only.
    assert (
        list(Notification.objects.filter(user=px01).values_list("title", flat=True))
        == ["[Bản sao] Quá hạn báo cáo: Báo cáo nhu cầu học nghề của chiến sĩ nghĩa vụ"] * 2
    )


def test_send_reminders_command_runs_the_same_service_for_a_given_day(
    tree, users, training_needs, django_capture_on_commit_callbacks
) -> None:
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", "2026-08-14", stdout=out)
        call_command("send_reminders", "--date", "2026-08-14", stdout=out)

    assert out.getvalue().splitlines() == [
        "training-needs PC07 2026 d1",
        "training-needs PK02 2026 d1",
        "Đã gửi 2 nhắc hạn ngày 14/08/2026.",
        "Đã gửi 0 nhắc hạn ngày 14/08/2026.",
    ]
    assert [m.to for m in mail.outbox] == [[users[User.Role.UNIT_OFFICER].email]]


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_reminder_once(postgres, tree, users, training_needs) -> None:
    from django.db import connection

    barrier = threading.Barrier(2)
    results: list[int] = []

    def run() -> None:
        barrier.wait()
        try:
            results.append(len(reminders_send(on=dt.date(2026, 8, 14))))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # PK02 and PC07 each get their reminder once, whichever worker claimed it.
    assert sum(results) == 2
    assert sorted(Reminder.objects.values_list("unit__code", flat=True)) == ["PC07", "PK02"]
    assert Notification.objects.count() == 1  # only PK02 has an officer


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_reminders_reach_a_real_smtp_server_and_a_failure_is_retried(
    tree, users, training_needs, settings, django_capture_on_commit_callbacks
) -> None:
    from aiosmtpd.controller import Controller

    from units.tasks import resend_unsent_emails

    port = _free_port()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 2},
        }
    }
    officer = users[User.Role.UNIT_OFFICER]

    # The mail server is down: the reminder and its notification are kept, the e-mail is not sent.
    with (
        pytest.raises(Retry, match="Connection refused"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        reminders_send(on=dt.date(2026, 8, 14))
    assert Reminder.objects.count() == 2  # PK02 and PC07; only PK02 has an officer to tell
    assert Notification.objects.get().emailed_at is None

    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        Notification.objects.update(created_at=timezone.now() - dt.timedelta(hours=2))
        assert resend_unsent_emails.delay().get() == 1
    finally:
        controller.stop()

    assert [(frm, to) for frm, to, _ in inbox.messages] == [("csnv@congan.local", [officer.email])]
    assert Notification.objects.get().emailed_at is not None
    assert reminders_send(on=dt.date(2026, 8, 14)) == []
