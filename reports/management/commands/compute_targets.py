"""Print the three figures for a year, for the province or one unit, as of a date."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from reports.targets import figures
from units.models import Unit


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Ngày không hợp lệ: {value} (định dạng YYYY-MM-DD)") from error


class Command(BaseCommand):
    help = "Compute the counselled / trained / employed figures (DESIGN.md §5)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--unit", help="unit code; the unit with all its sub-units")
        parser.add_argument("--as-of", dest="as_of", type=_date, help="YYYY-MM-DD, default today")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, year: int, unit: str | None, as_of: dt.date | None, **options) -> None:
        scope = None
        if unit:
            scope = Unit.objects.filter(code=unit.upper()).first()
            if scope is None:
                raise CommandError(f"Không có đơn vị mã {unit}")
        result = figures(year=year, as_of=as_of, unit=scope)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(f"Năm {year}, {unit or 'toàn tỉnh'}, tính đến {result.as_of:%d/%m/%Y}")
        for label, count, of, value in (
            ("Được tư vấn", result.counselled, result.cohort, result.counselled_rate),
            ("Được đào tạo", result.trained, result.need_training, result.trained_rate),
            (
                "Có việc làm",
                result.employed_after_training,
                result.need_training,
                result.employed_rate,
            ),
        ):
            shown = "chưa có dữ liệu" if value is None else f"{value:.1%}"
            self.stdout.write(f"  {label:<14} {count:>7} / {of:<7} {shown}")
