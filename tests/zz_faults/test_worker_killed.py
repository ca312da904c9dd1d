"""A worker killed in the middle of sending reminders: the work is done again by another worker
(late acknowledgement), and nothing is sent twice (each step is a unique Reminder row claimed
before sending; each e-mail is claimed before it goes to the mail server)."""

from __future__ import annotations

import json
import uuid

import psycopg
import pytest

from reports.models import Reminder, ReportObligation
from reports.tasks import send_reminders
from tests.factories import UnitFactory
from tests.zz_faults.processes import (
    WAIT,
    Inbox,
    RedisServer,
    Workers,
    celery_on,
    second_connection,
    terminate_other_connections,
    wait_out_visibility_timeout,
)
from units.models import Notification, User
from units.tasks import ping

DAY = "2026-08-14"  # the day before the 15/08 deadline: every managing unit gets step "d1"


def hold_reminder_row(obligation: ReportObligation, unit_id: int) -> psycopg.Connection:
    """Insert the unit's Reminder row in a transaction left open: the worker that reaches that
    unit waits on the unique index until we roll back, so it stops mid-run, on a unit we know."""
    blocker = second_connection()
    blocker.execute(
        f"INSERT INTO {Reminder._meta.db_table} (obligation_id, unit_id, year, step, created_at) "  # noqa: S608
        "VALUES (%s, %s, 2026, 'd1', now())",
        [obligation.pk, unit_id],
    )
    return blocker


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_run_leaves_no_reminder_and_no_email_sent_twice(
    postgres: None,
    tree,
    make_user,
    training_needs: ReportObligation,
    throwaway_redis: RedisServer,
    smtp_server: tuple[Inbox, int],
    workers: Workers,
) -> None:
    # Given three managing units (PC07, PK02, PK05 in the order the run takes them), one officer
    # each, and PK02's reminder row held by another transaction.
    pk05 = UnitFactory(code="PK05", parent=tree.root)
    officers = [make_user(User.Role.UNIT_OFFICER, unit) for unit in (tree.pc07, tree.pk02, pk05)]
    inbox, smtp_port = smtp_server
    blocker = hold_reminder_row(training_needs, tree.pk02.pk)

    with celery_on(throwaway_redis.url):
        # When a worker (two pool processes, as `make worker`) runs the day's reminders: PC07's
        # is claimed and its e-mail reaches the slow mail server; PK02's waits on its row...
        run = send_reminders.apply_async(args=[DAY], ignore_result=False)
        first = workers.start(
            broker=throwaway_redis.url,
            email_url=f"smtp://127.0.0.1:{smtp_port}",
            pool="prefork",
        )
        assert inbox.first_arrived.wait(WAIT), first.log.read_text()
        # ...and is killed there.
        first.kill()
        inbox.release()
        # Its database sessions go with it (PostgreSQL would notice the dead client only later).
        terminate_other_connections(keep=(blocker.info.backend_pid,))
        blocker.rollback()
        blocker.close()

        # Then the run stopped half-way, and both tasks it held are unacknowledged in Redis.
        assert list(Reminder.objects.values_list("unit__code", flat=True)) == ["PC07"]
        assert sorted(unacknowledged_tasks(throwaway_redis)) == [
            "reports.send_reminders",
            "units.send_notification_email",
        ]

        # When a new worker starts once the broker counts them lost (one process: it works
        # the queue in order, so the ping sent last answers after everything before it).
        wait_out_visibility_timeout(throwaway_redis)
        workers.start(broker=throwaway_redis.url, email_url=f"smtp://127.0.0.1:{smtp_port}")
        rerun_sent = run.get(timeout=WAIT)
        token = uuid.uuid4().hex
        assert ping.delay(token).get(timeout=WAIT) == f"pong:{token}"

    # Then the run was finished for the two units it had not reached; each step exists once and
    # each officer got one e-mail: PC07's, interrupted mid-send, was not sent again.
    assert rerun_sent == 2
    assert sorted(Reminder.objects.values_list("unit__code", "step")) == [
        ("PC07", "d1"),
        ("PK02", "d1"),
        ("PK05", "d1"),
    ]
    assert sorted(inbox.recipients) == sorted(officer.email for officer in officers)
    assert Notification.objects.filter(emailed_at=None).count() == 0
    assert Notification.objects.count() == 3


def unacknowledged_tasks(server: RedisServer) -> list[str]:
    """Names of the tasks a worker took from Redis and never acknowledged."""
    held = server.client().hgetall("unacked").values()
    return [json.loads(raw)[0]["headers"]["task"] for raw in held]
