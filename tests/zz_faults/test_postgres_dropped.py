"""PostgreSQL restarted: every connection the application holds is cut (pg_terminate_backend does
exactly that to them, without restarting the cluster other tests use). The next request and the
next task must succeed: CONN_HEALTH_CHECKS makes Django test a kept connection before using it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse

from reports.models import Reminder
from reports.tasks import send_reminders
from tests.factories import SoldierFactory
from tests.zz_faults.processes import (
    WAIT,
    RedisServer,
    Workers,
    celery_on,
    second_connection,
    terminate_other_connections,
)
from units.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def wsgi_get(path: str, session_key: str) -> tuple[str, str]:
    """A GET through Django's WSGI handler as gunicorn makes it. The test client would not do:
    it switches off the request_started/finished handlers that check and recycle database
    connections, the very thing under test."""
    factory = RequestFactory()
    factory.cookies[settings.SESSION_COOKIE_NAME] = session_key
    environ = factory.get(path).environ
    status: list[str] = []
    response = WSGIHandler()(environ, lambda code, headers: status.append(code))
    try:
        body = b"".join(response).decode()
    finally:
        response.close()
    return status[0], body


def backend_pid() -> int:
    return connection.connection.info.backend_pid


def test_the_next_request_after_the_database_dropped_its_connection_succeeds(
    postgres: None, tree, users, client: Client
) -> None:
    # Given an hq user's soldier list served on a kept connection (CONN_MAX_AGE).
    SoldierFactory(unit=tree.pk02, full_name="Trần Văn Cường")
    client.force_login(users[User.Role.HQ_STAFF])
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert wsgi_get(reverse("soldiers:list"), session_key)[0] == "200 OK"
    kept = backend_pid()

    # When the database server drops it.
    with second_connection() as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", [kept]).fetchone() == (True,)

    # Then the next request succeeds, on a new connection.
    status, body = wsgi_get(reverse("soldiers:list"), session_key)
    assert status == "200 OK"
    assert "Trần Văn Cường" in body
    assert backend_pid() != kept


def test_the_next_task_after_the_database_dropped_the_workers_connection_succeeds(
    postgres: None, tree, training_needs, throwaway_redis: RedisServer, workers: Workers
) -> None:
    # Given a worker that ran the reminders of 08/08.
    workers.start(broker=throwaway_redis.url)
    with celery_on(throwaway_redis.url):
        sent = send_reminders.apply_async(["2026-08-08"], ignore_result=False)
        assert sent.get(timeout=WAIT) == 2

        # When the database server drops every connection but ours. (Celery closes a worker's
        # connection around each task, so whether it still held one is a matter of timing;
        # with CELERY_DB_REUSE_MAX it would keep one, and CONN_HEALTH_CHECKS would replace it.)
        terminate_other_connections()

        # Then its next task succeeds.
        sent = send_reminders.apply_async(["2026-08-14"], ignore_result=False)
        assert sent.get(timeout=WAIT) == 2
    assert sorted(Reminder.objects.values_list("unit__code", "step")) == [
        ("PC07", "d1"),
        ("PC07", "d7"),
        ("PK02", "d1"),
        ("PK02", "d7"),
    ]
