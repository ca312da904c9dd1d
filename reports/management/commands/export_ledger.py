"""Write a year's tracking ledger with whole citizen IDs, for moving data between trusted systems
(the browser's download masks them). Each run is logged in the audit log, with no account."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports.ledger import export_summary, ledger_sheet
from units import audit
from units.models import Unit
from units.spreadsheets import xlsx_written


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
        content, rows = xlsx_written([ledger_sheet(year=year, unit=scope, mask=False)])
        try:
            out.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Không ghi được tệp {out}: {error.strerror}") from error
        # Every row carries a whole citizen ID: the daily check counts them (full_ids).
        written = sum(rows.values())
        audit.record_export(
            user=None,
            summary=export_summary(year=year, unit=scope, command=True),
            file=out.name,
            filters={"year": year, "unit": scope.code if scope else ""},
            rows=written,
            full_ids=written,
        )
        where = scope.code if scope else "toàn tỉnh"
        self.stdout.write(f"Đã ghi sổ theo dõi năm {year} ({where}) vào {out}.")
