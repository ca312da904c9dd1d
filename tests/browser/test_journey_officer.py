"""The unit officer's day in a real browser (issue 6, journey 1): a soldier added by hand, his
month-15 survey and counselling; fifty soldiers imported from the template, two rows wrong at
first; the soldier registered for a course and the month-18 list sent, its file downloaded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from soldiers.dates import add_months
from tests.browser.conftest import Journey, download, sign_in
from tests.conftest import Tree
from tests.factories import TEST_PASSWORD, CourseFactory, InstitutionFactory, citizen_id_for
from units.models import User

pytestmark = [
    # Transactional, so that the live server's thread sees the data (tests/conftest.py puts the
    # seeded reference rows back for such tests).
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("journey_day"),
    pytest.mark.services,
]

NAME = "Phạm Minh Tuấn"
BIRTH = dt.date(2005, 7, 14)
# Month 18 of his service starts on the journey's day, 30/11/2026 (tests/browser/conftest.py).
ENLISTED = dt.date(2025, 6, 30)
INSTITUTION = "Trường Trung cấp nghề Ninh Bình"
FAMILIES = ["Nguyễn", "Trần", "Lê", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương"]
MIDDLES = ["Văn", "Đức", "Minh", "Quang", "Hữu"]
GIVEN = ["An", "Bảo", "Cường", "Dũng", "Giang", "Hải", "Hiếu", "Khánh", "Long", "Nam", "Phúc"]
# Excel rows (the header is row 1) that the officer gets wrong the first time, and how.
TYPOS = {12: ("Giới tính", "Nan"), 37: ("Đơn vị", "PK20")}


def day(value: dt.date) -> str:
    return f"{value:%d/%m/%Y}"


def table_rows(journey: Journey, testid: str) -> list[list[str]]:
    rows = journey.page.get_by_test_id(testid).locator("tbody tr")
    return [row.locator("td").all_inner_texts() for row in rows.all()]


def alerts(journey: Journey) -> list[str]:
    return journey.page.get_by_role("alert").all_inner_texts()


def terms(journey: Journey, testid: str) -> list[str]:
    """The values of a description list (<dd>), in order."""
    return journey.page.get_by_test_id(testid).locator("dd").all_inner_texts()


def dated(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A spreadsheet row with its dates as dates (openpyxl reads them as midnight datetimes)."""
    return tuple(value.date() if isinstance(value, dt.datetime) else value for value in row)


def add_soldier(journey: Journey, tree: Tree) -> None:
    page = journey.page
    page.get_by_test_id("menu").get_by_role("link", name="Chiến sĩ").click()
    page.get_by_role("link", name="Thêm chiến sĩ").click()
    page.get_by_label("Họ và tên").fill(NAME)
    page.get_by_label("Ngày sinh").fill(day(BIRTH))
    page.get_by_label("Giới tính").select_option(label="Nam")
    page.get_by_label("Số CCCD").fill(citizen_id_for(BIRTH, "male", 501))
    page.get_by_label("Số điện thoại").fill("0987654321")
    page.get_by_label("Quê quán (tỉnh)").select_option(label="Tỉnh Ninh Bình")
    # The ward list is refilled by static/js/ward_select.js from the server's list.
    ward = page.get_by_label("Quê quán (xã/phường)")
    ward.locator("option", has_text="Phường Phủ Lý").wait_for(state="attached")
    ward.select_option(label="Phường Phủ Lý")
    page.get_by_label("Đơn vị").select_option(label=str(tree.pk02))
    page.get_by_label("Cấp bậc").select_option(label="Binh nhất")
    page.get_by_label("Ngày nhập ngũ").fill(day(ENLISTED))
    page.get_by_role("button", name="Lưu").click()


def fill_survey(journey: Journey) -> None:
    page = journey.page
    page.get_by_role("link", name="Khảo sát nguyện vọng").click()
    page.locator("#div_id_wants_training").get_by_label("Có", exact=True).check()
    page.get_by_label("Nghề mong muốn").select_option(label="Điện công nghiệp")
    page.get_by_label("Muốn được giới thiệu việc làm").check()
    page.get_by_role("button", name="Lưu").click()


def record_counselling(journey: Journey) -> None:
    page = journey.page
    page.get_by_role("link", name="Ghi nhận tư vấn").click()
    page.get_by_label("Hướng nghiệp").check()
    page.get_by_label("Ghi chú").fill("Tư vấn chọn nghề điện công nghiệp tại quê.")
    page.get_by_role("button", name="Lưu").click()


def imported_row(number: int, today: dt.date) -> dict[str, Any]:
    """The soldier written on Excel row `number` (2 to 51) of the officer's file."""
    index = number - 2
    birth = dt.date(2005, 1 + index % 12, 1 + index % 28)
    return {
        "Họ và tên": f"{FAMILIES[index % 10]} {MIDDLES[index % 5]} {GIVEN[index % 11]}",
        "Ngày sinh": day(birth),
        "Giới tính": "Nam",
        "Số CCCD": citizen_id_for(birth, "male", 1000 + index),
        "Đơn vị": "PK02-D1" if index % 3 else "PK02",
        "Cấp bậc": "Binh nhì" if index % 2 else "Binh nhất",
        "Ngày nhập ngũ": day(add_months(today, -(1 + index % 20))),
        "Quê quán (tỉnh)": "Ninh Bình",
        "Quê quán (xã/phường)": "Phủ Lý",
        "Số điện thoại": f"09{12345600 + index:08d}",
    }


def fill_template(template: Path, target: Path, today: dt.date, *, typos: bool) -> Path:
    """The downloaded template with fifty soldiers under its own header row."""
    workbook = load_workbook(template)
    sheet = workbook["Danh sách"]
    header = [cell.value for cell in sheet[1]]
    for number in range(2, 52):
        row = imported_row(number, today)
        if typos and number in TYPOS:
            column, wrong = TYPOS[number]
            row[column] = wrong
        sheet.append([row.get(column) for column in header])
    workbook.save(target)
    return target


def upload(journey: Journey, path: Path) -> None:
    journey.page.get_by_label("Tệp Excel").set_input_files(path)
    journey.page.get_by_role("button", name="Kiểm tra tệp").click()


def counts(journey: Journey) -> list[str]:
    keys = ("created", "updated", "unchanged", "errors")
    return [journey.page.get_by_test_id(f"count-{key}").inner_text() for key in keys]


def import_fifty(journey: Journey, tmp_path: Path, today: dt.date) -> None:
    page = journey.page
    page.get_by_test_id("menu").get_by_role("link", name="Chiến sĩ").click()
    page.get_by_role("link", name="Nhập từ Excel").click()
    template = download(journey, page.get_by_test_id("template-link"), tmp_path)
    assert template.name == "mau-danh-sach-chien-si.xlsx"
    upload(journey, fill_template(template, tmp_path / "pk02-sai.xlsx", today, typos=True))

    assert counts(journey) == ["48", "0", "0", "2"]
    assert table_rows(journey, "errors") == [
        ["12", "Giới tính", "Ghi Nam hoặc Nữ."],
        ["37", "Đơn vị", "Không có đơn vị nào mang mã PK20."],
    ]
    assert page.get_by_test_id("nothing-saved").inner_text() == (
        "Chưa lưu gì: 2 dòng có lỗi. Đồng chí hãy sửa tệp rồi tải lên lại."
    )
    assert page.get_by_test_id("confirm").count() == 0

    page.get_by_role("link", name="Tải lên tệp đã sửa").click()
    upload(journey, fill_template(template, tmp_path / "pk02.xlsx", today, typos=False))
    assert counts(journey) == ["50", "0", "0", "0"]
    page.get_by_test_id("confirm").click()


def register_and_send(journey: Journey, year: int) -> None:
    page = journey.page
    page.get_by_label("Họ tên hoặc số CCCD").fill(NAME)
    page.get_by_role("button", name="Tìm kiếm").click()
    page.get_by_role("link", name=NAME, exact=True).click()
    page.get_by_role("link", name="Đăng ký học nghề").click()
    course = f"Điện công nghiệp – {INSTITUTION} (Sơ cấp, {year})"
    page.get_by_label("Khóa đào tạo").select_option(label=course)
    page.get_by_role("button", name="Lưu").click()
    assert alerts(journey) == [f"Đã đăng ký học nghề cho {NAME}."]

    page.get_by_test_id("menu").get_by_role("link", name="Học nghề").click()
    page.get_by_role("link", name="Danh sách đăng ký đã gửi").click()
    page.get_by_role("link", name="Gửi danh sách đăng ký học nghề").click()
    page.get_by_label(NAME).check()
    page.get_by_role("button", name="Gửi danh sách").click()


def test_unit_officer_adds_imports_registers_and_sends_the_list(
    journey: Journey, tree: Tree, users: dict[str, User], tmp_path: Path, journey_day: dt.date
) -> None:
    officer = users[User.Role.UNIT_OFFICER]
    CourseFactory(institution=InstitutionFactory(name=INSTITUTION), list_year=journey_day.year)
    page = journey.page
    sign_in(journey, officer.username, TEST_PASSWORD)

    add_soldier(journey, tree)
    assert alerts(journey) == [f"Đã lưu hồ sơ chiến sĩ {NAME}."]
    assert page.get_by_test_id("soldier-name").inner_text() == NAME
    # Enlisted, month of service today, months 15 and 18 start, discharge expected and actual,
    # discharge notice.
    assert terms(journey, "service-dates") == [
        "30/06/2025",
        "18",
        "30/08/2026",
        "30/11/2026",
        "30/06/2027",
        "—",
        "31/05/2027",
    ]

    fill_survey(journey)
    assert alerts(journey) == [f"Đã ghi nhận nguyện vọng của {NAME}."]
    # Surveyed on, training, job referral, stay in the police, loan, grassroots security force.
    assert terms(journey, "current-wish") == [
        f"{day(journey_day)} · {officer.full_name}",
        "Có · Điện công nghiệp",
        "Có",
        "Không",
        "Không",
        "Không",
    ]

    record_counselling(journey)
    assert alerts(journey) == [f"Đã ghi nhận buổi tư vấn cho {NAME}."]
    assert table_rows(journey, "counsellings") == [
        [
            day(journey_day),
            "Hướng nghiệp",
            officer.full_name,
            "Tư vấn chọn nghề điện công nghiệp tại quê.",
        ]
    ]

    import_fifty(journey, tmp_path, journey_day)
    assert alerts(journey) == ["Đã nhập xong. Thêm mới: 50, cập nhật: 0, không đổi: 0."]
    assert page.get_by_test_id("total").inner_text() == "51 chiến sĩ"

    register_and_send(journey, journey_day.year)
    assert alerts(journey) == ["Đã gửi danh sách cho 1 cơ sở đào tạo."]
    assert table_rows(journey, "lists") == [
        [day(journey_day), INSTITUTION, "1", officer.full_name, "Tải về (xlsx)"]
    ]
    sent = download(journey, page.get_by_role("link", name="Tải về (xlsx)"), tmp_path)
    sheet = load_workbook(sent).active
    assert [dated(row) for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        (
            1,
            NAME,
            BIRTH,
            "********0501",
            "PK02",
            "Điện công nghiệp",
            "Sơ cấp",
            dt.date(2027, 6, 30),
        )
    ]
    journey.screenshot("journey-officer")
    journey.assert_clean()
