from __future__ import annotations

from django.test import Client


def test_healthz_reports_the_database_without_login(client: Client, db: None, settings) -> None:
    settings.REDIS_URL = ""

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_a_stopped_redis_with_503(client: Client, db: None, settings) -> None:
    # Port 1 on loopback: nothing listens there, exactly what a stopped Redis looks like.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": "ok", "redis": "down"}


def test_healthz_reports_a_running_redis(client: Client, db: None, redis_url: str) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}
