"""The uploaded file as a whole: refused when it cannot be a soldier list (too big, not .xlsx,
macros, damaged, wrong header), read row by row otherwise, and kept between the preview and the
confirmation."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from soldiers.importing.columns import COLUMNS

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# A 20,000-row list unpacks to about 20 MB; far more is a zip bomb, not a soldier list.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
STAGING_DIR = "imports"
STAGED_LIFETIME = dt.timedelta(days=1)
ZIP_MAGIC = b"PK\x03\x04"
SHEET_CONTENT_TYPES = (
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
)


class ImportRefused(Exception):
    """The file as a whole cannot be imported; the message tells the officer why."""


@dataclass(frozen=True, slots=True)
class Upload:
    name: str
    content: bytes


@dataclass(frozen=True, slots=True)
class StagedFile:
    """An upload kept between the preview and the confirmation. Its hash proves that what is
    saved is the very file that was checked."""

    path: str
    sha256: str
    name: str


# -- the file as a whole --


def _refusals() -> dict[str, str]:
    return {
        "too_big": _("The file is larger than %(size)s MB. Split the list into smaller files.")
        % {"size": MAX_BYTES // (1024 * 1024)},
        "too_many_rows": _(
            "The file has more than %(rows)s rows of soldiers. Split the list into several files."
        )
        % {"rows": number_format(MAX_ROWS, force_grouping=True)},
        "not_xlsx": _(
            "This is not an Excel .xlsx file. Fill in the template and save it as "
            "“Excel Workbook (.xlsx)”."
        ),
        "macros": _(
            "Files with macros (.xlsm) are not accepted. Save it as “Excel Workbook (.xlsx)”."
        ),
        "broken": _(
            "The Excel file is damaged and cannot be read. Open it in Excel, save it again as "
            ".xlsx and upload it again."
        ),
        "empty": _("The file has no soldiers: fill in the rows under the header row."),
    }


def _refuse(reason: str) -> ImportRefused:
    return ImportRefused(_refusals()[reason])


def check_upload(
    file: UploadedFile, *, columns: Sequence[str] = COLUMNS, optional: Sequence[str] = ()
) -> Upload:
    """The uploaded file, read once checked to be an importable workbook; else ImportRefused.

    `columns` must all be in the header row, `optional` may be; no other column is accepted."""
    if file.size is not None and file.size > MAX_BYTES:
        raise _refuse("too_big")
    upload = Upload(name=file.name or "", content=file.read())
    if upload.name.lower().endswith(".xlsm"):
        raise _refuse("macros")
    with _sheet(upload.content, columns, optional) as (sheet, _positions):
        _check_row_count(sheet.max_row)
    return upload


def _check_container(content: bytes) -> None:
    if len(content) > MAX_BYTES:
        raise _refuse("too_big")
    if not content.startswith(ZIP_MAGIC):
        raise _refuse("not_xlsx")
    try:
        with zipfile.ZipFile(BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            content_types = archive.read("[Content_Types].xml")
    except KeyError as error:
        raise _refuse("not_xlsx") from error
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as error:
        raise _refuse("broken") from error
    if b"macroEnabled" in content_types:
        raise _refuse("macros")
    if not any(kind in content_types for kind in SHEET_CONTENT_TYPES):
        raise _refuse("not_xlsx")
    if unpacked > MAX_UNPACKED_BYTES:
        raise _refuse("broken")


@contextmanager
def _sheet(
    content: bytes, columns: Sequence[str], optional: Sequence[str]
) -> Iterator[tuple[ReadOnlyWorksheet, dict[str, int]]]:
    """The first sheet, read-only, and the position of each template column in it."""
    _check_container(content)
    try:
        workbook = load_workbook(BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    # openpyxl reports a damaged file with whatever its zip and XML parsers raise.
    except Exception as error:
        raise _refuse("broken") from error
    try:
        yield sheet, _header_positions(header, columns, optional)
    finally:
        workbook.close()


def _header_positions(
    header: tuple[Any, ...], columns: Sequence[str], optional: Sequence[str]
) -> dict[str, int]:
    names = [" ".join(str(value).split()) if value is not None else "" for value in header]
    positions = {name: index for index, name in enumerate(names) if name}
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    missing = [column for column in columns if column not in positions]
    unknown = [name for name in positions if name not in columns and name not in optional]
    problems = []
    if missing:
        problems.append(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    if unknown:
        problems.append(
            _("Columns not in the template: %(columns)s.") % {"columns": ", ".join(unknown)}
        )
    if repeated:
        problems.append(_("Repeated columns: %(columns)s.") % {"columns": ", ".join(repeated)})
    if problems:
        lead = _("Row 1 must be the template's header row.")
        raise ImportRefused(" ".join([lead, *problems]))
    return positions


def _check_row_count(max_row: int | None) -> None:
    # The sheet's recorded size costs nothing to read; files that lack it are counted row by row.
    if max_row is not None and max_row - 1 > MAX_ROWS:
        raise _refuse("too_many_rows")


def read_rows(
    content: bytes, *, columns: Sequence[str] = COLUMNS, optional: Sequence[str] = ()
) -> list[tuple[int, dict[str, Any]]]:
    """(row number, {column: cell value}) for each non-blank row under the header; an optional
    column missing from the header is missing from the rows too."""
    rows: list[tuple[int, dict[str, Any]]] = []
    too_many = False
    with _sheet(content, columns, optional) as (sheet, positions):
        _check_row_count(sheet.max_row)
        # A wrong recorded size must not cut rows off: read to the real end of the sheet.
        sheet.reset_dimensions()
        cells = sheet.iter_rows(min_row=2, max_col=max(positions.values()) + 1, values_only=True)
        try:
            for number, values in enumerate(cells, start=2):
                if all(value is None or str(value).strip() == "" for value in values):
                    continue
                if len(rows) == MAX_ROWS:
                    too_many = True
                    break
                rows.append((number, {name: values[index] for name, index in positions.items()}))
        except Exception as error:  # a damaged sheet shows only while it is being read
            raise _refuse("broken") from error
    if too_many:
        raise _refuse("too_many_rows")
    if not rows:
        raise _refuse("empty")
    return rows


# -- the uploaded file between the preview and the confirmation --


def stage(upload: Upload) -> StagedFile:
    """Keep the upload until it is confirmed; uploads left unconfirmed for a day are removed."""
    _discard_stale()
    path = default_storage.save(f"{STAGING_DIR}/{uuid.uuid4()}.xlsx", ContentFile(upload.content))
    return StagedFile(path, hashlib.sha256(upload.content).hexdigest(), upload.name)


def _discard_stale() -> None:
    if not default_storage.exists(STAGING_DIR):
        return
    cutoff = timezone.now() - STAGED_LIFETIME
    for name in default_storage.listdir(STAGING_DIR)[1]:
        path = f"{STAGING_DIR}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)


def staged_content(staged: StagedFile) -> bytes | None:
    """The staged file, or None if it is gone or is not the file that was checked."""
    if not staged.path.startswith(f"{STAGING_DIR}/") or not default_storage.exists(staged.path):
        return None
    with default_storage.open(staged.path, "rb") as file:
        content = file.read()
    return content if hashlib.sha256(content).hexdigest() == staged.sha256 else None


def staged_discard(staged: StagedFile) -> None:
    if staged.path.startswith(f"{STAGING_DIR}/"):
        default_storage.delete(staged.path)
