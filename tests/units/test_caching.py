from __future__ import annotations

import pytest
from django.core.cache import caches

from units import caching


@pytest.fixture
def dead_redis_cache(settings):
    # Port 1 on loopback: nothing listens there, as when Redis is stopped.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    caches._settings = None
    yield
    caches._settings = None


def test_a_value_is_computed_when_the_cache_server_is_down(dead_redis_cache) -> None:
    calls = []

    def compute() -> int:
        calls.append(1)
        return 42

    assert caching.get_or_set("board:test", compute, 60) == 42
    assert calls == [1]


def test_the_public_board_serves_with_the_cache_server_down(client, db, dead_redis_cache) -> None:
    response = client.get("/board/")

    assert response.status_code == 200
