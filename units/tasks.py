from __future__ import annotations

import datetime as dt
import smtplib

from celery import shared_task
from django.utils import timezone

from units import services


@shared_task(name="units.ping", ignore_result=False)
def ping(token: str) -> str:
    """Answer with the token: proves a worker takes tasks from the broker and returns results."""
    return f"pong:{token}"


@shared_task(
    name="units.send_notification_email",
    # Nobody waits for its result; storing one would also make queueing it subscribe to the
    # result store, which with Redis down blocks the request ~20 s instead of failing at once.
    ignore_result=True,
    # Only a refusing or unreachable mail server is worth another try (SMTPException and
    # socket errors are both OSError); anything else is a bug and must show.
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=6,
)
def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification. Safe to run twice: the second run finds it sent and does nothing."""
    return services.notification_email_send(notification_id=notification_id)


@shared_task(name="units.resend_unsent_emails")
def resend_unsent_emails() -> int:
    """Queue again the e-mails of notifications still unsent after an hour (their own retries ran
    out while the mail server was down), so no reminder is lost."""
    ids = services.notification_ids_unsent()
    for notification_id in ids:
        send_notification_email.delay(notification_id)
    return len(ids)


@shared_task(name="units.check_full_id_exports")
def check_full_id_exports(day: str | None = None) -> int:
    """Tell PX01 of the accounts that saw or exported too many whole citizen IDs on `day` (ISO
    date; yesterday by default, the day that has just ended). Safe to run twice: each account
    and day is told once. Returns how many accounts were reported."""
    on = dt.date.fromisoformat(day) if day else timezone.localdate() - dt.timedelta(days=1)
    return len(services.full_id_export_alerts(day=on))
