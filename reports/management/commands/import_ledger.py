"""Import a tracking ledger: all rows or none. Errors are printed by row and column and the
command exits non-zero; on success it prints what was saved."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports.ledger import ledger_apply
from soldiers.importing.workbook import ImportRefused
from units.models import User


class Command(BaseCommand):
    help = "Import a tracking ledger (Sổ theo dõi) .xlsx as the given account, all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the .xlsx ledger, with whole citizen IDs")
        parser.add_argument("--user", required=True, help="the account recorded as author")

    def handle(self, *args: object, file: Path, user: str, **options: object) -> None:
        author = User.objects.select_related("unit").filter(username=user).first()
        if author is None:
            raise CommandError(f"Không có tài khoản {user}")
        try:
            plan = ledger_apply(user=author, content=file.read_bytes(), file_name=file.name)
        except OSError as error:
            raise CommandError(f"Không đọc được tệp {file}: {error.strerror}") from error
        except (ImportRefused, PermissionDenied) as refusal:
            raise CommandError(str(refusal)) from refusal
        if plan.errors:
            for error in plan.errors:
                self.stderr.write(f"Dòng {error.row}, cột {error.column}: {error.message}")
            raise CommandError(f"Chưa lưu gì: {plan.error_rows} dòng có lỗi.")
        self.stdout.write(plan.summary)
