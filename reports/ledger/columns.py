"""The tracking ledger's columns (Sổ theo dõi), named as the units' spreadsheet names them.

The first seven are the soldier template's (soldiers.importing.columns), so that the same cell
readers serve both files."""

from __future__ import annotations

from soldiers.importing.columns import (
    BIRTH,
    CITIZEN_ID,
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
from soldiers.models import Soldier
from units.spreadsheets import Column

COUNSELLED = "Ngày tư vấn"
NEEDS_TRAINING = "Nhu cầu học nghề"
OCCUPATION = "Nghề mong muốn"
ENROLLED = "Ngày nhập học"
COMPLETED = "Ngày hoàn thành"
EMPLOYED = "Ngày có việc làm"
WORKPLACE = "Nơi làm việc"

COLUMNS = (
    FULL_NAME,
    BIRTH,
    GENDER,
    CITIZEN_ID,
    UNIT,
    ENLISTED,
    DISCHARGE,
    COUNSELLED,
    NEEDS_TRAINING,
    OCCUPATION,
    ENROLLED,
    COMPLETED,
    EMPLOYED,
    WORKPLACE,
)
# The ledger does not say where a soldier comes from, which his file requires: a ledger row for
# someone not on file yet needs these columns of the soldier template; for the others they are
# optional, and a blank cell leaves his file as it is.
OPTIONAL = (RANK, PROVINCE, WARD, PHONE)
HOME = (PROVINCE, WARD)

SHEET_TITLE = "Danh sách"
YES, NO = "Có", "Không"
GENDERS = {Soldier.Gender.MALE: "Nam", Soldier.Gender.FEMALE: "Nữ"}

WIDTHS = {FULL_NAME: 26, CITIZEN_ID: 15, OCCUPATION: 28, WORKPLACE: 32, GENDER: 9, UNIT: 12}
SHEET_COLUMNS = tuple(Column(name, width=WIDTHS.get(name, 14)) for name in COLUMNS)
