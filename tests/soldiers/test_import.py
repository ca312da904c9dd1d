from __future__ import annotations

import datetime as dt
import io
import zipfile
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from soldiers import importing
from soldiers.models import Soldier, SoldierChange
from soldiers.selectors import soldiers_visible_to
from tests.factories import HOME_WARD, SoldierFactory, citizen_id_for
from tests.soldiers.xlsx import soldier_row, upload, with_zip_entry, xlsx
from units.models import User
from units.vietnamese import name_sort_key

OFFICER = User.Role.UNIT_OFFICER
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
REQUIRED = "Trường này là bắt buộc."


def check(user: User, rows: list[dict]) -> importing.ImportPlan:
    return importing.import_check(user=user, content=xlsx(rows))


def apply(user: User, rows: list[dict]) -> importing.ImportPlan:
    return importing.import_apply(user=user, content=xlsx(rows))


def stored(*fields: str) -> list[tuple]:
    return list(Soldier.objects.order_by("citizen_id").values_list(*fields))


# -- a good file --


def test_a_good_file_creates_exactly_its_rows_each_with_a_history_entry(tree, users) -> None:
    officer = users[OFFICER]
    female_id = citizen_id_for(dt.date(2004, 7, 1), "female", 2)
    rows = [
        soldier_row(1),
        soldier_row(
            2,
            **{
                "Họ và tên": "Trần Thị Bích",
                "Ngày sinh": "01/07/2004",
                "Giới tính": "Nữ",
                "Số CCCD": female_id,
                "Đơn vị": "PK02-D1",
                "Cấp bậc": "",
                "Ngày xuất ngũ": "15/08/2027",
                "Số điện thoại": "",
            },
        ),
    ]

    plan = apply(officer, rows)

    assert (len(plan.created), len(plan.updated), plan.unchanged, plan.errors) == (2, 0, 0, [])
    assert stored(
        "full_name",
        "date_of_birth",
        "gender",
        "unit__code",
        "rank",
        "enlistment_date",
        "expected_discharge_date",
        "home_province_code",
        "home_ward_code",
        "phone",
        "version",
    ) == [
        (
            "Nguyễn Văn Thử 1",
            dt.date(2005, 3, 10),
            "male",
            "PK02",
            "binh_nhat",
            dt.date(2025, 2, 15),
            dt.date(2027, 2, 15),  # blank: enlistment + 24 months
            37,
            HOME_WARD,
            "0912345678",
            1,
        ),
        (
            "Trần Thị Bích",
            dt.date(2004, 7, 1),
            "female",
            "PK02-D1",
            "",
            dt.date(2025, 2, 15),
            dt.date(2027, 8, 15),
            37,
            HOME_WARD,
            "",
            1,
        ),
    ]
    assert Soldier.objects.get(full_name="Trần Thị Bích").sort_key == name_sort_key("Trần Thị Bích")
    entry = SoldierChange.objects.get(soldier__full_name="Nguyễn Văn Thử 1")
    assert (entry.action, entry.by) == (SoldierChange.Action.IMPORTED, officer)
    assert entry.changes == {
        "full_name": ["", "Nguyễn Văn Thử 1"],
        "date_of_birth": ["", "10/03/2005"],
        "gender": ["", "Nam"],
        "citizen_id": ["", "********0001"],
        "unit": ["", "PK02"],
        "rank": ["", "Binh nhất"],
        "enlistment_date": ["", "15/02/2025"],
        "expected_discharge_date": ["", "15/02/2027"],
        "home_province_code": ["", "Tỉnh Ninh Bình"],
        "home_ward_code": ["", "Phường Phủ Lý"],
        "phone": ["", "0912345678"],
    }
    assert SoldierChange.objects.count() == 2


def test_cells_are_read_as_officers_write_them(tree, users) -> None:
    row = soldier_row(
        7,
        **{
            "Họ và tên": "  Nguyễn   Văn  An ",
            "Ngày sinh": dt.date(2005, 3, 10),  # a real Excel date
            "Giới tính": "nam",
            "Số CCCD": 37205000007,  # a number cell: Excel dropped the leading 0
            "Đơn vị": "pk02-d1",
            "Cấp bậc": "BINH NHẤT",
            "Ngày nhập ngũ": dt.date(2025, 2, 15),
            "Ngày xuất ngũ": "1/3/2027",
            "Quê quán (tỉnh)": "TỈNH NINH BÌNH",
            "Quê quán (xã/phường)": "xã định hoá",  # the old place of the tone mark
            "Số điện thoại": 912345678,  # a number cell: Excel dropped the leading 0
        },
    )

    plan = apply(users[OFFICER], [row])

    assert plan.errors == []
    assert stored(
        "full_name",
        "date_of_birth",
        "gender",
        "citizen_id",
        "unit__code",
        "rank",
        "enlistment_date",
        "expected_discharge_date",
        "home_province_code",
        "home_ward_code",
        "phone",
    ) == [
        (
            "Nguyễn Văn An",
            dt.date(2005, 3, 10),
            "male",
            "037205000007",
            "PK02-D1",
            "binh_nhat",
            dt.date(2025, 2, 15),
            dt.date(2027, 3, 1),
            37,
            14677,  # Xã Định Hóa, Ninh Bình
            "0912345678",
        )
    ]


def test_province_and_ward_may_be_written_without_their_prefix_or_with_it(tree, users) -> None:
    rows = [
        soldier_row(1, **{"Quê quán (tỉnh)": "Ninh Bình", "Quê quán (xã/phường)": "Phủ Lý"}),
        soldier_row(
            2,
            **{"Quê quán (tỉnh)": "Tỉnh Ninh Bình", "Quê quán (xã/phường)": "Phường Phủ Lý"},
        ),
        soldier_row(
            3, **{"Quê quán (tỉnh)": "Thành phố Hà Nội", "Quê quán (xã/phường)": "Hoàn Kiếm"}
        ),
        soldier_row(4, **{"Quê quán (tỉnh)": "hà nội", "Quê quán (xã/phường)": "phường ba đình"}),
    ]

    apply(users[OFFICER], rows)

    assert stored("home_province_code", "home_ward_code") == [
        (37, 13285),
        (37, 13285),
        (1, 70),
        (1, 4),
    ]


# -- bad rows --


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        pytest.param(
            {"Số CCCD": "03720500001"},
            [("Số CCCD", "Số CCCD phải gồm đúng 12 chữ số.")],
            id="citizen-id-length",
        ),
        pytest.param(
            {"Số CCCD": "003205000001"},
            [("Số CCCD", "Số CCCD bắt đầu bằng 003, không phải mã tỉnh.")],
            id="citizen-id-province-code",
        ),
        pytest.param(
            {"Số CCCD": "037305000001"},
            [("Số CCCD", "Chữ số thứ tư của số CCCD không khớp với giới tính.")],
            id="citizen-id-gender-digit",
        ),
        pytest.param(
            {"Số CCCD": "037204000001"},
            [("Số CCCD", "Số CCCD ghi năm sinh 2004, nhưng ngày sinh thuộc năm 2005.")],
            id="citizen-id-birth-year",
        ),
        pytest.param(
            {"Ngày nhập ngũ": "09/03/2023"},
            [("Ngày nhập ngũ", "Chiến sĩ phải đủ 18 tuổi vào ngày nhập ngũ.")],
            id="under-18",
        ),
        pytest.param(
            {"Ngày xuất ngũ": "01/02/2025"},
            [("Ngày xuất ngũ", "Ngày xuất ngũ phải sau ngày nhập ngũ.")],
            id="discharge-before-enlistment",
        ),
        pytest.param(
            {"Đơn vị": "XX99"},
            [("Đơn vị", "Không có đơn vị nào mang mã XX99.")],
            id="unknown-unit",
        ),
        pytest.param(
            {"Đơn vị": "PC07"},
            [("Đơn vị", "Đơn vị này nằm ngoài đơn vị của đồng chí và các đơn vị trực thuộc.")],
            id="unit-outside-scope",
        ),
        pytest.param(
            {"Quê quán (xã/phường)": "Hoàn Kiếm"},
            [
                (
                    "Quê quán (xã/phường)",
                    "“Hoàn Kiếm” không phải xã, phường thuộc Tỉnh Ninh Bình.",
                )
            ],
            id="ward-of-another-province",
        ),
        pytest.param(
            {"Quê quán (tỉnh)": "Hà Tây"},
            [("Quê quán (tỉnh)", "“Hà Tây” không phải tỉnh, thành phố trong danh mục năm 2025.")],
            id="unknown-province-ward-not-checked",
        ),
        pytest.param(
            {"Ngày sinh": "31/02/2005"},
            [
                (
                    "Ngày sinh",
                    "“31/02/2005” không phải là ngày: hãy ghi theo dạng dd/mm/yyyy, "
                    "ví dụ 15/02/2025.",
                )
            ],
            id="bad-date-text",
        ),
        pytest.param(
            {"Ngày nhập ngũ": "2025-02-15"},
            [
                (
                    "Ngày nhập ngũ",
                    "“2025-02-15” không phải là ngày: hãy ghi theo dạng dd/mm/yyyy, "
                    "ví dụ 15/02/2025.",
                )
            ],
            id="date-in-another-order",
        ),
        pytest.param(
            {"Giới tính": "Trai"}, [("Giới tính", "Ghi Nam hoặc Nữ.")], id="unknown-gender"
        ),
        pytest.param(
            {"Cấp bậc": "Đại úy"},
            [
                (
                    "Cấp bậc",
                    "“Đại úy” không phải cấp bậc: hãy ghi một trong các cấp bậc Binh nhì, "
                    "Binh nhất, Hạ sĩ, Trung sĩ, Thượng sĩ, hoặc để trống.",
                )
            ],
            id="unknown-rank",
        ),
        pytest.param(
            {"Họ và tên": " ", "Quê quán (tỉnh)": None, "Quê quán (xã/phường)": None},
            [
                ("Họ và tên", REQUIRED),
                ("Quê quán (tỉnh)", REQUIRED),
                ("Quê quán (xã/phường)", REQUIRED),
            ],
            id="blank-required-cells",
        ),
        pytest.param(
            {"Số điện thoại": "0912 345 678 901 234"},
            [("Số điện thoại", "Tối đa 15 ký tự.")],
            id="phone-too-long",
        ),
    ],
)
def test_each_kind_of_bad_row_is_reported_by_row_and_column_and_nothing_is_saved(
    tree, users, cells, expected
) -> None:
    rows = [soldier_row(1), soldier_row(2, **cells)]

    plan = apply(users[OFFICER], rows)

    assert plan.errors == [(3, column, message) for column, message in expected]
    assert (Soldier.objects.count(), SoldierChange.objects.count()) == (0, 0)


def test_every_error_of_a_row_is_listed_in_column_order(tree, users) -> None:
    row = soldier_row(
        1,
        **{"Số CCCD": "037204000001", "Đơn vị": "PC07", "Ngày xuất ngũ": "14/02/2025"},
    )

    plan = check(users[OFFICER], [row])

    assert plan.errors == [
        (2, "Số CCCD", "Số CCCD ghi năm sinh 2004, nhưng ngày sinh thuộc năm 2005."),
        (2, "Đơn vị", "Đơn vị này nằm ngoài đơn vị của đồng chí và các đơn vị trực thuộc."),
        (2, "Ngày xuất ngũ", "Ngày xuất ngũ phải sau ngày nhập ngũ."),
    ]
    assert plan.error_rows == 1


def test_a_citizen_id_twice_in_the_file_is_an_error_on_each_row_naming_the_others(
    tree, users
) -> None:
    same = citizen_id_for(dt.date(2005, 3, 10), "male", 9)
    rows = [
        soldier_row(1, **{"Số CCCD": same}),
        soldier_row(2, **{"Số CCCD": same}),
        soldier_row(3),
        soldier_row(4, **{"Số CCCD": same}),
    ]

    plan = apply(users[OFFICER], rows)

    assert plan.errors == [
        (2, "Số CCCD", "Số CCCD này trùng với dòng 3, 5 trong tệp."),
        (3, "Số CCCD", "Số CCCD này trùng với dòng 2, 5 trong tệp."),
        (5, "Số CCCD", "Số CCCD này trùng với dòng 2, 3 trong tệp."),
    ]
    assert Soldier.objects.count() == 0


def test_blank_rows_are_skipped_and_errors_keep_excels_row_numbers(tree, users) -> None:
    rows = [soldier_row(1), {}, soldier_row(2, **{"Giới tính": "?"})]

    plan = check(users[OFFICER], rows)

    assert plan.errors == [(4, "Giới tính", "Ghi Nam hoặc Nữ.")]
    assert len(plan.created) == 1


# -- citizen IDs already on file --


def test_reimporting_the_same_file_creates_and_updates_nothing(tree, users) -> None:
    officer = users[OFFICER]
    rows = [soldier_row(1), soldier_row(2)]
    apply(officer, rows)

    plan = apply(officer, rows)

    assert (len(plan.created), len(plan.updated), plan.unchanged) == (0, 0, 2)
    assert stored("citizen_id", "version") == [
        (citizen_id_for(dt.date(2005, 3, 10), "male", 1), 1),
        (citizen_id_for(dt.date(2005, 3, 10), "male", 2), 1),
    ]
    assert SoldierChange.objects.count() == 2


def test_an_edited_reimport_updates_by_citizen_id_with_history(tree, users) -> None:
    officer = users[OFFICER]
    existing = SoldierFactory(unit=tree.pk02, full_name="Lê Văn Nam", rank="binh_nhi")
    row = soldier_row(
        1,
        **{
            "Họ và tên": "Lê Văn Năm",
            "Số CCCD": existing.citizen_id,
            "Đơn vị": "PK02-D1",
            "Cấp bậc": "Hạ sĩ",
        },
    )

    plan = apply(officer, [row, soldier_row(2)])

    assert (len(plan.created), len(plan.updated), plan.unchanged) == (1, 1, 0)
    existing.refresh_from_db()
    assert (existing.full_name, existing.unit, existing.rank, existing.version) == (
        "Lê Văn Năm",
        tree.pk02_d1,
        "ha_si",
        2,
    )
    assert existing.sort_key == name_sort_key("Lê Văn Năm")
    entry = existing.changes.get(action=SoldierChange.Action.IMPORTED)
    assert entry.by == officer
    assert entry.changes == {
        "full_name": ["Lê Văn Nam", "Lê Văn Năm"],
        "unit": ["PK02", "PK02-D1"],
        "rank": ["Binh nhì", "Hạ sĩ"],
    }
    assert Soldier.objects.count() == 2


def test_a_citizen_id_of_another_units_soldier_is_an_error_for_an_officer(tree, users) -> None:
    other = SoldierFactory(unit=tree.pc07, full_name="Trần Văn Cường")

    plan = apply(users[OFFICER], [soldier_row(1, **{"Số CCCD": other.citizen_id})])

    assert plan.errors == [
        (2, "Số CCCD", "Số CCCD này đã thuộc về một chiến sĩ của đơn vị khác."),
    ]
    other.refresh_from_db()
    assert (other.full_name, other.unit, other.version) == ("Trần Văn Cường", tree.pc07, 1)


def test_headquarters_staff_update_a_soldier_of_any_unit(tree, users) -> None:
    other = SoldierFactory(unit=tree.pc07, full_name="Trần Văn Cường")
    row = soldier_row(1, **{"Họ và tên": "Trần Văn Cường", "Số CCCD": other.citizen_id})

    plan = apply(users[User.Role.HQ_STAFF], [row])

    assert [(planned.row, planned.changes) for planned in plan.updated] == [
        (2, {"unit": ["PC07", "PK02"]})
    ]
    other.refresh_from_db()
    assert (other.unit, other.version) == (tree.pk02, 2)


def test_a_new_enlistment_date_must_stay_before_a_recorded_actual_discharge(tree, users) -> None:
    existing = SoldierFactory(unit=tree.pk02, actual_discharge_date=dt.date(2026, 1, 10))
    row = soldier_row(1, **{"Số CCCD": existing.citizen_id, "Ngày nhập ngũ": "10/01/2026"})

    plan = apply(users[OFFICER], [row])

    assert plan.errors == [(2, "Ngày nhập ngũ", "Ngày xuất ngũ phải sau ngày nhập ngũ.")]


def test_import_asks_the_database_the_same_number_of_questions_for_5_and_50_rows(
    tree, users, django_assert_num_queries
) -> None:
    # As a request's user: his unit is read with him, not during the import.
    officer = User.objects.select_related("unit").get(pk=users[OFFICER].pk)
    small = xlsx([soldier_row(n) for n in range(1, 6)])
    large = xlsx([soldier_row(n) for n in range(6, 56)])
    with CaptureQueriesContext(connection) as five:
        importing.import_apply(user=officer, content=small)

    with django_assert_num_queries(len(five.captured_queries)):
        importing.import_apply(user=officer, content=large)

    assert Soldier.objects.count() == 55


@pytest.mark.parametrize("role", [User.Role.LEADER, User.Role.COMMUNE_OFFICER])
def test_readers_cannot_import(tree, users, role) -> None:
    with pytest.raises(PermissionDenied):
        apply(users[role], [soldier_row(1)])


# -- files refused whole --


def refusal(content: bytes, name: str = "danh-sach.xlsx") -> str:
    """The message of the first check that refuses the file: on upload, else while reading."""
    try:
        checked = importing.check_upload(upload(content, name))
        importing.import_check(user=User.objects.get(role=OFFICER), content=checked.content)
    except importing.ImportRefused as refused:
        return str(refused)
    raise AssertionError("the file was not refused")


def test_a_file_over_5_mb_is_refused_before_it_is_read(users) -> None:
    content = xlsx([soldier_row(1)]) + b"\0" * (5 * 1024 * 1024)

    assert (
        refusal(content) == "Tệp lớn hơn 5 MB. Đồng chí hãy chia danh sách thành các tệp nhỏ hơn."
    )


@pytest.mark.parametrize("write_only", [False, True], ids=["size-recorded", "size-not-recorded"])
def test_a_file_over_20000_rows_is_refused(users, write_only) -> None:
    rows = [{"Họ và tên": "A"}] * 20_001

    assert refusal(xlsx(rows, write_only=write_only)) == (
        "Tệp có hơn 20.000 dòng chiến sĩ. Đồng chí hãy chia danh sách thành nhiều tệp."
    )


def test_a_csv_renamed_xlsx_is_refused(users) -> None:
    content = ",".join(importing.COLUMNS).encode() + b"\nNguyen Van A,10/03/2005\n"

    assert refusal(content) == (
        "Tệp này không phải bảng tính Excel .xlsx. Đồng chí hãy điền vào tệp mẫu và lưu dạng "
        "“Excel Workbook (.xlsx)”."
    )


def test_a_zip_that_is_not_a_workbook_is_refused(users) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")

    assert refusal(buffer.getvalue()).startswith("Tệp này không phải bảng tính Excel .xlsx.")


BROKEN = (
    "Tệp Excel bị hỏng, không đọc được. Đồng chí hãy mở bằng Excel, lưu lại dạng .xlsx rồi tải "
    "lên lại."
)


def broken_zip() -> bytes:
    return b"PK\x03\x04" + b"\x17" * 400


def cut_short() -> bytes:
    return xlsx([soldier_row(1)])[:-300]


def broken_sheet() -> bytes:
    return with_zip_entry(xlsx([soldier_row(1)]), "xl/worksheets/sheet1.xml", b"<worksheet")


def unpacks_to_101_mb() -> bytes:
    return with_zip_entry(xlsx([soldier_row(1)]), "xl/media/x.bin", b"\0" * (101 * 1024 * 1024))


@pytest.mark.parametrize("make", [broken_zip, cut_short, broken_sheet, unpacks_to_101_mb])
def test_a_broken_file_is_refused(users, make) -> None:
    assert refusal(make()) == BROKEN


MACROS = "Không nhận tệp có macro (.xlsm). Đồng chí hãy lưu lại dạng “Excel Workbook (.xlsx)”."


def test_a_macro_enabled_workbook_is_refused_by_its_content(users) -> None:
    content = xlsx([soldier_row(1)])
    types = (
        zipfile.ZipFile(io.BytesIO(content))
        .read("[Content_Types].xml")
        .replace(
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        )
    )

    assert refusal(with_zip_entry(content, "[Content_Types].xml", types)) == MACROS


def test_an_xlsm_file_name_is_refused(users) -> None:
    assert refusal(xlsx([soldier_row(1)]), name="danh-sach.xlsm") == MACROS


def test_a_header_with_missing_or_unknown_columns_is_refused(users) -> None:
    header = [*importing.COLUMNS[:-1], "Điện thoại", "Ghi chú"]

    assert refusal(xlsx([soldier_row(1)], header=header)) == (
        "Dòng 1 phải là dòng tiêu đề của tệp mẫu. Thiếu cột: Số điện thoại. "
        "Cột không có trong mẫu: Điện thoại, Ghi chú."
    )


def test_header_cells_are_matched_after_trimming_and_in_any_order(tree, users) -> None:
    header = [f"  {column} " for column in reversed(importing.COLUMNS)]
    row = {f"  {column} ": value for column, value in soldier_row(1).items()}

    plan = importing.import_apply(user=users[OFFICER], content=xlsx([row], header=header))

    assert (len(plan.created), plan.errors) == (1, [])


def test_a_file_with_only_the_header_is_refused(users) -> None:
    assert refusal(xlsx([])) == (
        "Tệp chưa có chiến sĩ nào: hãy điền vào các dòng bên dưới dòng tiêu đề."
    )


# -- pages --

IMPORT_URLS = ["soldiers:import", "soldiers:import_template"]


@pytest.mark.parametrize("url_name", IMPORT_URLS)
@pytest.mark.parametrize(
    ("role", "status"),
    [
        (User.Role.UNIT_OFFICER, 200),
        (User.Role.HQ_STAFF, 200),
        (User.Role.LEADER, 403),
        (User.Role.COMMUNE_OFFICER, 403),
    ],
)
def test_only_unit_officers_and_headquarters_may_import(
    login, users, url_name, role, status
) -> None:
    response = login(users[role]).get(reverse(url_name))

    assert response.status_code == status


@pytest.mark.parametrize("url_name", IMPORT_URLS)
def test_a_superuser_may_import(client, db, url_name) -> None:
    client.force_login(User.objects.create_superuser("quantri", "q@congan.local", "x"))

    assert client.get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize("url_name", IMPORT_URLS)
def test_anonymous_is_sent_to_log_in(client, db, url_name) -> None:
    response = client.get(reverse(url_name))

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse(url_name)}"


@pytest.mark.parametrize("role", [User.Role.LEADER, User.Role.COMMUNE_OFFICER])
def test_readers_may_neither_preview_nor_confirm(login, users, role) -> None:
    client = login(users[role])

    assert client.get(reverse("soldiers:import_preview")).status_code == 403
    assert client.post(reverse("soldiers:import_confirm")).status_code == 403


def test_upload_preview_and_confirm_save_the_file_and_then_forget_it(login, users, tree) -> None:
    client = login(users[OFFICER])

    uploaded = client.post(reverse("soldiers:import"), {"file": upload(xlsx([soldier_row(1)]))})
    staged = client.session["soldier_import"]
    preview = client.get(reverse("soldiers:import_preview"))
    confirmed = client.post(reverse("soldiers:import_confirm"), follow=True)

    assert uploaded.url == reverse("soldiers:import_preview")
    assert preview.status_code == 200
    assert [row.soldier.full_name for row in preview.context["created"]] == ["Nguyễn Văn Thử 1"]
    page = preview.content.decode()
    assert "********0001" in page
    assert citizen_id_for(dt.date(2005, 3, 10), "male", 1) not in page
    assert 'data-testid="confirm"' in page
    assert Soldier.objects.count() == 1
    assert confirmed.redirect_chain == [(reverse("soldiers:list"), 302)]
    assert [str(m) for m in confirmed.context["messages"]] == [
        "Đã nhập xong. Thêm mới: 1, cập nhật: 0, không đổi: 0."
    ]
    assert not default_storage.exists(staged["path"])
    assert "soldier_import" not in client.session


def test_the_preview_lists_errors_by_row_and_column_and_offers_no_confirmation(
    login, users, tree
) -> None:
    client = login(users[OFFICER])
    client.post(
        reverse("soldiers:import"),
        {"file": upload(xlsx([soldier_row(1), soldier_row(2, **{"Đơn vị": "XX99"})]))},
    )

    response = client.get(reverse("soldiers:import_preview"))

    page = response.content.decode()
    assert list(response.context["errors"]) == [(3, "Đơn vị", "Không có đơn vị nào mang mã XX99.")]
    assert "Chưa lưu gì: 1 dòng có lỗi." in page
    assert 'data-testid="confirm"' not in page
    assert Soldier.objects.count() == 0


def test_a_refused_upload_stays_on_the_form_with_the_reason(login, users) -> None:
    client = login(users[OFFICER])

    response = client.post(
        reverse("soldiers:import"), {"file": upload(b"a,b\n1,2\n", "danh-sach.xlsx")}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "file": [
            "Tệp này không phải bảng tính Excel .xlsx. Đồng chí hãy điền vào tệp mẫu và lưu "
            "dạng “Excel Workbook (.xlsx)”."
        ]
    }
    assert "soldier_import" not in client.session


def test_a_file_refused_only_while_its_rows_are_read_goes_back_to_the_form(login, users) -> None:
    client = login(users[OFFICER])
    # The upload check reads the header only; the formula in row 3 shows when rows are read.
    rows = [soldier_row(1), soldier_row(2, **{"Họ và tên": "=A2"})]
    client.post(reverse("soldiers:import"), {"file": upload(xlsx(rows))})
    staged = client.session["soldier_import"]

    response = client.get(reverse("soldiers:import_preview"), follow=True)

    assert response.redirect_chain == [(reverse("soldiers:import"), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Dòng 3, cột “Họ và tên” chứa công thức. Hệ thống không nhập công thức: đồng chí hãy "
        "sao chép các ô rồi dán lại chỉ phần giá trị (Dán đặc biệt → Giá trị), sau đó tải tệp "
        "lên lại."
    ]
    assert not default_storage.exists(staged["path"])


def test_confirm_checks_the_file_again_and_saves_nothing_if_the_data_changed(
    login, users, tree
) -> None:
    client = login(users[OFFICER])
    client.post(
        reverse("soldiers:import"), {"file": upload(xlsx([soldier_row(1), soldier_row(2)]))}
    )
    client.get(reverse("soldiers:import_preview"))
    SoldierFactory(unit=tree.pc07, citizen_id=citizen_id_for(dt.date(2005, 3, 10), "male", 2))

    response = client.post(reverse("soldiers:import_confirm"))

    assert response.status_code == 200
    assert list(response.context["errors"]) == [
        (3, "Số CCCD", "Số CCCD này đã thuộc về một chiến sĩ của đơn vị khác.")
    ]
    assert Soldier.objects.filter(unit=tree.pk02).count() == 0


def test_a_staged_file_that_changed_on_the_server_is_not_imported(login, users, tree) -> None:
    client = login(users[OFFICER])
    client.post(reverse("soldiers:import"), {"file": upload(xlsx([soldier_row(1)]))})
    path = client.session["soldier_import"]["path"]
    default_storage.delete(path)
    default_storage.save(path, io.BytesIO(xlsx([soldier_row(1), soldier_row(2)])))

    response = client.post(reverse("soldiers:import_confirm"), follow=True)

    assert response.redirect_chain == [(reverse("soldiers:import"), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Tệp đã tải lên không còn trên máy chủ: đồng chí hãy tải lên lại."
    ]
    assert Soldier.objects.count() == 0


def test_a_new_upload_replaces_the_last_one_and_day_old_uploads_are_removed(
    login, users, tree
) -> None:
    client = login(users[OFFICER])
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=HANOI)):
        abandoned = importing.stage(importing.Upload("cu.xlsx", xlsx([soldier_row(1)])))
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=HANOI)):
        client.post(reverse("soldiers:import"), {"file": upload(xlsx([soldier_row(1)]))})
        first = client.session["soldier_import"]["path"]
        client.post(reverse("soldiers:import"), {"file": upload(xlsx([soldier_row(2)]))})
        second = client.session["soldier_import"]["path"]

    assert [default_storage.exists(path) for path in (abandoned.path, first, second)] == [
        False,
        False,
        True,
    ]


def test_confirm_without_an_upload_goes_back_to_the_form(login, users) -> None:
    response = login(users[OFFICER]).post(reverse("soldiers:import_confirm"))

    assert response.url == reverse("soldiers:import")


# -- the template --


def download_template(client) -> Workbook:
    response = client.get(reverse("soldiers:import_template"))
    assert response["Content-Type"] == importing.CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="mau-danh-sach-chien-si.xlsx"'
    return load_workbook(io.BytesIO(response.content))


def test_the_template_has_the_header_alone_and_a_guide_with_an_example(login, users) -> None:
    workbook = download_template(login(users[OFFICER]))

    data, guide = workbook["Danh sách"], workbook["Hướng dẫn"]
    assert workbook.sheetnames == ["Danh sách", "Hướng dẫn"]
    assert [cell.value for cell in data[1]] == list(importing.COLUMNS)
    assert all(cell.font.b for cell in data[1])
    assert data.max_row == 1
    assert data.freeze_panes == "A2"
    assert (data.column_dimensions["A"].width, data.column_dimensions["D"].width) == (26, 15)
    assert data.column_dimensions["D"].number_format == "@"
    guide_rows = [[cell for cell in row if cell is not None] for row in guide.values]
    example_at = guide_rows.index(list(importing.COLUMNS)) + 1
    assert guide_rows[example_at] == [
        "Nguyễn Văn An",
        "10/03/2005",
        "Nam",
        "037205000123",
        "PK02",
        "Binh nhì",
        "15/02/2025",
        "Ninh Bình",
        "Phủ Lý",
        "0912345678",
    ]
    assert ["Số CCCD", "Bắt buộc. 12 chữ số, phải khớp với ngày sinh và giới tính."] in guide_rows


def fill_template(workbook: Workbook, rows: list[list]) -> bytes:
    data = workbook["Danh sách"]
    for row in rows:
        data.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_officer_imports_200_soldiers_from_the_template_and_other_units_see_none(
    login, users, tree, make_user
) -> None:
    officer = users[OFFICER]
    client = login(officer)
    workbook = download_template(client)
    guide = list(workbook["Hướng dẫn"].values)
    example = list(guide[guide.index(tuple(importing.COLUMNS)) + 1])
    rows = [
        [
            f"Nguyễn Văn Thử {n}",
            *example[1:3],
            citizen_id_for(dt.date(2005, 3, 10), "male", 1000 + n),
            *example[4:],
        ]
        for n in range(1, 200)
    ]
    content = fill_template(workbook, [example, *rows])

    client.post(reverse("soldiers:import"), {"file": upload(content)})
    preview = client.get(reverse("soldiers:import_preview"))
    client.post(reverse("soldiers:import_confirm"))

    assert (len(preview.context["plan"].created), preview.context["plan"].errors) == (200, [])
    assert soldiers_visible_to(officer).count() == 200
    assert SoldierChange.objects.filter(action="imported", by=officer).count() == 200
    other_officer = make_user(OFFICER, tree.pc07)
    assert soldiers_visible_to(other_officer).count() == 0
    some = Soldier.objects.first()
    assert login(other_officer).get(reverse("soldiers:detail", args=[some.pk])).status_code == 404


def test_imported_soldiers_count_in_their_cohort_year(tree, users) -> None:
    from soldiers import milestones

    officer = users[User.Role.UNIT_OFFICER]
    importing.import_apply(user=officer, content=xlsx([soldier_row(1)]))

    assert list(Soldier.objects.values_list("cohort_year", flat=True)) == [2027]
    assert milestones.drifted() == []
