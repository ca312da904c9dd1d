from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser, ArgumentTypeError

from django.core.management.base import BaseCommand
from django.utils import timezone

from soldiers import notices


def _iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {value!r}") from None


class Command(BaseCommand):
    help = "Tell unit officers which soldiers reached month 15 or 18 (what the daily task does)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--date", type=_iso_date, default=None, help="the day to run for (default: today)"
        )

    def handle(self, *args: object, date: dt.date | None, **options: object) -> None:
        day = date or timezone.localdate()
        noticed = notices.milestone_notices_send(on=day)
        for month, count in noticed.items():
            self.stdout.write(f"{day:%d/%m/%Y}: month {month}: {count} soldier(s) noticed")
