"""The downloadable template: a data sheet with the header row only, and a guide sheet with one
example row and the rules in Vietnamese. Written with openpyxl in write-only mode."""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO

from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation

from soldiers.importing.columns import (
    BIRTH,
    CITIZEN_ID,
    COLUMNS,
    DISCHARGE,
    ENLISTED,
    FULL_NAME,
    GENDER,
    PHONE,
    PROVINCE,
    RANK,
    UNIT,
    WARD,
)
from soldiers.importing.workbook import MAX_BYTES, MAX_ROWS
from soldiers.models import ServiceRule, Soldier
from soldiers.selectors import service_rule_on
from units.models import Unit, User
from units.scoping import scope_for

DATA_SHEET = "Danh sách"
GUIDE_SHEET = "Hướng dẫn"
FILE_NAME = "mau-danh-sach-chien-si.xlsx"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WIDTHS = {
    FULL_NAME: 26,
    BIRTH: 12,
    GENDER: 10,
    CITIZEN_ID: 15,
    UNIT: 12,
    RANK: 12,
    ENLISTED: 15,
    DISCHARGE: 15,
    PROVINCE: 18,
    WARD: 22,
    PHONE: 14,
}
# Text, so that Excel keeps the leading 0 of citizen IDs and phone numbers, and never reads
# 05/02/2025 as 2 May in a computer set to the American date order.
TEXT_COLUMNS = (BIRTH, CITIZEN_ID, ENLISTED, DISCHARGE, PHONE)
BOLD = Font(bold=True)


def template_workbook(*, user: User) -> bytes:
    """The template as an .xlsx file, its example row naming a unit the user may import into."""
    workbook = Workbook(write_only=True)
    with translation.override("vi"):
        ranks = [str(label) for label in Soldier.Rank.labels]
    _data_sheet(workbook.create_sheet(DATA_SHEET), ranks)
    rule = service_rule_on(timezone.localdate())
    _guide_sheet(workbook.create_sheet(GUIDE_SHEET), _example_unit(user), ranks, rule)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(sheet: WriteOnlyWorksheet, value: str, *, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # text, never a formula, whatever it starts with
    if bold:
        cell.font = BOLD
    return cell


def _set_widths(sheet: WriteOnlyWorksheet) -> None:
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS[column]


def _choice_list(sheet: WriteOnlyWorksheet, column: str, choices: Sequence[str]) -> None:
    letter = get_column_letter(COLUMNS.index(column) + 1)
    validation = DataValidation(type="list", formula1=f'"{",".join(choices)}"', allow_blank=True)
    validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
    sheet.data_validations.append(validation)


def _data_sheet(sheet: WriteOnlyWorksheet, ranks: list[str]) -> None:
    sheet.freeze_panes = "A2"
    _set_widths(sheet)
    for column in TEXT_COLUMNS:
        letter = get_column_letter(COLUMNS.index(column) + 1)
        sheet.column_dimensions[letter].number_format = "@"
    _choice_list(sheet, GENDER, ["Nam", "Nữ"])
    _choice_list(sheet, RANK, ranks)
    sheet.append([_cell(sheet, column, bold=True) for column in COLUMNS])


def _example_unit(user: User) -> str:
    units = scope_for(user).units().filter(kind=Unit.Kind.MANAGING).order_by("path")
    code = units.values_list("code", flat=True).first()
    return code or (user.unit.code if user.unit else "PK02")


def _guide_sheet(
    sheet: WriteOnlyWorksheet, unit_code: str, ranks: list[str], rule: ServiceRule
) -> None:
    _set_widths(sheet)
    sheet.append([_cell(sheet, _("How to fill in the soldier list"), bold=True)])
    notes = [
        _(
            "Write one soldier per row on the sheet “%(sheet)s”, under the header row. Do not "
            "rename, add or remove columns."
        )
        % {"sheet": DATA_SHEET},
        _("At most %(rows)s rows and %(size)s MB; save the file as Excel Workbook (.xlsx).")
        % {
            "rows": number_format(MAX_ROWS, force_grouping=True),
            "size": MAX_BYTES // (1024 * 1024),
        },
        _("A citizen ID already on file updates that soldier's file instead of adding one."),
        _(
            "The whole file is checked before anything is saved: if a row has an error, nothing "
            "is saved and every error is listed by row and column."
        ),
    ]
    sheet.append([])
    for note in notes:
        sheet.append([_cell(sheet, note)])
    sheet.append([])
    sheet.append([_cell(sheet, _("Example row"), bold=True)])
    sheet.append([_cell(sheet, column, bold=True) for column in COLUMNS])
    example = ["Nguyễn Văn An", "10/03/2005", "Nam", "037205000123", unit_code, ranks[0]]
    example += ["15/02/2025", "", "Ninh Bình", "Phủ Lý", "0912345678"]
    sheet.append([_cell(sheet, value) if value else None for value in example])
    sheet.append([])
    sheet.append(
        [_cell(sheet, _("Column"), bold=True), _cell(sheet, _("How to write it"), bold=True)]
    )
    for column, text in _column_rules(ranks, rule).items():
        sheet.append([_cell(sheet, column), _cell(sheet, text)])


def _column_rules(ranks: list[str], rule: ServiceRule) -> dict[str, str]:
    return {
        FULL_NAME: _("Required. The full name as he writes it, in one cell."),
        BIRTH: _("Required. dd/mm/yyyy."),
        GENDER: _("Required. Nam or Nữ."),
        CITIZEN_ID: _("Required. 12 digits, which must agree with the date of birth and gender."),
        UNIT: _("Required. The code of your unit or of one of its sub-units."),
        RANK: _("One of %(ranks)s, or blank.") % {"ranks": ", ".join(ranks)},
        ENLISTED: _("Required. dd/mm/yyyy; he must be at least %(age)s years old on that day.")
        % {"age": rule.minimum_enlistment_age},
        DISCHARGE: _(
            "dd/mm/yyyy, after the enlistment date. Blank: the enlistment date plus %(months)s "
            "months."
        )
        % {"months": rule.service_months},
        PROVINCE: _(
            "Required. A province or city of the 2025 list; “Tỉnh” or “Thành phố” may be left out."
        ),
        WARD: _(
            "Required. A commune or ward of that province in the 2025 list; “Xã” or “Phường” may "
            "be left out."
        ),
        PHONE: _("Optional. At most 15 digits."),
    }
