from __future__ import annotations

import datetime as dt
from io import BytesIO
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from units.spreadsheets import AMOUNT_FORMAT, Column, Sheet, xlsx_bytes


def test_user_text_that_looks_like_a_formula_stays_text_and_dates_are_dates() -> None:
    data = xlsx_bytes(
        [
            Sheet(
                "Danh sách",
                [
                    Column("Họ và tên", 30),
                    Column("Ngày"),
                    Column("Số tiền", number_format=AMOUNT_FORMAT),
                ],
                [
                    ['=HYPERLINK("http://x")', dt.date(2026, 8, 15), 1_234_567],
                    ["+1-2", dt.datetime(2026, 8, 15, 8, 30, tzinfo=ZoneInfo("UTC")), 0],
                ],
            )
        ]
    )

    ws = load_workbook(BytesIO(data))["Danh sách"]
    rows = list(ws.iter_rows(values_only=True))
    naive = dt.datetime  # the cells hold naive local times by design (DESIGN.md §7)
    assert rows == [
        ("Họ và tên", "Ngày", "Số tiền"),
        ('=HYPERLINK("http://x")', naive(2026, 8, 15), 1_234_567),
        ("+1-2", naive(2026, 8, 15, 15, 30), 0),
    ]
    assert ws["A2"].data_type == "s"
    assert ws["B2"].number_format == "DD/MM/YYYY"
    assert ws["C2"].number_format == "#,##0"
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.bold is True
    assert ws.column_dimensions["A"].width == 30
