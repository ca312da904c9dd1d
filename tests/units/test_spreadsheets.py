from __future__ import annotations

import datetime as dt
from decimal import Decimal
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


def test_plain_values_and_styled_ones_mix_without_one_leaking_into_the_next() -> None:
    # Plain text and numbers share openpyxl's one reused cell; a date or a formatted number gets
    # its own. A format must never carry over to the plain value written after it.
    data = xlsx_bytes(
        [
            Sheet(
                "Hỗn hợp",
                [Column("A"), Column("B"), Column("C", number_format=AMOUNT_FORMAT), Column("D")],
                [
                    ["Nguyễn Văn An", dt.date(2026, 1, 2), 1_500_000, 7],
                    ["=1+1", None, Decimal("2.5"), True],
                    [None, "=A1", 3, 0.25],
                ],
            )
        ]
    )

    ws = load_workbook(BytesIO(data))["Hỗn hợp"]
    naive = dt.datetime  # openpyxl reads a date cell back as a naive datetime
    assert list(ws.iter_rows(min_row=2, values_only=True)) == [
        ("Nguyễn Văn An", naive(2026, 1, 2), 1_500_000, 7),
        ("=1+1", None, 2.5, True),
        (None, "=A1", 3, 0.25),
    ]
    assert [ws[ref].data_type for ref in ("A2", "A3", "B4")] == ["s", "s", "s"]
    assert [ws[ref].number_format for ref in ("A2", "B2", "C2", "D2")] == [
        "General",
        "DD/MM/YYYY",
        "#,##0",
        "General",
    ]
    assert [ws[ref].number_format for ref in ("C3", "D3", "C4", "D4")] == [
        "#,##0",
        "General",
        "#,##0",
        "General",
    ]
