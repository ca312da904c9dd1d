"""The Celery app and its beat schedule: the one place where periodic work is declared."""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("csnv")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Entries are added by the issues that bring the work; each carries `expires` so that a
# backlog after an outage does not run stale jobs.
app.conf.beat_schedule = {
    # Daily at 07:00 (CELERY_TIMEZONE, Asia/Ho_Chi_Minh), before officers start their day.
    "milestone-notices": {
        "task": "soldiers.send_milestone_notices",
        "schedule": crontab(hour=7, minute=0),
        # The next day's run catches up anything a dropped run missed.
        "options": {"expires": 12 * 60 * 60},
    },
    # Daily at 07:30: deadline reminders (each step is claimed once, so a re-run is harmless).
    "deadline-reminders": {
        "task": "reports.send_reminders",
        "schedule": crontab(hour=7, minute=30),
        "options": {"expires": 12 * 60 * 60},
    },
    # Nightly at 01:00: the figures per unit and year, for the trend charts.
    "target-snapshots": {
        "task": "reports.take_snapshots",
        "schedule": crontab(hour=1, minute=0),
        "options": {"expires": 6 * 60 * 60},
    },
    # Monthly, on the 1st at 06:00: files past keeping listed for PX01 (one batch a month, so a
    # re-run lists nothing twice; a missed month is caught up by the next one).
    "anonymisation-candidates": {
        "task": "reports.list_anonymisation_candidates",
        "schedule": crontab(day_of_month=1, hour=6, minute=0),
        "options": {"expires": 24 * 60 * 60},
    },
    # Daily at 06:30: accounts that saw or exported too many whole citizen IDs yesterday are
    # reported to PX01 (once per account and day, so a re-run is harmless).
    "full-id-exports": {
        "task": "units.check_full_id_exports",
        "schedule": crontab(hour=6, minute=30),
        "options": {"expires": 12 * 60 * 60},
    },
    # Hourly: e-mails whose retries ran out (mail server down for hours) are tried again.
    "unsent-emails": {
        "task": "units.resend_unsent_emails",
        "schedule": crontab(minute=15),
        "options": {"expires": 50 * 60},
    },
}
