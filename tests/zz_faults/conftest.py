"""Fault tests: a broker that stops, a worker killed mid-run, database connections dropped, a
backup restored into a fresh database (processes.py starts what they break).

They run last: the folder sorts after every other test folder, and the hook below keeps them at
the end whatever order the paths are given in (after pytest-django's own ordering). They start
processes and most are transactional (the test database is emptied after each), so nothing else
should run after them or wait on them.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from reports.models import ReportObligation
from tests.conftest import require_service
from tests.zz_faults.processes import (
    Inbox,
    RedisServer,
    Workers,
    free_port,
    terminate_other_connections,
)

FAULTS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Keep the fault tests after all others (stable order otherwise)."""
    items.sort(key=lambda item: FAULTS in item.path.parents)


@pytest.fixture
def training_needs(db: None) -> ReportObligation:
    # Only the 15/08 deadline: the others stay out of these tests.
    ReportObligation.objects.exclude(code="training-needs").update(active=False)
    return ReportObligation.objects.get(code="training-needs")


@pytest.fixture
def throwaway_redis() -> Iterator[RedisServer]:
    """A redis-server of the test's own, stopped at teardown whatever happened."""
    require_service(
        "redis-server", shutil.which("redis-server") is not None, "install redis-server"
    )
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    """A slow SMTP server on loopback (see Inbox), and its port."""
    from aiosmtpd.controller import Controller

    inbox = Inbox(hold_first=True)
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        inbox.release()
        controller.stop()


@pytest.fixture
def workers(tmp_path: Path, postgres: None) -> Iterator[Workers]:
    """Workers share the test database, so only PostgreSQL will do (SQLite's test database lives
    in this process's memory). At teardown the workers die and the database connections they
    left are closed, before pytest-django empties the tables."""
    started = Workers(tmp_path)
    try:
        yield started
    finally:
        started.kill_all()
        terminate_other_connections()
