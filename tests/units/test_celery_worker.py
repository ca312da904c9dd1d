from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from config.celery import app
from units.tasks import ping

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker(redis_url: str):
    """A real Celery worker on Redis, listening on a queue of its own."""
    queue = f"test-{uuid.uuid4().hex}"
    env = {**os.environ, "REDIS_URL": redis_url, "DJANGO_SETTINGS_MODULE": "config.test_settings"}
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
    )
    yield queue
    process.terminate()
    process.wait(timeout=30)


def test_a_task_round_trips_through_a_real_worker_on_redis(worker: str, redis_url: str) -> None:
    token = uuid.uuid4().hex
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        result = ping.apply_async(args=[token], queue=worker)
        assert result.get(timeout=60) == f"pong:{token}"
    finally:
        app.conf.task_always_eager = eager


def test_embedded_default_runs_tasks_in_process() -> None:
    assert ping.delay("x").get() == "pong:x"
