"""An uploaded Excel list as a whole: refused when it cannot be a list of ours (too big, not
.xlsx, macros, links to other files, damaged, wrong header, a formula or an overlong cell), read
row by row otherwise, and kept between the preview and the confirmation. The soldier list
(soldiers/importing) and the account roll-out (units/account_import.py) are read by it.

Hostile files are refused before openpyxl parses them whenever the zip alone tells (what it
unpacks to, its parts, how many rows and cells its sheets hold), so that the time and memory an
upload costs stay bounded by the limits below, whatever the file claims about itself."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from io import BytesIO
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# A 20,000-row list unpacks to about 20 MB; far more is a zip bomb, not a soldier list.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# XML tags in the sheets: a full ledger (20,000 rows of 18 inline-text cells) has about 2.2
# million. openpyxl parses every sheet whole when it opens a workbook that records no size, so
# this bounds that parse (a few seconds) however the bytes are spent (rows, columns, blanks).
MAX_SHEET_TAGS = 4_000_000
# No cell of a list is longer (a name has at most 150 characters); a longer one is not a typo.
MAX_CELL_CHARS = 1_000
SCAN_CHUNK = 1024 * 1024
# What reading a damaged zip raises.
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError)
STAGING_DIR = "imports"
STAGED_LIFETIME = dt.timedelta(days=1)
ZIP_MAGIC = b"PK\x03\x04"
SHEET_CONTENT_TYPES = (
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
)


class ImportRefused(Exception):
    """The file as a whole cannot be imported; the message tells the officer why, `reason` names
    the refusal (see _refusals) for a caller that words it for its own list."""

    def __init__(self, message: str, *, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason


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
            "The file has more than %(rows)s rows. Split the list into several files."
        )
        % {"rows": number_format(MAX_ROWS, force_grouping=True)},
        "not_xlsx": _(
            "This is not an Excel .xlsx file. Fill in the template and save it as "
            "“Excel Workbook (.xlsx)”."
        ),
        "macros": _(
            "Files with macros (.xlsm) are not accepted. Save it as “Excel Workbook (.xlsx)”."
        ),
        "external_links": _(
            "Files that link to other workbooks are not accepted. In Excel, break the links "
            "(Data → Edit Links → Break Link), save the file and upload it again."
        ),
        "too_many_cells": _(
            "The sheet holds far more cells than a list of %(rows)s rows needs. Copy only the "
            "list into a new workbook, save it and upload it again."
        )
        % {"rows": number_format(MAX_ROWS, force_grouping=True)},
        "broken": _(
            "The Excel file is damaged and cannot be read. Open it in Excel, save it again as "
            ".xlsx and upload it again."
        ),
        "empty": _("The file has no rows under the header row."),
    }


def _refuse(reason: str) -> ImportRefused:
    return ImportRefused(_refusals()[reason], reason=reason)


@contextmanager
def reworded(texts: Mapping[str, str]) -> Iterator[None]:
    """Word the refusals named in `texts` (by reason) for one kind of list: "rows of soldiers"."""
    try:
        yield
    except ImportRefused as refusal:
        if refusal.reason not in texts:
            raise
        raise ImportRefused(texts[refusal.reason], reason=refusal.reason) from refusal


def check_upload(
    file: UploadedFile, *, columns: Sequence[str], optional: Sequence[str] = ()
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


def package_problem(archive: zipfile.ZipFile) -> str | None:
    """Why an Office package (.xlsx, .docx) must not be accepted, or None: "broken" (it would
    unpack to more than MAX_UNPACKED_BYTES, or a part is damaged or inflates to other than what
    the zip declares: each part is inflated once, never beyond its declared size, to check its
    CRC), "macros" (a VBA project, whatever the file is called) or "external_links" (a workbook
    that would fetch values from other files). Reports' attachments are judged by this too."""
    infos = archive.infolist()
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        return "broken"
    try:
        if archive.testzip() is not None:
            return "broken"
    except (*ZIP_ERRORS, NotImplementedError):  # NotImplementedError: unknown compression
        return "broken"
    names = [info.filename.lower() for info in infos]
    content_types = _content_types(archive)
    if b"macroEnabled" in content_types or any(n.endswith("vbaproject.bin") for n in names):
        return "macros"
    if b"externalLink+xml" in content_types or any("/externallinks/" in n for n in names):
        return "external_links"
    return None


def _content_types(archive: zipfile.ZipFile) -> bytes:
    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError:
        return b""
    # A real one is a few kilobytes; the total was bounded above, this one is bounded too.
    return archive.read(info) if info.file_size <= SCAN_CHUNK else b""


def _check_container(content: bytes) -> None:
    if len(content) > MAX_BYTES:
        raise _refuse("too_big")
    if not content.startswith(ZIP_MAGIC):
        raise _refuse("not_xlsx")
    try:
        with zipfile.ZipFile(BytesIO(content)) as archive:
            problem = package_problem(archive)
            if problem:
                raise _refuse(problem)
            if not any(kind in _content_types(archive) for kind in SHEET_CONTENT_TYPES):
                raise _refuse("not_xlsx")
            _check_sheet_sizes(archive)
    except ZIP_ERRORS as error:
        raise _refuse("broken") from error


def _check_sheet_sizes(archive: zipfile.ZipFile) -> None:
    """Count the rows and tags of every sheet (and of the shared texts, which openpyxl reads
    whole) in the raw XML, at the speed of a byte search, before openpyxl parses any of them."""
    rows = tags = 0
    for info in archive.infolist():
        if not info.filename.startswith(("xl/worksheets/", "xl/sharedStrings")):
            continue
        sheet = info.filename.startswith("xl/worksheets/")
        with archive.open(info) as part:
            rest = b""
            while chunk := part.read(SCAN_CHUNK):
                data = rest + chunk
                # A tag cut in two at the end of the chunk is counted with the next chunk.
                cut = data.rfind(b"<", max(len(data) - 16, 0))
                cut = len(data) if cut == -1 else cut
                rest = data[cut:]
                tags += data.count(b"<", 0, cut)
                if sheet:  # <row …> or, with a namespace prefix, <x:row …>
                    rows += data.count(b"<row", 0, cut) + data.count(b":row", 0, cut)
                _check_row_count(rows)
                if tags > MAX_SHEET_TAGS:
                    raise _refuse("too_many_cells")
            if sheet:
                rows += rest.count(b"<row") + rest.count(b":row")
    _check_row_count(rows)


@contextmanager
def _sheet(
    content: bytes, columns: Sequence[str], optional: Sequence[str]
) -> Iterator[tuple[ReadOnlyWorksheet, dict[str, int]]]:
    """The first sheet, read-only, and the position of each template column in it."""
    _check_container(content)
    try:
        # Formulas come as their text (not Excel's last result), so that they can be refused.
        workbook = load_workbook(BytesIO(content), read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
        header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    # openpyxl reports a damaged file with whatever its zip and XML parsers raise.
    except Exception as error:
        raise _refuse("broken") from error
    try:
        _check_cells(1, dict(enumerate(header)), {})
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


def _check_cells(number: int, values: dict[int, Any], names: dict[int, str]) -> None:
    """Refuse the file for a formula, or text Excel would take for one, or an overlong cell:
    neither is ever part of a list, and neither may reach the database or an error message."""
    for index, value in values.items():
        column = names.get(index) or get_column_letter(index + 1)
        where = {"row": number, "column": column}
        if isinstance(value, ArrayFormula | DataTableFormula) or (
            isinstance(value, str) and value.lstrip().startswith("=")
        ):
            raise ImportRefused(
                _(
                    "Row %(row)s, column “%(column)s” holds a formula. Formulas are not "
                    "imported: copy the cells and paste them back as values only (Paste Special "
                    "→ Values), then upload the file again."
                )
                % where
            )
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            raise ImportRefused(
                _(
                    "Row %(row)s, column “%(column)s” holds more than %(limit)s characters; no "
                    "cell of the list is that long. Correct the file and upload it again."
                )
                % (where | {"limit": number_format(MAX_CELL_CHARS, force_grouping=True)})
            )


def read_rows(
    content: bytes, *, columns: Sequence[str], optional: Sequence[str] = ()
) -> list[tuple[int, dict[str, Any]]]:
    """(row number, {column: cell value}) for each non-blank row under the header; an optional
    column missing from the header is missing from the rows too."""
    rows: list[tuple[int, dict[str, Any]]] = []
    with _sheet(content, columns, optional) as (sheet, positions):
        _check_row_count(sheet.max_row)
        # A wrong recorded size must not cut rows off: read to the real end of the sheet.
        sheet.reset_dimensions()
        cells = sheet.iter_rows(min_row=2, max_col=max(positions.values()) + 1, values_only=True)
        names = {index: name for name, index in positions.items()}
        try:
            for number, values in enumerate(cells, start=2):
                # As the recorded size would say; it also stops openpyxl filling the gap up to
                # a row numbered in the billions with blank rows.
                _check_row_count(number)
                if all(value is None or str(value).strip() == "" for value in values):
                    continue
                _check_cells(number, {index: values[index] for index in names}, names)
                rows.append((number, {name: values[index] for name, index in positions.items()}))
        except ImportRefused:
            raise
        except Exception as error:  # a damaged sheet shows only while it is being read
            raise _refuse("broken") from error
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


# -- the staged file named in the session, between the preview and the confirmation --


def session_stage(session: SessionBase, key: str, upload: Upload) -> StagedFile:
    """Stage `upload` and name it in the session under `key`, in place of the one before."""
    session_forget(session, key)
    staged = stage(upload)
    session[key] = asdict(staged)
    return staged


def session_staged(session: SessionBase, key: str) -> tuple[StagedFile | None, bytes | None]:
    """The file named in the session under `key`, and its content (None when it is gone or is
    not the file that was checked)."""
    data = session.get(key)
    staged = StagedFile(**data) if data else None
    return staged, staged_content(staged) if staged else None


def session_forget(session: SessionBase, key: str) -> None:
    """Discard the file named in the session under `key`: a file is imported once."""
    if data := session.pop(key, None):
        staged_discard(StagedFile(**data))
