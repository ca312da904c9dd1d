from __future__ import annotations

from celery import shared_task


@shared_task(name="units.ping")
def ping(token: str) -> str:
    """Answer with the token: proves a worker takes tasks from the broker and returns results."""
    return f"pong:{token}"
