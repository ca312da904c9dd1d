"""Restore a backup made by backup_db (`make restore FILE=…`); see units/backups.py."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

from units.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Replace the whole content of the database with a backup made by backup_db. Stop the "
        "web application and the workers first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a file written by backup_db")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask for confirmation",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(
        self, *args: object, file: Path, interactive: bool, database: str, **options: object
    ) -> None:
        name = connections[database].settings_dict["NAME"]
        if interactive:
            question = _(
                'Every record in database "%(name)s" will be replaced by %(file)s. '
                'Type "yes" to continue: '
            ) % {"name": name, "file": file}
            if input(question).strip().lower() != "yes":
                raise CommandError(_("Restore cancelled."))
        try:
            backup_restore(path=file, alias=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                _('Database "%(name)s" restored from %(file)s') % {"name": name, "file": file}
            )
        )
