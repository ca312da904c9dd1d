"""Writing xlsx files safely (DESIGN.md §7): write-only workbooks, user text never a formula,
dates as real dates, a bold frozen header, column widths.

Every export in every app goes through `xlsx_bytes` / `xlsx_response`, so the rules hold once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

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


def write_sheet(workbook: Workbook, sheet: Sheet) -> int:
    """Add one sheet with its header; returns the number of data rows written."""
    ws = workbook.create_sheet(title=sheet.title[:31])
    ws.freeze_panes = "A2"
    for index, column in enumerate(sheet.columns):
        ws.column_dimensions[_letter(index)].width = column.width
    header = []
    for column in sheet.columns:
        c = cell(ws, column.header)
        c.font = BOLD
        header.append(c)
    ws.append(header)
    count = 0
    formats = [column.number_format for column in sheet.columns]
    for row in sheet.rows:
        ws.append([cell(ws, value, fmt) for value, fmt in zip(row, formats, strict=False)])
        count += 1
    return count


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        write_sheet(workbook, sheet)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, sheets: Iterable[Sheet]) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(sheets), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
