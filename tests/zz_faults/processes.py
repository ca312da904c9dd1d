"""The processes and connections the fault tests start and break: a throwaway redis-server, a
slow SMTP server, Celery workers on the test database, a second PostgreSQL client.

Nothing here touches the machine's shared Redis or restarts its PostgreSQL cluster: a test stops or
kills only what it started, and plays a database restart with pg_terminate_backend.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import psycopg
import redis
from django.db import connection

from config.celery import app

ROOT = Path(__file__).resolve().parents[2]
# Seconds before the broker hands a dead worker's unacknowledged task to another worker
# (REDIS_VISIBILITY_TIMEOUT); production keeps an hour.
VISIBILITY_TIMEOUT = 2
# Every wait in these tests is bounded: a broken fault path fails, it never hangs the suite.
WAIT = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RedisServer:
    """A redis-server of our own on loopback, without persistence, that a test may stop and start
    again on the same port."""

    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                *("--bind", "127.0.0.1", "--port", str(self.port)),
                *("--save", "", "--appendonly", "no", "--daemonize", "no"),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        # Its own log line says when it accepts connections (no polling of the port).
        for line in self.process.stdout:
            if "Ready to accept connections" in line:
                break
        else:
            raise RuntimeError(f"redis-server on port {self.port} did not start")
        threading.Thread(target=self.process.stdout.read, daemon=True).start()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=WAIT)
        self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, decode_responses=True)


@contextmanager
def celery_on(url: str) -> Iterator[None]:
    """Point this process's Celery app (broker and results) at `url`, not eager, and back after."""
    keys = ("broker_url", "result_backend", "task_always_eager")
    saved = {key: app.conf[key] for key in keys}
    _forget_connections()
    app.conf.update(broker_url=url, result_backend=url, task_always_eager=False)
    try:
        yield
    finally:
        _forget_connections()
        app.conf.update(saved)


def _forget_connections() -> None:
    # Celery keeps the broker pool and the result backend built on first use; dropping them
    # makes the next use read the URLs just set (as a freshly started process would).
    app._pool = None
    app.amqp._producer_pool = None
    app._backend_cache = None
    vars(app._local).pop("backend", None)


def queued_tasks(server: RedisServer, queue: str = "celery") -> list[tuple[str, str]]:
    """The tasks waiting in a queue of the broker, oldest first: (name, arguments)."""
    messages = [json.loads(raw) for raw in reversed(server.client().lrange(queue, 0, -1))]
    return [(m["headers"]["task"], m["headers"]["argsrepr"]) for m in messages]


class Inbox:
    """The handler of an SMTP server on loopback: records every recipient as the message's DATA
    arrives. With `hold_first`, the first message gets no answer until `release()`: a mail server
    that is slow to accept, so that a test can act while a worker is in the middle of sending."""

    def __init__(self, *, hold_first: bool = False) -> None:
        self.recipients: list[str] = []
        self.first_arrived = threading.Event()
        self._hold = hold_first
        self._released = threading.Event()

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.recipients.extend(envelope.rcpt_tos)
        first = not self.first_arrived.is_set()
        self.first_arrived.set()
        if first and self._hold:
            await asyncio.to_thread(self._released.wait, WAIT)
        return "250 OK"

    def release(self) -> None:
        self._released.set()


def database_url(*, name: str | None = None) -> str:
    """The URL of the database this test runs on (pytest-django's test database), for a worker
    process: only then do the worker and the test see the same rows. With `name`, another
    database on the same server."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{credentials}@{host}:{db['PORT'] or 5432}/{name or db['NAME']}"


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes at once, as the OOM killer or `kill -9`
        would: no warm shutdown, nothing acknowledged or handed back to the broker."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=WAIT)


class Workers:
    """Celery workers started by a test (real processes, production settings), on the test's
    own broker and database; every one still running is killed at teardown."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.started: list[Worker] = []

    def start(
        self, *, broker: str, email_url: str = "consolemail://", pool: str = "solo"
    ) -> Worker:
        number = len(self.started) + 1
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "SECRET_KEY": "faults-test-worker-secret-key-not-used-elsewhere",
            "DATABASE_URL": database_url(),
            "REDIS_URL": broker,
            "EMAIL_URL": email_url,
            "REDIS_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "LOG_LEVEL": "INFO",
        }
        log = self.tmp_path / f"worker-{number}.log"
        with log.open("w") as output:
            process = subprocess.Popen(
                [
                    sys.executable,
                    *("-m", "celery", "-A", "config", "worker"),
                    *("--pool", pool, "--concurrency", "2"),
                    *("--hostname", f"faults-{number}@%h", "--loglevel", "INFO"),
                    *("--without-gossip", "--without-mingle", "--without-heartbeat"),
                ],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                # Its own process group: kill() reaches the pool processes too.
                start_new_session=True,
            )
        worker = Worker(process, log)
        self.started.append(worker)
        return worker

    def kill_all(self) -> None:
        for worker in self.started:
            worker.kill()


def second_connection() -> psycopg.Connection:
    """A connection to the test database of its own, as another client of the server."""
    return psycopg.connect(database_url())


def terminate_other_connections(*, keep: tuple[int, ...] = ()) -> None:
    """Close every other connection to the test database (but those in `keep`), as a PostgreSQL
    restart closes them all."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND NOT pid = ANY(%s)",
            [list(keep)],
        )


def wait_out_visibility_timeout(server: RedisServer) -> None:
    """Wait until the broker counts the dead worker's unacknowledged tasks as lost. A worker looks
    for lost tasks when it starts, then only every 100 s: started earlier, it would find them
    still "in flight" and leave them alone past the test's patience."""
    delivered = [
        score for _tag, score in server.client().zrange("unacked_index", 0, -1, withscores=True)
    ]
    remaining = max(delivered, default=0) + VISIBILITY_TIMEOUT - time.time()
    if remaining > 0:
        # A fixed rule of the broker, not a guess at how long something takes.
        time.sleep(remaining)
