"""The template's columns, as officers know them: the header row must name exactly these."""

from __future__ import annotations

FULL_NAME = "Họ và tên"
BIRTH = "Ngày sinh"
GENDER = "Giới tính"
CITIZEN_ID = "Số CCCD"
UNIT = "Đơn vị"
RANK = "Cấp bậc"
ENLISTED = "Ngày nhập ngũ"
DISCHARGE = "Ngày xuất ngũ"
PROVINCE = "Quê quán (tỉnh)"
WARD = "Quê quán (xã/phường)"
PHONE = "Số điện thoại"

# Column → Soldier field, in the template's order.
COLUMN_FIELDS = {
    FULL_NAME: "full_name",
    BIRTH: "date_of_birth",
    GENDER: "gender",
    CITIZEN_ID: "citizen_id",
    UNIT: "unit",
    RANK: "rank",
    ENLISTED: "enlistment_date",
    DISCHARGE: "expected_discharge_date",
    PROVINCE: "home_province_code",
    WARD: "home_ward_code",
    PHONE: "phone",
}
COLUMNS = tuple(COLUMN_FIELDS)
# A recorded actual discharge is not in the file: a clash with it comes from the enlistment date.
FIELD_COLUMNS = {name: column for column, name in COLUMN_FIELDS.items()} | {
    "actual_discharge_date": ENLISTED
}
