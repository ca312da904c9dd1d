"""Writing xlsx files safely (DESIGN.md §7): write-only workbooks, user text never a formula,
dates as real dates, a bold frozen header, column widths.

Every export in every app goes through `xlsx_export` (a download, logged in the audit log) or
`xlsx_bytes` / `xlsx_written`, so the rules hold once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from units import audit, selectors
from units.models import AuditEvent

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD/MM/YYYY"
AMOUNT_FORMAT = "#,##0"
BOLD = Font(bold=True)


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 16
    number_format: str | None = None


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    # Lines above the table (a title, the period, totals), a bold label first on each; numbers in
    # them are counts or amounts. An empty line parts them from the header, frozen under them.
    preamble: Sequence[Sequence[Any]] = ()


def cell(ws: WriteOnlyWorksheet, value: Any, number_format: str | None = None) -> WriteOnlyCell:
    """One cell. Text is always stored as text, so "=SUM(...)" typed by a user stays a string;
    a timezone-aware datetime becomes the local naive time (Excel has no time zones)."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        from django.utils import timezone

        value = timezone.localtime(value).replace(tzinfo=None)
    result = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        result.data_type = "s"
    elif isinstance(value, dt.date):
        result.number_format = number_format or DATE_FORMAT
    elif number_format:
        result.number_format = number_format
    return result


def _as_is(value: Any, number_format: str | None) -> bool:
    """Whether openpyxl may store the value itself: text that cannot be read as a formula, and
    numbers that keep the default format. Such values go through the write-only sheet's one
    reused cell, so a 100,000-row export builds no cell object per value (DESIGN.md §10)."""
    if value is None:
        return True
    kind = type(value)
    if kind is str:
        return not value.startswith("=")
    return number_format is None and kind in _PLAIN_NUMBERS


_PLAIN_NUMBERS = frozenset({int, float, bool, Decimal})


def write_sheet(workbook: Workbook, sheet: Sheet) -> int:
    """Add one sheet with its header; returns the number of data rows written."""
    ws = workbook.create_sheet(title=sheet.title[:31])
    above = len(sheet.preamble) + 1 if sheet.preamble else 0
    ws.freeze_panes = f"A{above + 2}"
    for index, column in enumerate(sheet.columns):
        ws.column_dimensions[_letter(index)].width = column.width
    for line in sheet.preamble:
        cells = [cell(ws, v, AMOUNT_FORMAT if isinstance(v, int) else None) for v in line]
        cells[0].font = BOLD
        ws.append(cells)
    if sheet.preamble:
        ws.append([])
    header = []
    for column in sheet.columns:
        c = cell(ws, column.header)
        c.font = BOLD
        header.append(c)
    ws.append(header)
    count = 0
    formats = [column.number_format for column in sheet.columns]
    for row in sheet.rows:
        ws.append(
            [
                value if _as_is(value, fmt) else cell(ws, value, fmt)
                for value, fmt in zip(row, formats, strict=False)
            ]
        )
        count += 1
    return count


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def xlsx_written(sheets: Iterable[Sheet]) -> tuple[bytes, dict[str, int]]:
    """The workbook, and the number of data rows written to each sheet (by title)."""
    workbook = Workbook(write_only=True)
    rows = {sheet.title: write_sheet(workbook, sheet) for sheet in sheets}
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), rows


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    return xlsx_written(sheets)[0]


def _attachment(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(filename: str, sheets: Iterable[Sheet]) -> HttpResponse:
    return _attachment(xlsx_bytes(sheets), filename)


def xlsx_export(
    request: HttpRequest,
    filename: str,
    sheets: Iterable[Sheet],
    *,
    summary: str,
    filters: Mapping[str, Any],
    subject: Any | None = None,
) -> HttpResponse:
    """The download of a file made for the person at the browser, with its entry in the audit
    log: who, `summary`, the filters and the rows it holds (per sheet too when it has several).
    Every export view goes through this rather than xlsx_response."""
    content, rows = xlsx_written(sheets)
    per_sheet = {"sheets": rows} if len(rows) > 1 else {}
    audit.record_export(
        user=request.user,
        request=request,
        subject=subject,
        summary=summary,
        file=filename,
        filters=filters,
        rows=sum(rows.values()),
        **per_sheet,
    )
    return _attachment(content, filename)


def audit_sheet(events: QuerySet[AuditEvent]) -> Sheet:
    """The audit log's entries as the page shows them (units.selectors.audit_row), read in
    chunks: the log grows without end."""

    def rows() -> Iterator[list[Any]]:
        for event in events.iterator(chunk_size=2_000):
            row = selectors.audit_row(event)
            yield [
                event.at,
                event.username,
                event.get_kind_display(),
                row.subject,
                event.summary,
                row.details,
                event.ip_address or "",
                event.user_agent,
            ]

    columns = [
        Column(_("Time"), 18, "DD/MM/YYYY HH:MM:SS"),
        Column(_("Account"), 16),
        Column(_("Kind of event"), 22),
        Column(_("Subject"), 18),
        Column(_("Summary"), 50),
        Column(_("Details"), 60),
        Column(_("Address"), 16),
        Column(_("Browser"), 40),
    ]
    return Sheet(title=_("Audit log"), columns=columns, rows=rows())
