"""Excel files built in memory for the import tests."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from soldiers.importing import COLUMNS
from tests.factories import citizen_id_for

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def soldier_row(serial: int = 1, **overrides: Any) -> dict[str, Any]:
    """A valid row of the template for a soldier of PK02 (tests/conftest.py `tree`), born in
    Ninh Bình; `overrides` are by column header."""
    birth = dt.date(2005, 3, 10)
    row = {
        "Họ và tên": f"Nguyễn Văn Thử {serial}",
        "Ngày sinh": "10/03/2005",
        "Giới tính": "Nam",
        "Số CCCD": citizen_id_for(birth, "male", serial),
        "Đơn vị": "PK02",
        "Cấp bậc": "Binh nhất",
        "Ngày nhập ngũ": "15/02/2025",
        "Ngày xuất ngũ": "",
        "Quê quán (tỉnh)": "Ninh Bình",
        "Quê quán (xã/phường)": "Phủ Lý",
        "Số điện thoại": "0912345678",
    }
    return row | overrides


def xlsx(
    rows: Iterable[dict[str, Any]],
    *,
    header: Sequence[str] = COLUMNS,
    write_only: bool = False,
) -> bytes:
    """A workbook whose first sheet has `header` in row 1 and one row per dict under it.

    A write-only workbook records no sheet size, as some programs do; a normal one does.
    """
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("Danh sách") if write_only else workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append([row.get(column) for column in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "danh-sach.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX_TYPE)


def with_zip_entry(content: bytes, name: str, data: bytes) -> bytes:
    """The same package with one entry replaced or added."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item, source.read(item.filename))
        target.writestr(name, data)
    return buffer.getvalue()
