"""PA03's list of a year as the spreadsheet that goes out to units: the columns are the form the
province uses, in Vietnamese whatever the interface language, like the import template's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from training import selectors
from units.spreadsheets import AMOUNT_FORMAT, Column, Sheet

COLUMNS = (
    Column("STT", 6),
    Column("Cơ sở đào tạo", 36),
    Column("Trực thuộc", 24),
    Column("Địa chỉ", 40),
    Column("Nghề", 30),
    Column("Trình độ", 18),
    Column("Thời gian (tháng)", 10),
    Column("Học phí (đồng)", 16, AMOUNT_FORMAT),
    Column("Mức hỗ trợ (đồng)", 16, AMOUNT_FORMAT),
    Column("Chỉ tiêu", 10),
    Column("Đã đăng ký", 12),
    Column("Còn lại", 10),
)


def _rows(year: int) -> Iterator[list[Any]]:
    courses = selectors.course_list(year=year).iterator(chunk_size=2000)
    for number, course in enumerate(courses, start=1):
        yield [
            number,
            course.institution.name,
            course.institution.get_affiliation_display(),
            selectors.address_with_province(
                course.institution.address, course.institution.province_code
            ),
            course.occupation.name,
            course.get_level_display(),
            # Excel has no decimal type; a float keeps 1.5 months as 1.5.
            float(course.duration_months),
            course.tuition_vnd,
            course.support_vnd,
            course.seats,
            course.seats_taken,
            course.seats_left,
        ]


def course_sheet(year: int) -> Sheet:
    """The approved, active courses of the year's list, as officers see them on the page."""
    return Sheet(title=f"Cơ sở đào tạo {year}", columns=COLUMNS, rows=_rows(year))
