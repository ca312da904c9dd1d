"""`make backup` / `make restore` (manage.py backup_db / restore_db): a backup restored into a
fresh database holds every soldier, history row and report submission of the source."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from reports import submissions
from reports.models import ReportObligation
from soldiers import services as soldier_services
from tests.factories import SoldierFactory
from tests.zz_faults.processes import ROOT, database_url, second_connection
from units.models import User

MODELS = ("soldiers.Soldier", "soldiers.SoldierChange", "reports.ReportSubmission")
NOW = dt.datetime(2026, 8, 1, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A new, empty database of the same kind as the test database: its URL and its name."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        yield f"sqlite:///{path}", str(path)
        return
    name = f"csnv_restore_{uuid.uuid4().hex[:12]}"
    with second_connection() as admin:
        admin.autocommit = True
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url(name=name), name
    finally:
        with psycopg.connect(database_url(name="postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(*args: str, database: str) -> str:
    """Run manage.py against another database, as `make restore` does."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": database,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def records(output: str) -> list[dict]:
    return json.loads(output)


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_a_fresh_database_holds_every_soldier_history_row_and_report(
    tree, users, tmp_path: Path, fresh_database: tuple[str, str]
) -> None:
    # Given soldiers with their history (created, one archived) and two submitted reports.
    officer = users[User.Role.UNIT_OFFICER]
    soldiers = [SoldierFactory(unit=tree.pk02) for _ in range(3)]
    soldier_services.soldier_archive(user=officer, soldier=soldiers[0], reason="Chuyển công tác")
    for code in ("training-needs", "annual-report"):
        report = submissions.submission_for(
            unit=tree.pk02, obligation=ReportObligation.objects.get(code=code), year=2026
        )
        submissions.submission_submit(user=officer, submission=report)
    source = StringIO()
    call_command("dumpdata", *MODELS, stdout=source)

    # When it is backed up, and the backup restored into a fresh database.
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("backup_db", directory=tmp_path, stdout=out)
    backup = next(tmp_path.glob("*-20260801-090000.*"))
    fresh_url, fresh_name = fresh_database
    restored = manage("restore_db", str(backup), "--noinput", database=fresh_url)

    # Then the fresh database holds the same rows, field for field.
    assert out.getvalue() == f"Đã sao lưu cơ sở dữ liệu vào {backup}\n"
    assert restored == f'Đã khôi phục cơ sở dữ liệu "{fresh_name}" từ {backup}\n'
    copy = manage("dumpdata", *MODELS, database=fresh_url)
    assert [item["model"] for item in records(copy)] == [
        *["soldiers.soldier"] * 3,
        *["soldiers.soldierchange"] * 4,
        *["reports.reportsubmission"] * 2,
    ]
    assert records(copy) == records(source.getvalue())


def test_restore_refuses_a_file_that_is_not_a_backup(db: None, tmp_path: Path) -> None:
    not_a_backup = tmp_path / "danh-sach.xlsx"
    not_a_backup.write_bytes(b"PK\x03\x04 not a database")
    expected = {
        "postgresql": f"{not_a_backup} không phải bản sao lưu PostgreSQL (pg_dump -Fc).",
        "sqlite": f"{not_a_backup} không phải bản sao lưu SQLite.",
    }[connection.vendor]

    with pytest.raises(CommandError) as refused:
        call_command("restore_db", str(not_a_backup), "--noinput")

    assert str(refused.value) == expected


def test_restore_asks_before_replacing_the_database(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("builtins.input", lambda question: "không")

    with pytest.raises(CommandError) as cancelled:
        call_command("restore_db", str(tmp_path / "any.dump"))

    assert str(cancelled.value) == "Đã hủy khôi phục."
