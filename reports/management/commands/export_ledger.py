"""Write a year's tracking ledger with whole citizen IDs, for moving data between trusted systems
(the browser's download masks them)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports.ledger import ledger_export
from units.models import Unit


class Command(BaseCommand):
    help = "Export the tracking ledger (Sổ theo dõi) of a year's cohort, citizen IDs whole."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, help="the .xlsx file to write")
        parser.add_argument("--year", type=int, required=True, help="year of discharge")
        parser.add_argument("--unit", help="unit code; the unit with all its sub-units")

    def handle(
        self, *args: object, out: Path, year: int, unit: str | None, **options: object
    ) -> None:
        scope = None
        if unit:
            scope = Unit.objects.filter(code__iexact=unit).first()
            if scope is None:
                raise CommandError(f"Không có đơn vị mã {unit}")
        try:
            out.write_bytes(ledger_export(year=year, unit=scope, mask=False))
        except OSError as error:
            raise CommandError(f"Không ghi được tệp {out}: {error.strerror}") from error
        where = scope.code if scope else "toàn tỉnh"
        self.stdout.write(f"Đã ghi sổ theo dõi năm {year} ({where}) vào {out}.")
