from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from employers import services as job_services
from employers.models import Placement
from reports import ledger
from reports.targets import figures
from soldiers import services as soldier_services
from soldiers.importing.workbook import ImportRefused
from soldiers.milestones import MILESTONE_FIELDS
from soldiers.models import Counselling, Soldier, SoldierChange
from tests.factories import (
    HOME_PROVINCE,
    HOME_WARD,
    CourseFactory,
    EmployerFactory,
    SoldierFactory,
    citizen_id_for,
)
from tests.soldiers.xlsx import upload, xlsx
from training import services as training_services
from training.models import CareerWish, Occupation, Registration
from units.models import User

OFFICER = User.Role.UNIT_OFFICER
HQ = User.Role.HQ_STAFF
LEADER = User.Role.LEADER
COMMUNE = User.Role.COMMUNE_OFFICER
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
BIRTH = dt.date(2005, 3, 10)
HOME_COLUMNS = ("Quê quán (tỉnh)", "Quê quán (xã/phường)")
WITH_HOME = (*ledger.COLUMNS, *HOME_COLUMNS)
LEADER_REFUSED = "Tài khoản của đồng chí không được sửa hồ sơ chiến sĩ."


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, tzinfo=HANOI), tick=False):
        yield


def occupation(code: str) -> Occupation:
    return Occupation.objects.get(code=code)


def cid(serial: int, birth: dt.date = BIRTH, gender: str = "male") -> str:
    return citizen_id_for(birth, gender, serial)


def ledger_row(serial: int = 1, **cells: Any) -> dict[str, Any]:
    """A ledger row for a soldier of PK02 enlisted 15/02/2024 (discharged 15/02/2026, cohort
    2026), with his home for when he is not on file; `cells` by column header."""
    row = dict.fromkeys(WITH_HOME, "")
    row |= {
        "Họ và tên": f"Nguyễn Văn Thử {serial}",
        "Ngày sinh": "10/03/2005",
        "Giới tính": "Nam",
        "Số CCCD": cid(serial),
        "Đơn vị": "PK02",
        "Ngày nhập ngũ": "15/02/2024",
        "Quê quán (tỉnh)": "Ninh Bình",
        "Quê quán (xã/phường)": "Phủ Lý",
    }
    return row | cells


def ledger_file(rows: list[dict[str, Any]], header: tuple[str, ...] = WITH_HOME) -> bytes:
    return xlsx(rows, header=header)


def read_back(content: bytes) -> tuple[list[str], list[tuple]]:
    workbook = load_workbook(io.BytesIO(content))
    return workbook.sheetnames, [tuple(row) for row in workbook.active.iter_rows(values_only=True)]


def day(year: int, month: int, date: int) -> dt.datetime:
    """A date cell as openpyxl reads it back."""
    return dt.datetime(year, month, date)  # noqa: DTZ001 (spreadsheet dates have no time zone)


def snapshot() -> dict[str, list]:
    """Every row the ledger may write, to prove that an import changed nothing."""
    return {
        "soldiers": list(
            Soldier.objects.order_by("pk").values_list(
                "pk",
                "version",
                "full_name",
                "unit_id",
                "expected_discharge_date",
                "actual_discharge_date",
                *MILESTONE_FIELDS,
            )
        ),
        "history": list(SoldierChange.objects.order_by("pk").values_list("pk", flat=True)),
        "counsellings": list(Counselling.objects.order_by("pk").values_list("pk", "date")),
        "wishes": list(
            CareerWish.objects.order_by("pk").values_list(
                "pk", "is_current", "wants_training", "occupation_id", "surveyed_on"
            )
        ),
        "registrations": list(
            Registration.objects.order_by("pk").values_list(
                "pk", "status", "enrolled_on", "completed_on", "course_id"
            )
        ),
        "placements": list(Placement.objects.order_by("pk").values_list("pk", "started_on")),
    }


NOTHING = {
    "created": 0,
    "updated": 0,
    "unchanged": 0,
    "counsellings": 0,
    "wishes": 0,
    "registrations_created": 0,
    "registrations_updated": 0,
    "placements": 0,
}


# -- a cohort with every kind of path, made through the services --


@pytest.fixture
def cohort(tree, users) -> dict[str, Soldier]:
    officer = users[OFFICER]
    an = SoldierFactory(
        unit=tree.pk02,
        full_name="Lê Văn An",
        citizen_id=cid(1),
        enlistment_date=dt.date(2024, 2, 15),
    )
    for counselled in (dt.date(2025, 6, 1), dt.date(2025, 5, 10)):
        soldier_services.counselling_record(
            user=officer, soldier=an, date=counselled, kind="career_guidance"
        )
    training_services.career_wish_record(
        user=officer,
        soldier=an,
        surveyed_on=dt.date(2025, 5, 10),
        wants_training="yes",
        occupation=occupation("DCN"),
    )
    registration = training_services.registration_create(
        user=officer, soldier=an, course=CourseFactory(), on=dt.date(2025, 8, 1)
    )
    training_services.registrations_send(
        user=officer, registrations=[registration], on=dt.date(2025, 8, 15)
    )
    training_services.registration_enrol(
        user=officer, registration=registration, on=dt.date(2026, 3, 2)
    )
    training_services.registration_complete(
        user=officer, registration=registration, on=dt.date(2026, 6, 1)
    )
    # A job before his training, then the one the figures count.
    job_services.placement_record(
        user=officer,
        soldier=an,
        kind="self_employed",
        workplace="Cửa hàng của gia đình",
        started_on=dt.date(2026, 2, 20),
    )
    job_services.placement_record(
        user=officer,
        soldier=an,
        kind="enterprise",
        employer=EmployerFactory(name="Công ty TNHH Ánh Dương"),
        started_on=dt.date(2026, 7, 1),
    )
    binh_birth = dt.date(2004, 7, 1)
    binh = SoldierFactory(
        unit=tree.pk02_d1,
        full_name="Trần Thị Bình",
        gender="female",
        date_of_birth=binh_birth,
        citizen_id=cid(2, binh_birth, "female"),
        enlistment_date=dt.date(2024, 3, 1),
        actual_discharge_date=dt.date(2026, 1, 20),
    )
    training_services.career_wish_record(
        user=officer, soldier=binh, surveyed_on=dt.date(2025, 6, 1), wants_training="no"
    )
    # Service extended by six months; a registration from the survey, no course yet.
    cuong = SoldierFactory(
        unit=tree.pk02,
        full_name="Phạm Văn Cường",
        citizen_id=cid(3),
        enlistment_date=dt.date(2024, 4, 1),
        expected_discharge_date=dt.date(2026, 10, 1),
    )
    training_services.career_wish_record(
        user=officer,
        soldier=cuong,
        surveyed_on=dt.date(2025, 7, 1),
        wants_training="undecided",
        occupation=occupation("MAY"),
    )
    training_services.registration_create(
        user=officer, soldier=cuong, occupation=occupation("HAN"), on=dt.date(2026, 5, 1)
    )
    dung = SoldierFactory(
        unit=tree.pc07,
        full_name="Đỗ Văn Dũng",
        citizen_id=cid(4),
        enlistment_date=dt.date(2024, 2, 15),
    )
    # Outside the 2026 ledger: discharged in 2027, or archived.
    SoldierFactory(unit=tree.pk02, citizen_id=cid(5), enlistment_date=dt.date(2025, 2, 15))
    archived = SoldierFactory(
        unit=tree.pk02, citizen_id=cid(6), enlistment_date=dt.date(2024, 2, 15)
    )
    soldier_services.soldier_archive(user=officer, soldier=archived, reason="Chuyển ngành")
    return {"an": an, "binh": binh, "cuong": cuong, "dung": dung}


HEADER = (
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số CCCD",
    "Đơn vị",
    "Ngày nhập ngũ",
    "Ngày xuất ngũ",
    "Ngày tư vấn",
    "Nhu cầu học nghề",
    "Nghề mong muốn",
    "Ngày nhập học",
    "Ngày hoàn thành",
    "Ngày có việc làm",
    "Nơi làm việc",
)


def test_the_export_is_one_sheet_with_the_ledger_columns_and_a_row_per_soldier(cohort) -> None:
    content = ledger.ledger_export(year=2026, mask=False)

    sheets, rows = read_back(content)

    assert sheets == ["Danh sách"]
    assert rows == [
        HEADER,
        (
            "Lê Văn An", day(2005, 3, 10), "Nam", cid(1), "PK02", day(2024, 2, 15), None,
            day(2025, 5, 10), "Có", "Điện công nghiệp", day(2026, 3, 2), day(2026, 6, 1),
            day(2026, 7, 1), "Công ty TNHH Ánh Dương",
        ),
        (
            "Trần Thị Bình", day(2004, 7, 1), "Nữ", cid(2, dt.date(2004, 7, 1), "female"),
            "PK02-D1", day(2024, 3, 1), day(2026, 1, 20), None, "Không", None, None, None,
            None, None,
        ),
        (
            "Phạm Văn Cường", day(2005, 3, 10), "Nam", cid(3), "PK02", day(2024, 4, 1),
            day(2026, 10, 1), None, None, "May công nghiệp", None, None, None, None,
        ),
        (
            "Đỗ Văn Dũng", day(2005, 3, 10), "Nam", cid(4), "PC07", day(2024, 2, 15), None,
            None, None, None, None, None, None, None,
        ),
    ]  # fmt: skip


def test_the_export_of_a_unit_has_its_sub_units_and_masks_citizen_ids(cohort, tree) -> None:
    content = ledger.ledger_export(year=2026, unit=tree.pk02)

    _sheets, rows = read_back(content)

    assert [(row[0], row[3], row[4]) for row in rows[1:]] == [
        ("Lê Văn An", "********0001", "PK02"),
        ("Trần Thị Bình", "********0002", "PK02-D1"),
        ("Phạm Văn Cường", "********0003", "PK02"),
    ]


def test_dates_are_real_dates_and_a_name_starting_with_equals_stays_text(tree) -> None:
    SoldierFactory(
        unit=tree.pk02,
        full_name="=SUM(A1)",
        citizen_id=cid(1),
        enlistment_date=dt.date(2024, 2, 15),
    )

    workbook = load_workbook(io.BytesIO(ledger.ledger_export(year=2026)))
    name, birth = workbook.active["A2"], workbook.active["B2"]

    assert (name.value, name.data_type) == ("=SUM(A1)", "s")
    assert (birth.value, birth.number_format) == (day(2005, 3, 10), "DD/MM/YYYY")


# -- the round trip --


def test_importing_the_exported_ledger_changes_nothing(cohort, users) -> None:
    content = ledger.ledger_export(year=2026, mask=False)
    before = snapshot()

    plan = ledger.ledger_apply(user=users[HQ], content=content)

    assert (plan.errors, plan.counts) == ([], NOTHING | {"unchanged": 4})
    assert plan.changes_anything is False
    assert snapshot() == before


def test_a_ledger_imported_then_exported_comes_back_cell_for_cell(tree, users) -> None:
    rows = [
        ledger_row(
            1,
            **{
                "Ngày tư vấn": "10/05/2025",
                "Nhu cầu học nghề": "Có",
                "Nghề mong muốn": "Hàn",
                "Ngày nhập học": "02/03/2026",
                "Ngày hoàn thành": "01/06/2026",
                "Ngày có việc làm": "01/07/2026",
                "Nơi làm việc": "Xưởng cơ khí Hoa Lư",
            },
        ),
        ledger_row(2, **{"Ngày xuất ngũ": "15/08/2026", "Nhu cầu học nghề": "Không"}),
    ]
    ledger.ledger_apply(user=users[OFFICER], content=ledger_file(rows))

    _sheets, exported = read_back(ledger.ledger_export(year=2026, mask=False))

    assert exported[1:] == [
        (
            "Nguyễn Văn Thử 1", day(2005, 3, 10), "Nam", cid(1), "PK02", day(2024, 2, 15), None,
            day(2025, 5, 10), "Có", "Hàn", day(2026, 3, 2), day(2026, 6, 1), day(2026, 7, 1),
            "Xưởng cơ khí Hoa Lư",
        ),
        (
            "Nguyễn Văn Thử 2", day(2005, 3, 10), "Nam", cid(2), "PK02", day(2024, 2, 15),
            day(2026, 8, 15), None, "Không", None, None, None, None, None,
        ),
    ]  # fmt: skip


# -- a good file --


def test_a_good_ledger_creates_exactly_its_soldiers_and_what_happened_to_them(tree, users) -> None:
    officer = users[OFFICER]
    binh_birth = dt.date(2004, 7, 1)
    rows = [
        ledger_row(
            1,
            **{
                "Họ và tên": "Lê Văn An",
                "Ngày tư vấn": "10/05/2025",
                "Nhu cầu học nghề": "Có",
                "Nghề mong muốn": "Điện công nghiệp",
                "Ngày nhập học": "02/03/2026",
                "Ngày hoàn thành": "01/06/2026",
                "Ngày có việc làm": "01/07/2026",
                "Nơi làm việc": "Công ty TNHH Ánh Dương",
            },
        ),
        ledger_row(
            2,
            **{
                "Họ và tên": "Trần Thị Bình",
                "Ngày sinh": binh_birth,  # a real Excel date
                "Giới tính": "nữ",
                "Số CCCD": cid(2, binh_birth, "female"),
                "Đơn vị": "pk02-d1",
                "Ngày nhập ngũ": "01/03/2024",
                "Ngày xuất ngũ": "20/01/2026",
                "Ngày tư vấn": dt.date(2025, 6, 1),
                "Nhu cầu học nghề": "KHÔNG",
            },
        ),
        ledger_row(
            3,
            **{"Họ và tên": "Phạm Văn Cường", "Nghề mong muốn": "hàn", "Ngày nhập học": "1/9/2026"},
        ),
    ]

    plan = ledger.ledger_apply(user=officer, content=ledger_file(rows))

    assert plan.errors == []
    assert plan.counts == NOTHING | {
        "created": 3,
        "counsellings": 2,
        "wishes": 2,
        "registrations_created": 2,
        "placements": 1,
    }
    assert list(
        Soldier.objects.order_by("citizen_id").values_list(
            "full_name", "date_of_birth", "gender", "unit__code", "enlistment_date",
            "expected_discharge_date", "actual_discharge_date", "home_province_code",
            "home_ward_code", "rank", "phone", "version",
        )
    ) == [
        ("Lê Văn An", BIRTH, "male", "PK02", dt.date(2024, 2, 15), dt.date(2026, 2, 15), None,
         HOME_PROVINCE, HOME_WARD, "", "", 1),
        ("Phạm Văn Cường", BIRTH, "male", "PK02", dt.date(2024, 2, 15), dt.date(2026, 2, 15),
         None, HOME_PROVINCE, HOME_WARD, "", "", 1),
        ("Trần Thị Bình", binh_birth, "female", "PK02-D1", dt.date(2024, 3, 1),
         dt.date(2026, 1, 20), None, HOME_PROVINCE, HOME_WARD, "", "", 1),
    ]  # fmt: skip
    assert list(
        Counselling.objects.order_by("date").values_list(
            "soldier__full_name", "date", "kind", "officer"
        )
    ) == [
        ("Lê Văn An", dt.date(2025, 5, 10), "information", officer.pk),
        ("Trần Thị Bình", dt.date(2025, 6, 1), "information", officer.pk),
    ]
    assert list(
        CareerWish.objects.order_by("soldier__full_name").values_list(
            "soldier__full_name", "is_current", "surveyed_on", "wants_training",
            "occupation__code", "recorded_by",
        )
    ) == [
        ("Lê Văn An", True, dt.date(2025, 5, 10), "yes", "DCN", officer.pk),
        ("Trần Thị Bình", True, dt.date(2025, 6, 1), "no", None, officer.pk),
    ]  # fmt: skip
    assert list(
        Registration.objects.order_by("soldier__full_name").values_list(
            "soldier__full_name", "occupation__code", "course", "institution", "status",
            "wished_on", "enrolled_on", "completed_on", "created_by",
        )
    ) == [
        ("Lê Văn An", "DCN", None, None, "completed", dt.date(2026, 3, 2), dt.date(2026, 3, 2),
         dt.date(2026, 6, 1), officer.pk),
        ("Phạm Văn Cường", "HAN", None, None, "enrolled", dt.date(2026, 9, 1),
         dt.date(2026, 9, 1), None, officer.pk),
    ]  # fmt: skip
    assert list(
        Placement.objects.values_list(
            "soldier__full_name", "kind", "source", "employer", "workplace", "started_on",
            "recorded_by",
        )
    ) == [
        ("Lê Văn An", "enterprise", "unit", None, "Công ty TNHH Ánh Dương", dt.date(2026, 7, 1),
         officer.pk),
    ]  # fmt: skip


def test_a_new_soldier_has_one_history_entry_with_his_file_and_what_the_row_records(
    tree, users
) -> None:
    officer = users[OFFICER]
    row = ledger_row(
        1,
        **{
            "Ngày tư vấn": "10/05/2025",
            "Nhu cầu học nghề": "Có",
            "Nghề mong muốn": "Hàn",
            "Ngày nhập học": "02/03/2026",
            "Ngày hoàn thành": "01/06/2026",
            "Ngày có việc làm": "01/07/2026",
            "Nơi làm việc": "Xưởng cơ khí Hoa Lư",
        },
    )

    ledger.ledger_apply(user=officer, content=ledger_file([row]))

    entry = SoldierChange.objects.get()
    assert (entry.action, entry.by) == ("imported", officer)
    assert entry.changes == {
        "full_name": ["", "Nguyễn Văn Thử 1"],
        "date_of_birth": ["", "10/03/2005"],
        "gender": ["", "Nam"],
        "citizen_id": ["", "********0001"],
        "unit": ["", "PK02"],
        "enlistment_date": ["", "15/02/2024"],
        "expected_discharge_date": ["", "15/02/2026"],
        "home_province_code": ["", "Tỉnh Ninh Bình"],
        "home_ward_code": ["", "Phường Phủ Lý"],
        "counselling": ["", "Tuyên truyền, phổ biến 10/05/2025"],
        "wish": ["", "Có nhu cầu học nghề: Có; Nghề mong muốn: Hàn"],
        "registration": [
            "",
            "Hàn – chưa ghi cơ sở đào tạo: Đã hoàn thành 02/03/2026 – 01/06/2026",
        ],
        "placement": ["", "Làm việc tại doanh nghiệp – Xưởng cơ khí Hoa Lư – 01/07/2026"],
    }


def test_a_soldier_on_file_gets_only_what_he_lacks(cohort, users) -> None:
    officer = users[OFFICER]
    an, cuong = cohort["an"], cohort["cuong"]
    counselling_days = list(Counselling.objects.values_list("date", flat=True).order_by("date"))
    rows = [
        # His first counselling, his wish, his course registration and job: all already on file.
        ledger_row(
            1,
            **{
                "Họ và tên": "Lê Văn An",
                "Ngày tư vấn": "10/05/2025",
                "Nhu cầu học nghề": "Có",
                "Nghề mong muốn": "Điện công nghiệp",
                "Ngày nhập học": "02/03/2026",
                "Ngày hoàn thành": "01/06/2026",
                "Ngày có việc làm": "20/02/2026",
            },
        ),
        # A new counselling day, a wish that changes, and his registration moves on.
        ledger_row(
            3,
            **{
                "Họ và tên": "Phạm Văn Cường",
                "Ngày nhập ngũ": "01/04/2024",
                "Ngày xuất ngũ": "01/10/2026",
                "Ngày tư vấn": "01/08/2025",
                "Nhu cầu học nghề": "Có",
                "Nghề mong muốn": "Hàn",
                "Ngày nhập học": "01/09/2026",
            },
        ),
    ]

    plan = ledger.ledger_apply(user=officer, content=ledger_file(rows, header=ledger.COLUMNS))

    assert (plan.errors, plan.counts) == (
        [],
        NOTHING | {"unchanged": 2, "counsellings": 1, "wishes": 1, "registrations_updated": 1},
    )
    assert list(Counselling.objects.values_list("date", flat=True).order_by("date")) == sorted(
        [*counselling_days, dt.date(2025, 8, 1)]
    )
    assert list(
        cuong.career_wishes.order_by("pk").values_list(
            "is_current", "surveyed_on", "wants_training", "occupation__code"
        )
    ) == [
        (False, dt.date(2025, 7, 1), "undecided", "MAY"),
        (True, dt.date(2025, 8, 1), "yes", "HAN"),
    ]
    assert list(
        cuong.registrations.values_list("status", "occupation__code", "enrolled_on", "course")
    ) == [("enrolled", "HAN", dt.date(2026, 9, 1), None)]
    assert an.placements.count() == 2
    assert cuong.changes.latest("pk").changes == {
        "counselling": ["", "Tuyên truyền, phổ biến 01/08/2025"],
        "wish": [
            "Có nhu cầu học nghề: Chưa quyết định; Nghề mong muốn: May công nghiệp",
            "Có nhu cầu học nghề: Có; Nghề mong muốn: Hàn",
        ],
        "registration": [
            "Hàn – chưa ghi cơ sở đào tạo: Có nguyện vọng",
            "Hàn – chưa ghi cơ sở đào tạo: Đang học 01/09/2026",
        ],
    }
    assert an.changes.filter(action="imported").exists() is False
    cuong.refresh_from_db()
    assert (
        cuong.first_counselling_on,
        cuong.need_training,
        cuong.need_training_since,
        cuong.enrolled_on,
    ) == (dt.date(2025, 8, 1), True, dt.date(2025, 8, 1), dt.date(2026, 9, 1))


def test_a_changed_soldier_is_updated_by_citizen_id_with_history(cohort, users) -> None:
    binh = cohort["binh"]
    row = ledger_row(
        2,
        **{
            "Họ và tên": "Trần Thị Bình",
            "Ngày sinh": "01/07/2004",
            "Giới tính": "Nữ",
            "Số CCCD": binh.citizen_id,
            "Đơn vị": "PK02",
            "Ngày nhập ngũ": "01/03/2024",
            "Ngày xuất ngũ": "25/01/2026",  # his recorded discharge, corrected
            "Ngày tư vấn": "05/06/2025",
            "Nhu cầu học nghề": "Không",
        },
    )

    plan = ledger.ledger_apply(
        user=users[OFFICER], content=ledger_file([row], header=ledger.COLUMNS)
    )

    assert plan.counts == NOTHING | {"updated": 1, "counsellings": 1}
    binh.refresh_from_db()
    assert (
        binh.unit.code,
        binh.actual_discharge_date,
        binh.expected_discharge_date,
        binh.version,
        binh.home_ward_code,
    ) == ("PK02", dt.date(2026, 1, 25), dt.date(2026, 3, 1), 2, HOME_WARD)
    assert binh.changes.filter(action="imported").get().changes == {
        "unit": ["PK02-D1", "PK02"],
        "actual_discharge_date": ["20/01/2026", "25/01/2026"],
        "counselling": ["", "Tuyên truyền, phổ biến 05/06/2025"],
    }


def test_a_ledger_registration_is_updated_not_added_again(tree, users) -> None:
    officer = users[OFFICER]
    enrolled = ledger_row(1, **{"Nghề mong muốn": "Hàn", "Ngày nhập học": "02/03/2026"})
    ledger.ledger_apply(user=officer, content=ledger_file([enrolled]))
    completed = enrolled | {"Ngày nhập học": "05/03/2026", "Ngày hoàn thành": "01/06/2026"}

    plan = ledger.ledger_apply(user=officer, content=ledger_file([completed]))

    assert plan.counts == NOTHING | {"unchanged": 1, "registrations_updated": 1}
    assert list(
        Registration.objects.values_list("status", "enrolled_on", "completed_on", "course")
    ) == [("completed", dt.date(2026, 3, 5), dt.date(2026, 6, 1), None)]
    last = SoldierChange.objects.latest("pk")
    assert last.changes == {
        "registration": [
            "Hàn – chưa ghi cơ sở đào tạo: Đang học 02/03/2026",
            "Hàn – chưa ghi cơ sở đào tạo: Đã hoàn thành 05/03/2026 – 01/06/2026",
        ]
    }


def test_blank_cells_erase_nothing(cohort, users) -> None:
    an = cohort["an"]
    row = ledger_row(1, **{"Họ và tên": "Lê Văn An"})
    before = snapshot()

    plan = ledger.ledger_apply(user=users[OFFICER], content=ledger_file([row]))

    assert plan.counts == NOTHING | {"unchanged": 1}
    assert snapshot() == before
    assert an.career_wishes.get(is_current=True).wants_training == "yes"


def test_reimporting_a_ledger_changes_nothing(tree, users) -> None:
    officer = users[OFFICER]
    content = ledger_file(
        [
            ledger_row(
                1,
                **{
                    "Ngày tư vấn": "10/05/2025",
                    "Nhu cầu học nghề": "Có",
                    "Nghề mong muốn": "Hàn",
                    "Ngày nhập học": "02/03/2026",
                    "Ngày có việc làm": "01/07/2026",
                },
            ),
            ledger_row(2, **{"Nhu cầu học nghề": "Không", "Ngày tư vấn": "01/06/2025"}),
        ]
    )
    ledger.ledger_apply(user=officer, content=content)
    before = snapshot()

    plan = ledger.ledger_apply(user=officer, content=content)

    assert (plan.errors, plan.counts) == ([], NOTHING | {"unchanged": 2})
    assert snapshot() == before


# -- the figures after an import --


def test_the_figures_after_an_import_are_those_the_ledger_shows(tree, users) -> None:
    rows = [
        # Counselled before discharge, needs training, trained, employed after training.
        ledger_row(
            1,
            **{
                "Ngày tư vấn": "10/05/2025",
                "Nhu cầu học nghề": "Có",
                "Nghề mong muốn": "Điện công nghiệp",
                "Ngày nhập học": "02/03/2026",
                "Ngày hoàn thành": "01/06/2026",
                "Ngày có việc làm": "01/07/2026",
            },
        ),
        # Trained, but his job started before his training: not employed after training.
        ledger_row(
            2,
            **{
                "Ngày tư vấn": "01/06/2025",
                "Nhu cầu học nghề": "Có",
                "Nghề mong muốn": "Hàn",
                "Ngày nhập học": "01/04/2026",
                "Ngày có việc làm": "10/01/2026",
            },
        ),
        # Counselled after his discharge (15/02/2026); needs training, not trained yet.
        ledger_row(
            3,
            **{
                "Ngày tư vấn": "01/03/2026",
                "Nhu cầu học nghề": "Có",
                "Nghề mong muốn": "May công nghiệp",
            },
        ),
        # Counselled, no training wanted.
        ledger_row(4, **{"Ngày tư vấn": "01/07/2025", "Nhu cầu học nghề": "Không"}),
        # Nothing recorded yet.
        ledger_row(5),
        # Discharged in 2027: another year's cohort.
        ledger_row(
            6,
            **{
                "Ngày nhập ngũ": "15/02/2025",
                "Nhu cầu học nghề": "Có",
                "Nghề mong muốn": "Hàn",
                "Ngày nhập học": "01/10/2026",
            },
        ),
    ]
    ledger.ledger_apply(user=users[OFFICER], content=ledger_file(rows))
    out = io.StringIO()

    call_command("compute_targets", "--year", "2026", "--json", stdout=out)

    counts = {"cohort": 5, "counselled": 3, "need_training": 3, "trained": 2}
    counts["employed_after_training"] = 1
    result = json.loads(out.getvalue())
    assert {key: result[key] for key in counts} == counts
    assert figures(year=2026, unit=tree.pk02).as_dict() | {"unit": None} == result


# -- bad rows --


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        pytest.param(
            {"Đơn vị": "XX99"},
            [("Đơn vị", "Không có đơn vị nào mang mã XX99.")],
            id="unknown-unit",
        ),
        pytest.param(
            {"Nhu cầu học nghề": "Có", "Nghề mong muốn": "Thợ lặn"},
            [("Nghề mong muốn", "“Thợ lặn” không có trong danh mục nghề.")],
            id="unknown-occupation",
        ),
        pytest.param(
            {"Nghề mong muốn": "Hàn", "Ngày nhập học": "31/02/2026"},
            [
                (
                    "Ngày nhập học",
                    "“31/02/2026” không phải là ngày: hãy ghi theo dạng dd/mm/yyyy, "
                    "ví dụ 15/02/2025.",
                )
            ],
            id="bad-date",
        ),
        pytest.param({"Giới tính": "Trai"}, [("Giới tính", "Ghi Nam hoặc Nữ.")], id="bad-gender"),
        pytest.param(
            {"Nhu cầu học nghề": "Chưa rõ"},
            [("Nhu cầu học nghề", "Ghi Có hoặc Không, hoặc để trống.")],
            id="bad-need",
        ),
        pytest.param(
            {
                "Nghề mong muốn": "Hàn",
                "Ngày nhập học": "01/06/2026",
                "Ngày hoàn thành": "01/05/2026",
            },
            [("Ngày hoàn thành", "Ngày hoàn thành trước ngày nhập học.")],
            id="completion-before-enrolment",
        ),
        pytest.param(
            {"Nghề mong muốn": "Hàn", "Ngày hoàn thành": "01/05/2026"},
            [("Ngày hoàn thành", "Có ngày hoàn thành thì phải ghi cả ngày nhập học.")],
            id="completion-without-enrolment",
        ),
        pytest.param(
            {"Nhu cầu học nghề": "Có"},
            [("Nghề mong muốn", "Nhu cầu học nghề là “Có” thì phải ghi nghề mong muốn.")],
            id="training-wanted-without-occupation",
        ),
        pytest.param(
            {"Ngày nhập học": "01/06/2026"},
            [
                (
                    "Nghề mong muốn",
                    "Cần ghi nghề mong muốn (nghề đang học) để tạo đăng ký học nghề mới.",
                )
            ],
            id="enrolment-without-occupation",
        ),
        pytest.param(
            {"Nghề mong muốn": "Hàn", "Ngày nhập học": "01/02/2024"},
            [("Ngày nhập học", "Ngày nhập học trước ngày nhập ngũ.")],
            id="enrolment-before-enlistment",
        ),
        pytest.param(
            {"Ngày tư vấn": "01/12/2026"},
            [("Ngày tư vấn", "Ngày tư vấn ở tương lai.")],
            id="counselling-in-the-future",
        ),
        pytest.param(
            {"Ngày tư vấn": "01/01/2024"},
            [("Ngày tư vấn", "Ngày tư vấn trước ngày nhập ngũ.")],
            id="counselling-before-enlistment",
        ),
        pytest.param(
            {"Ngày có việc làm": "01/01/2024"},
            [("Ngày có việc làm", "Ngày bắt đầu làm việc không được trước ngày nhập ngũ.")],
            id="job-before-enlistment",
        ),
        pytest.param(
            {"Nơi làm việc": "Công ty Hoa Lư"},
            [("Ngày có việc làm", "Hãy ghi ngày bắt đầu có việc làm.")],
            id="workplace-without-date",
        ),
        pytest.param(
            {"Nơi làm việc": "X" * 301},
            [("Nơi làm việc", "Tối đa 300 ký tự.")],
            id="workplace-too-long",
        ),
        pytest.param(
            {"Số CCCD": "037204000002"},
            [("Số CCCD", "Số CCCD ghi năm sinh 2004, nhưng ngày sinh thuộc năm 2005.")],
            id="citizen-id-against-birth",
        ),
        pytest.param(
            {"Quê quán (xã/phường)": ""},
            [("Quê quán (xã/phường)", "Trường này là bắt buộc.")],
            id="new-soldier-without-home-ward",
        ),
    ],
)
def test_each_kind_of_bad_row_is_reported_by_row_and_column_and_nothing_is_saved(
    tree, users, cells, expected
) -> None:
    rows = [
        ledger_row(1, **{"Ngày tư vấn": "10/05/2025", "Nhu cầu học nghề": "Không"}),
        ledger_row(2, **cells),
    ]

    plan = ledger.ledger_apply(user=users[OFFICER], content=ledger_file(rows))

    assert plan.errors == [(3, column, message) for column, message in expected]
    assert snapshot() == {
        "soldiers": [],
        "history": [],
        "counsellings": [],
        "wishes": [],
        "registrations": [],
        "placements": [],
    }


def test_every_error_of_a_row_is_listed_in_column_order(tree, users) -> None:
    row = ledger_row(
        1,
        **{
            "Giới tính": "?",
            "Đơn vị": "PC07",
            "Nhu cầu học nghề": "Có",
            "Ngày hoàn thành": "01/05/2026",
            "Nơi làm việc": "Công ty Hoa Lư",
        },
    )

    plan = ledger.ledger_check(user=users[OFFICER], content=ledger_file([row]))

    assert plan.errors == [
        (2, "Giới tính", "Ghi Nam hoặc Nữ."),
        (2, "Đơn vị", "Đơn vị này nằm ngoài đơn vị của đồng chí và các đơn vị trực thuộc."),
        (2, "Nghề mong muốn", "Nhu cầu học nghề là “Có” thì phải ghi nghề mong muốn."),
        (2, "Ngày hoàn thành", "Có ngày hoàn thành thì phải ghi cả ngày nhập học."),
        (2, "Ngày có việc làm", "Hãy ghi ngày bắt đầu có việc làm."),
    ]
    assert plan.error_rows == 1


def test_a_new_soldier_needs_the_home_columns(tree, users) -> None:
    rows = [ledger_row(1)]

    plan = ledger.ledger_check(user=users[OFFICER], content=ledger_file(rows, ledger.COLUMNS))

    assert plan.errors == [
        (
            2,
            "Số CCCD",
            "Chưa có chiến sĩ nào mang số CCCD này. Để thêm chiến sĩ từ sổ theo dõi, đồng chí "
            "hãy thêm hai cột “Quê quán (tỉnh)” và “Quê quán (xã/phường)” như trong mẫu danh "
            "sách chiến sĩ.",
        )
    ]


def test_the_ledger_may_not_change_dates_an_institution_recorded(cohort, users) -> None:
    row = ledger_row(
        1,
        **{
            "Họ và tên": "Lê Văn An",
            "Ngày nhập học": "05/03/2026",
            "Ngày hoàn thành": "02/06/2026",
        },
    )
    institution = Registration.objects.get(soldier=cohort["an"]).institution.name

    plan = ledger.ledger_check(user=users[OFFICER], content=ledger_file([row]))

    assert plan.errors == [
        (
            2,
            "Ngày nhập học",
            f"Đăng ký học nghề tại {institution} ghi ngày nhập học 02/03/2026: đồng chí hãy sửa "
            "sổ theo dõi, hoặc sửa đăng ký trên trang của chiến sĩ.",
        ),
        (
            2,
            "Ngày hoàn thành",
            f"Đăng ký học nghề tại {institution} ghi ngày hoàn thành 01/06/2026: đồng chí hãy "
            "sửa sổ theo dõi, hoặc sửa đăng ký trên trang của chiến sĩ.",
        ),
    ]


def test_the_ledger_completes_a_registration_the_institution_has_not_closed(tree, users) -> None:
    officer = users[OFFICER]
    soldier = SoldierFactory(
        unit=tree.pk02, citizen_id=cid(1), enlistment_date=dt.date(2024, 2, 15)
    )
    registration = training_services.registration_create(
        user=officer, soldier=soldier, course=CourseFactory(), on=dt.date(2025, 8, 1)
    )
    training_services.registrations_send(
        user=officer, registrations=[registration], on=dt.date(2025, 8, 15)
    )
    row = ledger_row(
        1,
        **{
            "Họ và tên": soldier.full_name,
            "Ngày nhập học": "02/03/2026",
            "Ngày hoàn thành": "01/06/2026",
        },
    )

    plan = ledger.ledger_apply(user=officer, content=ledger_file([row]))

    assert plan.counts == NOTHING | {"unchanged": 1, "registrations_updated": 1}
    registration.refresh_from_db()
    assert (registration.status, registration.enrolled_on, registration.completed_on) == (
        "completed",
        dt.date(2026, 3, 2),
        dt.date(2026, 6, 1),
    )


def test_an_archived_soldier_cannot_be_changed_through_the_ledger(cohort, users) -> None:
    archived = Soldier.objects.get(archived=True)
    row = ledger_row(6, **{"Họ và tên": archived.full_name, "Ngày tư vấn": "01/06/2025"})

    plan = ledger.ledger_check(user=users[OFFICER], content=ledger_file([row]))

    assert plan.errors == [
        (2, "Số CCCD", "Hồ sơ chiến sĩ này đã được lưu trữ; hãy khôi phục trước."),
    ]


def test_another_units_soldier_is_not_an_officers_to_change(cohort, users) -> None:
    row = ledger_row(4, **{"Họ và tên": "Đỗ Văn Dũng", "Đơn vị": "PK02"})

    plan = ledger.ledger_check(user=users[OFFICER], content=ledger_file([row]))

    assert plan.errors == [
        (2, "Số CCCD", "Số CCCD này đã thuộc về một chiến sĩ của đơn vị khác."),
    ]


def test_a_masked_ledger_is_refused_whole(cohort, users) -> None:
    content = ledger.ledger_export(year=2026)

    with pytest.raises(ImportRefused) as refused:
        ledger.ledger_check(user=users[HQ], content=content)

    assert str(refused.value) == (
        "Số CCCD trong tệp này đã bị che (********1234) như mọi sổ theo dõi tải về từ trình "
        "duyệt, nên không nhập được: đồng chí hãy nhập sổ có đủ số CCCD."
    )


def test_a_file_without_the_ledger_columns_is_refused_whole(users) -> None:
    header = tuple(column for column in ledger.COLUMNS if column != "Nơi làm việc")

    with pytest.raises(ImportRefused) as refused:
        ledger.ledger_check(user=users[HQ], content=ledger_file([ledger_row(1)], header))

    assert str(refused.value) == (
        "Dòng 1 phải là dòng tiêu đề của tệp mẫu. Thiếu cột: Nơi làm việc."
    )


@pytest.mark.parametrize("role", [LEADER, COMMUNE])
def test_readers_cannot_import_a_ledger(users, role) -> None:
    with pytest.raises(PermissionDenied):
        ledger.ledger_check(user=users[role], content=ledger_file([ledger_row(1)]))


# -- cost --


def rich_rows(serials: range) -> list[dict[str, Any]]:
    return [
        ledger_row(
            serial,
            **{
                "Ngày tư vấn": "10/05/2025",
                "Nhu cầu học nghề": "Có",
                "Nghề mong muốn": "Hàn",
                "Ngày nhập học": "02/03/2026",
                "Ngày hoàn thành": "01/06/2026",
                "Ngày có việc làm": "01/07/2026",
                "Nơi làm việc": "Xưởng cơ khí Hoa Lư",
            },
        )
        for serial in serials
    ]


def test_an_import_asks_the_same_questions_for_5_and_50_rows(
    tree, users, django_assert_num_queries
) -> None:
    officer = User.objects.select_related("unit").get(pk=users[OFFICER].pk)
    small, large = ledger_file(rich_rows(range(1, 6))), ledger_file(rich_rows(range(6, 56)))
    with CaptureQueriesContext(connection) as five:
        ledger.ledger_apply(user=officer, content=small)

    with django_assert_num_queries(len(five.captured_queries)):
        ledger.ledger_apply(user=officer, content=large)

    assert (Soldier.objects.count(), Placement.objects.count()) == (55, 55)


def test_an_export_asks_the_same_questions_for_5_and_50_soldiers(
    tree, users, django_assert_num_queries
) -> None:
    ledger.ledger_apply(user=users[HQ], content=ledger_file(rich_rows(range(1, 6))))
    with CaptureQueriesContext(connection) as five:
        ledger.ledger_export(year=2026)
    ledger.ledger_apply(user=users[HQ], content=ledger_file(rich_rows(range(6, 51))))

    with django_assert_num_queries(len(five.captured_queries)):
        content = ledger.ledger_export(year=2026)

    assert len(read_back(content)[1]) == 51


# -- commands --


def test_export_ledger_writes_whole_citizen_ids(cohort, tmp_path: Path) -> None:
    out = io.StringIO()
    target = tmp_path / "so-theo-doi.xlsx"

    call_command("export_ledger", str(target), "--year", "2026", "--unit", "pk02", stdout=out)

    assert out.getvalue() == f"Đã ghi sổ theo dõi năm 2026 (PK02) vào {target}.\n"
    _sheets, rows = read_back(target.read_bytes())
    assert [row[3] for row in rows[1:]] == [cid(1), cid(2, dt.date(2004, 7, 1), "female"), cid(3)]


def test_export_ledger_refuses_an_unknown_unit(db, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("export_ledger", str(tmp_path / "x.xlsx"), "--year", "2026", "--unit", "XX99")

    assert str(refused.value) == "Không có đơn vị mã XX99"
    assert not (tmp_path / "x.xlsx").exists()


def test_import_ledger_prints_what_it_saved(tree, users, tmp_path: Path) -> None:
    source = tmp_path / "so.xlsx"
    source.write_bytes(ledger_file(rich_rows(range(1, 3))))
    out = io.StringIO()

    call_command("import_ledger", str(source), "--user", users[OFFICER].username, stdout=out)

    assert out.getvalue() == (
        "Đã nhập sổ theo dõi. Chiến sĩ thêm mới: 2, cập nhật: 0, không đổi: 0. Tư vấn: 2, "
        "nguyện vọng: 2, đăng ký học nghề thêm mới: 2, cập nhật: 0, việc làm: 2.\n"
    )
    assert Soldier.objects.count() == 2


def test_import_ledger_prints_every_error_and_fails_saving_nothing(
    tree, users, tmp_path: Path
) -> None:
    source = tmp_path / "so.xlsx"
    source.write_bytes(
        ledger_file([ledger_row(1, **{"Đơn vị": "XX99"}), ledger_row(2, **{"Giới tính": "?"})])
    )
    err = io.StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("import_ledger", str(source), "--user", users[OFFICER].username, stderr=err)

    assert str(failed.value) == "Chưa lưu gì: 2 dòng có lỗi."
    assert err.getvalue() == (
        "Dòng 2, cột Đơn vị: Không có đơn vị nào mang mã XX99.\n"
        "Dòng 3, cột Giới tính: Ghi Nam hoặc Nữ.\n"
    )
    assert Soldier.objects.count() == 0


def test_import_ledger_refuses_an_unknown_account_and_a_leader(users, tmp_path: Path) -> None:
    source = tmp_path / "so.xlsx"
    source.write_bytes(ledger_file([ledger_row(1)]))

    with pytest.raises(CommandError) as unknown:
        call_command("import_ledger", str(source), "--user", "khong-ai")
    with pytest.raises(CommandError) as leader:
        call_command("import_ledger", str(source), "--user", users[LEADER].username)

    assert str(unknown.value) == "Không có tài khoản khong-ai"
    assert str(leader.value) == LEADER_REFUSED
    assert Soldier.objects.count() == 0


# -- pages --

PAGE_ROLES = [(OFFICER, 200), (HQ, 200), (LEADER, 200), (COMMUNE, 403)]


@pytest.mark.parametrize(("role", "status"), PAGE_ROLES)
def test_who_may_open_the_ledger_page(login, users, role, status) -> None:
    response = login(users[role]).get(reverse("reports:ledger"))

    assert response.status_code == status


def test_the_page_says_a_download_cannot_be_imported_and_hides_import_from_leaders(
    login, users
) -> None:
    officer_page = login(users[OFFICER]).get(reverse("reports:ledger")).content.decode()
    leader_page = login(users[LEADER]).get(reverse("reports:ledger")).content.decode()

    assert "không nhập lại được" in officer_page
    assert 'data-testid="import"' in officer_page
    assert 'data-testid="import"' not in leader_page


@pytest.mark.parametrize("url_name", ["reports:ledger", "reports:ledger_export"])
def test_anonymous_is_sent_to_log_in(client, db, url_name) -> None:
    response = client.get(reverse(url_name))

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse(url_name)}"


@pytest.mark.parametrize(("role", "status"), PAGE_ROLES)
def test_who_may_download_the_ledger(login, users, cohort, tree, role, status) -> None:
    response = login(users[role]).get(
        reverse("reports:ledger_export"), {"year": 2026, "unit": tree.pk02.pk}
    )

    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"] == (
            'attachment; filename="so-theo-doi-2026-pk02.xlsx"'
        )
        _sheets, rows = read_back(response.content)
        assert [row[3] for row in rows[1:]] == ["********0001", "********0002", "********0003"]


def test_the_province_downloads_every_unit_a_unit_officer_only_his_own(
    login, users, cohort, tree
) -> None:
    province = login(users[LEADER]).get(reverse("reports:ledger_export"), {"year": 2026})
    assert (
        province["Content-Disposition"] == 'attachment; filename="so-theo-doi-2026-toan-tinh.xlsx"'
    )
    assert len(read_back(province.content)[1]) == 5

    officer = login(users[OFFICER])
    other_unit = officer.get(reverse("reports:ledger_export"), {"year": 2026, "unit": tree.pc07.pk})
    no_unit = officer.get(reverse("reports:ledger_export"), {"year": 2026})

    assert other_unit.context["export_form"].errors == {
        "unit": [
            "Hãy chọn một lựa chọn hợp lệ. Lựa chọn đó không phải là một trong các lựa chọn "
            "khả thi."
        ]
    }
    assert no_unit.context["export_form"].errors == {"unit": ["Trường này là bắt buộc."]}


@pytest.mark.parametrize("role", [LEADER, COMMUNE])
def test_readers_may_not_upload_preview_or_confirm(login, users, role) -> None:
    client = login(users[role])

    uploaded = client.post(
        reverse("reports:ledger"), {"file": upload(ledger_file([ledger_row(1)]))}
    )

    assert uploaded.status_code == 403
    assert client.get(reverse("reports:ledger_preview")).status_code == 403
    assert client.post(reverse("reports:ledger_confirm")).status_code == 403


def test_upload_preview_and_confirm_import_the_ledger_once(login, users, tree) -> None:
    client = login(users[OFFICER])

    uploaded = client.post(
        reverse("reports:ledger"), {"file": upload(ledger_file(rich_rows(range(1, 3))))}
    )
    staged = client.session["ledger_import"]
    preview = client.get(reverse("reports:ledger_preview"))
    confirmed = client.post(reverse("reports:ledger_confirm"), follow=True)

    assert uploaded.url == reverse("reports:ledger_preview")
    assert preview.status_code == 200
    assert preview.context["plan"].counts == NOTHING | {
        "created": 2,
        "counsellings": 2,
        "wishes": 2,
        "registrations_created": 2,
        "placements": 2,
    }
    assert 'data-testid="confirm"' in preview.content.decode()
    assert confirmed.redirect_chain == [(reverse("reports:ledger"), 302)]
    assert [str(m) for m in confirmed.context["messages"]] == [
        "Đã nhập sổ theo dõi. Chiến sĩ thêm mới: 2, cập nhật: 0, không đổi: 0. Tư vấn: 2, "
        "nguyện vọng: 2, đăng ký học nghề thêm mới: 2, cập nhật: 0, việc làm: 2."
    ]
    assert Soldier.objects.count() == 2
    assert not default_storage.exists(staged["path"])
    assert "ledger_import" not in client.session


def test_the_preview_lists_errors_and_offers_no_confirmation(login, users, tree) -> None:
    client = login(users[OFFICER])
    client.post(
        reverse("reports:ledger"),
        {"file": upload(ledger_file([ledger_row(1), ledger_row(2, **{"Đơn vị": "XX99"})]))},
    )

    response = client.get(reverse("reports:ledger_preview"))

    page = response.content.decode()
    assert list(response.context["errors"]) == [(3, "Đơn vị", "Không có đơn vị nào mang mã XX99.")]
    assert "Chưa lưu gì: 1 dòng có lỗi." in page
    assert 'data-testid="confirm"' not in page
    assert Soldier.objects.count() == 0


def test_a_masked_download_uploaded_back_is_refused_with_the_reason(
    login, users, cohort, tree
) -> None:
    client = login(users[OFFICER])
    download = client.get(reverse("reports:ledger_export"), {"year": 2026, "unit": tree.pk02.pk})
    before = snapshot()

    client.post(reverse("reports:ledger"), {"file": upload(download.content)})
    response = client.get(reverse("reports:ledger_preview"), follow=True)

    assert response.redirect_chain == [(reverse("reports:ledger"), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Số CCCD trong tệp này đã bị che (********1234) như mọi sổ theo dõi tải về từ trình "
        "duyệt, nên không nhập được: đồng chí hãy nhập sổ có đủ số CCCD."
    ]
    assert "ledger_import" not in client.session
    assert snapshot() == before


def test_a_file_that_is_not_a_ledger_stays_on_the_form_with_the_reason(login, users) -> None:
    client = login(users[OFFICER])

    response = client.post(
        reverse("reports:ledger"), {"file": upload(xlsx([{}], header=("Họ và tên",)))}
    )

    assert response.status_code == 200
    assert (
        response.context["import_form"]
        .errors["file"][0]
        .startswith("Dòng 1 phải là dòng tiêu đề của tệp mẫu. Thiếu cột: Ngày sinh,")
    )
    assert "ledger_import" not in client.session
