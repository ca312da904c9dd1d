"""Whole-database backups, one way for both database kinds (README "Backup and restore").

PostgreSQL: pg_dump's custom format (-Fc), restored by pg_restore in a single transaction, so a
restore that fails half-way leaves the database as it was. SQLite: sqlite3's online backup API,
a consistent copy even while the application writes (a plain file copy is not).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from django.utils.translation import gettext as _

# The first bytes of each kind of backup file, to refuse the wrong file before touching data.
SIGNATURES = {"postgresql": b"PGDMP", "sqlite": b"SQLite format 3\x00"}
SUFFIXES = {"postgresql": ".dump", "sqlite": ".sqlite3"}


class BackupError(Exception):
    """A backup or restore that could not run; the message says why, in Vietnamese."""


def backup_create(*, directory: Path, alias: str = DEFAULT_DB_ALIAS) -> Path:
    """Write a backup of the database into `directory`, named after the database and the local
    time (csnv-20260801-090000.dump), and return its path. Never overwrites a file."""
    connection = connections[alias]
    vendor = _vendor(connection.vendor)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    path = directory / f"{_label(connection)}-{stamp}{SUFFIXES[vendor]}"
    if path.exists():
        raise BackupError(_("%(path)s already exists.") % {"path": path})
    try:
        if vendor == "postgresql":
            _pg_run(connection, "pg_dump", ["--format=custom", "--no-owner", "--file", str(path)])
        else:
            connection.ensure_connection()
            with closing(sqlite3.connect(path)) as target:
                connection.connection.backup(target)
    except BaseException:
        # Half a backup looks like a whole one later: leave none.
        path.unlink(missing_ok=True)
        raise
    return path


def backup_restore(*, path: Path, alias: str = DEFAULT_DB_ALIAS) -> None:
    """Replace the whole content of the database with the backup at `path`."""
    connection = connections[alias]
    vendor = _vendor(connection.vendor)
    _check_signature(path, vendor)
    if vendor == "postgresql":
        # --clean drops what the dump holds before re-creating it; --if-exists keeps that quiet
        # on an empty database. The last parameter, --dbname, takes the database name that
        # Django's client settings put after the parameters; the file comes after it.
        options = ["--clean", "--if-exists", "--no-owner", "--single-transaction"]
        _pg_run(
            connection,
            "pg_restore",
            [*options, "--exit-on-error", "--dbname"],
            after=(str(path),),
        )
    else:
        connection.close()
        connection.ensure_connection()
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as source:
            source.backup(connection.connection)
        connection.close()


def _vendor(vendor: str) -> str:
    if vendor not in SUFFIXES:
        raise BackupError(
            _("Backups support PostgreSQL and SQLite, not %(vendor)s.") % {"vendor": vendor}
        )
    return vendor


def _label(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor == "postgresql":
        return connection.settings_dict["NAME"]
    if connection.is_in_memory_db():
        return "memory"
    return Path(connection.settings_dict["NAME"]).stem


def _check_signature(path: Path, vendor: str) -> None:
    try:
        with path.open("rb") as file:
            head = file.read(len(SIGNATURES[vendor]))
    except OSError as error:
        raise BackupError(
            _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error}
        ) from error
    if head != SIGNATURES[vendor]:
        message = {
            "postgresql": _("%(path)s is not a PostgreSQL backup (pg_dump -Fc)."),
            "sqlite": _("%(path)s is not an SQLite backup."),
        }[vendor]
        raise BackupError(message % {"path": path})


def _pg_run(
    connection: BaseDatabaseWrapper,
    program: str,
    parameters: list[str],
    *,
    after: tuple[str, ...] = (),
) -> None:
    """Run a PostgreSQL client program against the connection's database. Django's own client
    settings give the host, port, user and database as arguments and the password through the
    environment, never on the command line."""
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(
            _("%(program)s is not installed: install the PostgreSQL client (postgresql-client).")
            % {"program": program}
        )
    args, env = connection.client.settings_to_cmd_args_env(connection.settings_dict, parameters)
    result = subprocess.run(  # noqa: S603 (a fixed program, arguments from our own settings)
        [executable, *args[1:], *after],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": program, "error": result.stderr.strip()}
        )
