"""The Celery app and its beat schedule: the one place where periodic work is declared."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("csnv")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Entries are added by the issues that bring the work; each carries `expires` so that a
# backlog after an outage does not run stale jobs.
app.conf.beat_schedule = {}
