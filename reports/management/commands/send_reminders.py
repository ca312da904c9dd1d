"""Send the deadline reminders due on a day (the same service as the daily Celery task)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.reminders import reminders_send


class Command(BaseCommand):
    help = "Send the reporting-deadline reminders due on --date (default today)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", help="YYYY-MM-DD, default today (Asia/Ho_Chi_Minh)")

    def handle(self, *args, date: str | None = None, **options) -> None:
        try:
            day = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"Ngày không hợp lệ: {date} (định dạng YYYY-MM-DD)") from error
        sent = reminders_send(on=day)
        for item in sent:
            self.stdout.write(f"{item.obligation} {item.unit} {item.year} {item.step}")
        self.stdout.write(self.style.SUCCESS(f"Đã gửi {len(sent)} nhắc hạn ngày {day:%d/%m/%Y}."))
