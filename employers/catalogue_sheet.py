"""PA04's list of a year as the spreadsheet that goes out to units: the columns are the form the
province uses, in Vietnamese whatever the interface language, like the import template's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from employers import selectors
from employers.models import JobOpening
from training.selectors import province_name
from units.spreadsheets import AMOUNT_FORMAT, Column, Sheet

COLUMNS = (
    Column("STT", 6),
    Column("Doanh nghiệp", 36),
    Column("Mã số thuế", 16),
    Column("Loại hình", 22),
    Column("Vị trí", 30),
    Column("Nghề", 30),
    Column("Số lượng", 10),
    Column("Lương từ", 14, AMOUNT_FORMAT),
    Column("Lương đến", 14, AMOUNT_FORMAT),
    Column("BHXH", 8),
    Column("Nơi làm việc", 24),
    Column("Hạn tuyển", 12),
)


def place_of_work(opening: JobOpening) -> str:
    """The country for work abroad, else the province (its name in the 2025 list)."""
    return opening.country or province_name(opening.province_code)


def _rows(year: int) -> Iterator[list[Any]]:
    openings = selectors.openings_of_year(year).iterator(chunk_size=2000)
    for number, opening in enumerate(openings, start=1):
        yield [
            number,
            opening.employer.name,
            opening.employer.tax_code,
            opening.employer.get_ownership_display(),
            opening.title,
            opening.occupation.name if opening.occupation_id else "",
            opening.headcount,
            opening.salary_min_vnd,
            opening.salary_max_vnd,
            _("Yes") if opening.social_insurance else _("No"),
            place_of_work(opening),
            opening.open_until,
        ]


def opening_sheet(year: int) -> Sheet:
    """The approved, active openings of the year's list, by employer."""
    return Sheet(title=f"Nhu cầu tuyển dụng {year}", columns=COLUMNS, rows=_rows(year))
