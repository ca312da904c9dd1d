from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from soldiers import notices


@shared_task(name="soldiers.send_milestone_notices")
def send_milestone_notices(on: str | None = None) -> dict[str, int]:
    """Daily: tell the unit officers who reached month 15 or 18 (ISO date `on`, default today).

    Idempotent: a second run the same day finds every notice claimed and sends nothing. Not
    retried: the next day's run catches up whatever this one missed.
    """
    day = dt.date.fromisoformat(on) if on else timezone.localdate()
    noticed = notices.milestone_notices_send(on=day)
    return {str(month): count for month, count in noticed.items()}
