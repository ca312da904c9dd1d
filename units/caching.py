"""The cache speeds pages up; it is never a reason for a page to fail (issue 6: Redis down)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import redis
from django.core.cache import cache

logger = logging.getLogger(__name__)


def get_or_set[T](key: str, compute: Callable[[], T], timeout: int) -> T:
    """`cache.get_or_set`, except that an unreachable cache server means computing afresh."""
    try:
        return cache.get_or_set(key, compute, timeout)
    except (redis.RedisError, OSError):
        logger.warning("Cache unavailable; %s computed without it.", key)
        return compute()
