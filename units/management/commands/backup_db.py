"""Back up the database into backups/ (`make backup`); see units/backups.py."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext as _

from units.backups import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the whole database into a file named after it and the time: pg_dump -Fc for "
        "PostgreSQL, an SQLite online backup for SQLite."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--directory",
            type=Path,
            default=settings.BASE_DIR / "backups",
            help="where to write the backup (default: backups/ in the project)",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: object, directory: Path, database: str, **options: object) -> None:
        try:
            path = backup_create(directory=directory, alias=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(_("Backup written to %(path)s") % {"path": path}))
