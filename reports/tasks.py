from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from reports import reminders, retention, services


@shared_task(name="reports.send_reminders")
def send_reminders(on: str | None = None) -> int:
    """Send the deadline reminders due today (or on `on`, ISO date). Idempotent: each step is a
    unique row claimed before sending."""
    day = dt.date.fromisoformat(on) if on else timezone.localdate()
    return len(reminders.reminders_send(on=day))


@shared_task(name="reports.take_snapshots")
def take_snapshots(on: str | None = None) -> int:
    """Store tonight's figures per unit and year (the trend on the dashboards)."""
    day = dt.date.fromisoformat(on) if on else timezone.localdate()
    return services.snapshots_take(on=day)


@shared_task(name="reports.build_summary")
def build_summary(job_id: int) -> bool:
    """Build the leadership summary of one export job. Idempotent: a job already built is not
    built again."""
    return services.summary_job_run(job_id=job_id)


@shared_task(name="reports.list_anonymisation_candidates")
def list_anonymisation_candidates(on: str | None = None) -> int | None:
    """List this month's soldiers whose data is past keeping, for PX01 to approve (the id of the
    batch made, or None). Idempotent: one batch a month, whoever runs it first."""
    day = dt.date.fromisoformat(on) if on else timezone.localdate()
    batch = retention.anonymisation_batch_create(on=day)
    return batch.pk if batch else None
