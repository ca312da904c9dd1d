"""Print PH10's funding forecast for a cohort year (reports.funding)."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from reports.funding import forecast
from reports.management.commands.compute_targets import _date
from training.selectors import NoBaseSalary


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đ"


class Command(BaseCommand):
    help = (
        "Estimate the training support a cohort year needs, beside what is committed and settled."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--as-of", dest="as_of", type=_date, help="YYYY-MM-DD, default today")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, year: int, as_of: dt.date | None, **options) -> None:
        try:
            result = forecast(year=year, as_of=as_of)
        except NoBaseSalary as error:
            raise CommandError(str(error)) from error
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(
            f"Dự toán kinh phí năm {year}, tính đến {result.as_of:%d/%m/%Y}: "
            f"{result.soldiers} chiến sĩ cần học nghề"
        )
        for label, amount in (
            ("Dự toán", result.estimated_vnd),
            ("Đã cam kết", result.committed_vnd),
            ("Đã quyết toán", result.settled_vnd),
        ):
            self.stdout.write(f"  {label:<14} {_vnd(amount):>20}")
        for group in result.by_regime:
            self.stdout.write(f"  {group.label.name}: {group.soldiers} chiến sĩ, {_vnd(group.vnd)}")
