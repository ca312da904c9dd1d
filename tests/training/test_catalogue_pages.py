"""PA03's list: institutions and courses, their pages, the xlsx list and the wishes against seats.

PA03 and PX01 keep the list; every signed-in role reads it (officers register soldiers from it).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from soldiers import services as soldier_services
from tests.factories import (
    HOME_PROVINCE,
    HOME_WARD,
    CourseFactory,
    InstitutionFactory,
    SoldierFactory,
    UnitFactory,
)
from training import services
from training.models import Course, Institution, Occupation, Registration
from units.models import Unit, User

NOW = dt.datetime(2026, 8, 1, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
HA_NOI = 1
Role = User.Role
# Who is who: three departments of headquarters, the province's root unit (another department),
# and the other roles as tests/conftest.py places them.
PEOPLE = ["PA03", "PX01", "PA04", "other hq", "unit officer", "commune officer", "leader"]
KEEPERS = {"PA03", "PX01"}


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def people(tree, users, make_user) -> dict[str, User]:
    def department(code: str) -> User:
        unit = UnitFactory(code=code, parent=tree.root, kind=Unit.Kind.HQ_DEPARTMENT)
        return make_user(Role.HQ_STAFF, unit)

    return {
        "PA03": department("PA03"),
        "PX01": department("PX01"),
        "PA04": department("PA04"),
        "other hq": users[Role.HQ_STAFF],
        "unit officer": users[Role.UNIT_OFFICER],
        "commune officer": users[Role.COMMUNE_OFFICER],
        "leader": users[Role.LEADER],
    }


@pytest.fixture
def pa03(people) -> User:
    return people["PA03"]


def occupation(code: str) -> Occupation:
    return Occupation.objects.get(code=code)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def institution_data(**overrides: str) -> dict[str, str]:
    """The institution form as PA03 fills it, with spaces where people type them."""
    return {
        "name": "  Trường Cao đẳng  Cơ điện Ninh Bình ",
        "address": "Số 1 đường Lê Thái Tổ",
        "province_code": str(HOME_PROVINCE),
        "ward_code": str(HOME_WARD),
        "affiliation": "outside",
        "ownership": "public",
        "contact_name": "Nguyễn Thị Lan",
        "phone": "02293871234",
        "email": "tuyensinh@cdcdnb.edu.vn",
        "active": "on",
    } | overrides


def course_data(institution: Institution, **overrides: str) -> dict[str, str]:
    """The course form, amounts typed the Vietnamese way."""
    return {
        "institution": str(institution.pk),
        "occupation": str(occupation("HAN").pk),
        "level": "elementary",
        "duration_months": "1,5",
        "tuition_vnd": "4.500.000",
        "support_vnd": "4.000.000",
        "seats": "25",
        "list_year": "2026",
        "approved": "on",
        "active": "on",
    } | overrides


def course_rows(response) -> list[tuple]:
    return [
        (
            row.item.institution.name,
            row.item.occupation.name,
            row.item.level,
            row.item.list_year,
            row.item.seats_taken,
            row.item.seats_left,
        )
        for row in response.context["rows"]
    ]


def register(officer: User, course: Course, *names: str) -> list[Registration]:
    """One registration (status "wished") per soldier of PK02, named as given."""
    unit = officer.unit
    return [
        services.registration_create(
            user=officer,
            soldier=SoldierFactory(unit=unit, full_name=name),
            course=course,
            on=dt.date(2026, 6, 1),
        )
        for name in names
    ]


def with_every_status(officer: User, course: Course) -> None:
    """Five registrations for `course`: wished, sent, enrolled, completed, withdrawn after sending.
    Three of them hold a seat (sent, enrolled, completed)."""
    _wished, sent, enrolled, completed, withdrawn = register(
        officer, course, "Lê Văn An", "Trần Văn Bình", "Ngô Văn Cường", "Đỗ Văn Dũng", "Vũ Văn Em"
    )
    services.registrations_send(
        user=officer, registrations=[sent, enrolled, completed, withdrawn], on=dt.date(2026, 7, 1)
    )
    for registration in (enrolled, completed):
        services.registration_enrol(user=officer, registration=registration, on=dt.date(2026, 7, 6))
    services.registration_complete(user=officer, registration=completed, on=dt.date(2026, 7, 30))
    services.registration_withdraw(
        user=officer, registration=withdrawn, on=dt.date(2026, 7, 3), reason="Đi làm ngay"
    )


# -- who may reach each page --

READ_PAGES = [
    "training:institutions",
    "training:institution_detail",
    "training:courses",
    "training:courses_export",
]
WRITE_PAGES = [
    "training:institution_create",
    "training:institution_edit",
    "training:course_create",
    "training:course_edit",
]


def url_of(name: str, course: Course) -> str:
    if name in ("training:institution_detail", "training:institution_edit"):
        return reverse(name, args=[course.institution_id])
    if name == "training:course_edit":
        return reverse(name, args=[course.pk])
    return reverse(name)


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("page", READ_PAGES)
def test_every_signed_in_role_reads_the_list(login, people, person, page) -> None:
    course = CourseFactory()

    response = login(people[person]).get(url_of(page, course))

    assert response.status_code == 200


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("page", WRITE_PAGES)
def test_only_pa03_and_px01_open_the_forms(login, people, person, page) -> None:
    course = CourseFactory()

    response = login(people[person]).get(url_of(page, course))

    assert response.status_code == (200 if person in KEEPERS else 403)


@pytest.mark.parametrize("person", sorted(set(PEOPLE) - KEEPERS))
def test_a_post_from_anyone_else_is_refused_and_saves_nothing(login, people, person) -> None:
    course = CourseFactory(seats=30)
    client = login(people[person])

    institution = client.post(reverse("training:institution_create"), institution_data())
    edited = client.post(
        reverse("training:course_edit", args=[course.pk]),
        course_data(course.institution, seats="99"),
    )

    assert (institution.status_code, edited.status_code) == (403, 403)
    assert Institution.objects.count() == 1
    course.refresh_from_db()
    assert course.seats == 30


@pytest.mark.parametrize("page", READ_PAGES + WRITE_PAGES)
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, db, page) -> None:
    url = url_of(page, CourseFactory())

    response = client.get(url)

    assert (response.status_code, response.url) == (302, f"{reverse('login')}?next={url}")


# -- institutions --


def test_pa03_adds_an_institution_through_the_form(login, pa03) -> None:
    response = login(pa03).post(reverse("training:institution_create"), institution_data())

    institution = Institution.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("training:institution_detail", args=[institution.pk])
    assert messages_of(response) == ["Đã lưu cơ sở đào tạo Trường Cao đẳng Cơ điện Ninh Bình."]
    assert (
        institution.name,
        institution.province_code,
        institution.ward_code,
        institution.affiliation,
        institution.ownership,
        institution.contact_name,
        institution.active,
    ) == (
        "Trường Cao đẳng Cơ điện Ninh Bình",
        HOME_PROVINCE,
        HOME_WARD,
        "outside",
        "public",
        "Nguyễn Thị Lan",
        True,
    )


def test_an_institution_already_on_the_list_is_refused(login, pa03) -> None:
    InstitutionFactory(name="Trường Cao đẳng Cơ điện Ninh Bình")

    response = login(pa03).post(reverse("training:institution_create"), institution_data())

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "name": ["Đã có cơ sở đào tạo mang tên này trong danh sách."]
    }
    assert Institution.objects.count() == 1


def test_a_commune_of_another_province_is_not_a_choice(login, pa03) -> None:
    data = institution_data(province_code=str(HA_NOI))

    response = login(pa03).post(reverse("training:institution_create"), data)

    assert response.context["form"].errors == {
        "ward_code": [
            f"Hãy chọn một lựa chọn hợp lệ. {HOME_WARD} không phải là một trong các lựa chọn "
            "khả thi."
        ]
    }
    assert Institution.objects.count() == 0


def test_px01_edits_an_institution_and_takes_it_off_the_list(login, people) -> None:
    institution = InstitutionFactory(name="Trường Trung cấp nghề Nho Quan")
    data = institution_data(name="Trường Trung cấp nghề Nho Quan", contact_name="Lê Văn Hải")
    del data["active"]

    response = login(people["PX01"]).post(
        reverse("training:institution_edit", args=[institution.pk]), data
    )

    institution.refresh_from_db()
    assert response.url == reverse("training:institution_detail", args=[institution.pk])
    assert messages_of(response) == ["Đã lưu cơ sở đào tạo Trường Trung cấp nghề Nho Quan."]
    assert (institution.contact_name, institution.active) == ("Lê Văn Hải", False)


def test_the_institutions_page_filters_and_counts_courses(login, users) -> None:
    police = InstitutionFactory(name="Trường Cao đẳng Cảnh sát", affiliation="police")
    private = InstitutionFactory(name="Trường Trung cấp Hoa Lư", ownership="private")
    InstitutionFactory(name="Trường Cao đẳng nghề Hà Nội", province_code=HA_NOI, ward_code=None)
    CourseFactory(institution=police, list_year=2025)
    CourseFactory(institution=police, occupation=occupation("HAN"))
    CourseFactory(institution=private)
    client = login(users[Role.LEADER])

    def listed(**params: str) -> list[tuple[str, str, int]]:
        response = client.get(reverse("training:institutions"), params)
        return [
            (row.item.name, row.province, row.item.course_count) for row in response.context["rows"]
        ]

    assert listed() == [
        ("Trường Cao đẳng Cảnh sát", "Tỉnh Ninh Bình", 2),
        ("Trường Cao đẳng nghề Hà Nội", "Thành phố Hà Nội", 0),
        ("Trường Trung cấp Hoa Lư", "Tỉnh Ninh Bình", 1),
    ]
    assert listed(q="cao đẳng") == [
        ("Trường Cao đẳng Cảnh sát", "Tỉnh Ninh Bình", 2),
        ("Trường Cao đẳng nghề Hà Nội", "Thành phố Hà Nội", 0),
    ]
    assert listed(affiliation="police") == [("Trường Cao đẳng Cảnh sát", "Tỉnh Ninh Bình", 2)]
    assert listed(ownership="private") == [("Trường Trung cấp Hoa Lư", "Tỉnh Ninh Bình", 1)]
    assert listed(province=str(HA_NOI)) == [("Trường Cao đẳng nghề Hà Nội", "Thành phố Hà Nội", 0)]


def test_the_institution_page_lists_its_courses_with_the_seats_taken(login, users) -> None:
    institution = InstitutionFactory(name="Trường Cao đẳng Cơ điện Ninh Bình")
    welding = CourseFactory(institution=institution, occupation=occupation("HAN"), seats=4)
    CourseFactory(institution=institution, list_year=2025, seats=10)
    with_every_status(users[Role.UNIT_OFFICER], welding)

    response = login(users[Role.COMMUNE_OFFICER]).get(
        reverse("training:institution_detail", args=[institution.pk])
    )

    assert [
        (c.list_year, c.occupation.name, c.seats, c.seats_taken, c.seats_left)
        for c in response.context["courses"]
    ] == [(2026, "Hàn", 4, 3, 1), (2025, "Điện công nghiệp", 10, 0, 10)]
    assert response.context["address"] == "Tỉnh Ninh Bình"


# -- courses --


def test_pa03_adds_a_course_with_amounts_typed_the_vietnamese_way(login, pa03) -> None:
    institution = InstitutionFactory(name="Trường Cao đẳng Cơ điện Ninh Bình")

    response = login(pa03).post(reverse("training:course_create"), course_data(institution))

    course = Course.objects.get()
    assert response.url == reverse("training:institution_detail", args=[institution.pk])
    assert messages_of(response) == [
        "Đã lưu khóa đào tạo Hàn – Trường Cao đẳng Cơ điện Ninh Bình (2026)."
    ]
    assert (
        course.duration_months,
        course.tuition_vnd,
        course.support_vnd,
        course.seats,
        course.list_year,
    ) == (Decimal("1.5"), 4_500_000, 4_000_000, 25, 2026)


def test_the_add_form_opens_on_the_institution_and_this_year(login, pa03) -> None:
    institution = InstitutionFactory()

    response = login(pa03).get(reverse("training:course_create"), {"institution": institution.pk})

    form = response.context["form"]
    assert (form["institution"].value(), form["list_year"].value()) == (str(institution.pk), 2026)


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("tuition_vnd", "-1", "Học phí không được âm."),
        ("support_vnd", "-500.000", "Mức hỗ trợ không được âm."),
        ("duration_months", "0", "Thời gian đào tạo phải lớn hơn 0."),
        ("duration_months", "-2", "Thời gian đào tạo phải lớn hơn 0."),
    ],
)
def test_bad_course_input_is_refused_with_its_message_and_nothing_saved(
    login, pa03, field, typed, message
) -> None:
    data = course_data(InstitutionFactory(), **{field: typed})

    response = login(pa03).post(reverse("training:course_create"), data)

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert message in response.content.decode()
    assert Course.objects.count() == 0


def test_a_second_course_for_the_same_trade_and_level_in_a_years_list_is_refused(
    login, pa03
) -> None:
    institution = InstitutionFactory()
    CourseFactory(institution=institution, occupation=occupation("HAN"), list_year=2026)
    client = login(pa03)

    same_year = client.post(reverse("training:course_create"), course_data(institution))
    next_year = client.post(
        reverse("training:course_create"), course_data(institution, list_year="2027")
    )

    assert same_year.context["form"].errors == {
        "__all__": ["Cơ sở này đã có nghề này ở trình độ này trong danh sách năm đó."]
    }
    assert next_year.status_code == 302
    assert sorted(Course.objects.values_list("list_year", flat=True)) == [2026, 2027]


def test_pa03_edits_a_course(login, pa03) -> None:
    course = CourseFactory(seats=30)
    data = course_data(course.institution, occupation=str(course.occupation_id), seats="40")

    response = login(pa03).post(reverse("training:course_edit", args=[course.pk]), data)

    course.refresh_from_db()
    assert response.status_code == 302
    assert (course.seats, course.tuition_vnd) == (40, 4_500_000)


def test_the_courses_page_opens_on_this_years_list_with_the_seats_left(login, users) -> None:
    welding = CourseFactory(
        institution=InstitutionFactory(name="Trường Trung cấp Hoa Lư"),
        occupation=occupation("HAN"),
        seats=4,
    )
    CourseFactory(
        institution=InstitutionFactory(name="Trường Cao đẳng Cơ điện"), occupation=occupation("MAY")
    )
    CourseFactory(institution=InstitutionFactory(name="Trường cũ"), list_year=2025)
    with_every_status(users[Role.UNIT_OFFICER], welding)

    response = login(users[Role.LEADER]).get(reverse("training:courses"))

    assert response.context["filters"]["year"].value() == "2026"
    assert course_rows(response) == [
        ("Trường Trung cấp Hoa Lư", "Hàn", "elementary", 2026, 3, 1),
        ("Trường Cao đẳng Cơ điện", "May công nghiệp", "elementary", 2026, 0, 30),
    ]
    # Amounts in đồng with a dot between thousands (DESIGN.md §9).
    assert '<td class="num">6.000.000 đ</td>' in response.content.decode()


def test_the_courses_page_filters(login, users) -> None:
    hoa_lu = InstitutionFactory(name="Trường Trung cấp Hoa Lư")
    ha_noi = InstitutionFactory(name="Trường Hà Nội", province_code=HA_NOI, ward_code=None)
    CourseFactory(institution=hoa_lu, occupation=occupation("HAN"), seats=3)
    CourseFactory(institution=hoa_lu, occupation=occupation("THV"), level="intermediate")
    CourseFactory(institution=ha_noi, seats=1)
    CourseFactory(institution=ha_noi, list_year=2025)
    full = register(users[Role.UNIT_OFFICER], Course.objects.get(institution=ha_noi, seats=1), "A")
    services.registrations_send(
        user=users[Role.UNIT_OFFICER], registrations=full, on=dt.date(2026, 7, 1)
    )
    client = login(users[Role.UNIT_OFFICER])

    def listed(**params: str) -> list[tuple[str, str, str, int]]:
        response = client.get(reverse("training:courses"), params)
        return [(n, o, level, year) for n, o, level, year, _taken, _left in course_rows(response)]

    assert listed(occupation=str(occupation("HAN").pk)) == [
        ("Trường Trung cấp Hoa Lư", "Hàn", "elementary", 2026)
    ]
    assert listed(level="intermediate") == [
        ("Trường Trung cấp Hoa Lư", "Tin học văn phòng", "intermediate", 2026)
    ]
    assert listed(year="2025") == [("Trường Hà Nội", "Điện công nghiệp", "elementary", 2025)]
    assert listed(province=str(HA_NOI)) == [
        ("Trường Hà Nội", "Điện công nghiệp", "elementary", 2026)
    ]
    assert listed(seats="on") == [
        ("Trường Trung cấp Hoa Lư", "Hàn", "elementary", 2026),
        ("Trường Trung cấp Hoa Lư", "Tin học văn phòng", "intermediate", 2026),
    ]
    # A year that is not a year falls back to this year's list.
    assert len(listed(year="abc")) == 3


def test_only_the_keepers_see_courses_not_approved_or_taken_off(login, people) -> None:
    CourseFactory(institution=InstitutionFactory(name="A"))
    CourseFactory(institution=InstitutionFactory(name="B"), approved=False)
    CourseFactory(institution=InstitutionFactory(name="C"), active=False)
    CourseFactory(institution=InstitutionFactory(name="D", active=False))

    def names(person: str) -> list[str]:
        response = login(people[person]).get(reverse("training:courses"))
        return [row.item.institution.name for row in response.context["rows"]]

    assert names("unit officer") == ["A"]
    assert names("PA04") == ["A"]
    assert names("PA03") == ["A", "B", "C", "D"]


def test_the_courses_page_sets_soldiers_wishing_each_trade_against_its_seats(
    login, tree, users
) -> None:
    officer = users[Role.UNIT_OFFICER]
    CourseFactory(occupation=occupation("HAN"), seats=1)
    CourseFactory(seats=30)
    CourseFactory(occupation=occupation("HAN"), seats=50, list_year=2025)

    in_2026 = {"unit": tree.pk02, "enlistment_date": dt.date(2024, 11, 1)}

    def wishing(code: str, name: str, enlisted: dt.date = in_2026["enlistment_date"]) -> None:
        services.career_wish_record(
            user=officer,
            soldier=SoldierFactory(unit=tree.pk02, full_name=name, enlistment_date=enlisted),
            surveyed_on=dt.date(2026, 6, 1),
            wants_training="yes",
            occupation=occupation(code),
        )

    for name in ("Lê Văn An", "Trần Văn Bình", "Ngô Văn Cường"):
        wishing("HAN", name)
    wishing("DCN", "Đỗ Văn Dũng")
    wishing("MAY", "Vũ Văn Em")
    # Discharged in 2027: he trains on next year's list.
    wishing("HAN", "Hồ Văn Khang", enlisted=dt.date(2025, 2, 15))
    archived = SoldierFactory(**in_2026, full_name="Phan Văn Giang")
    services.career_wish_record(
        user=officer,
        soldier=archived,
        surveyed_on=dt.date(2026, 6, 1),
        wants_training="yes",
        occupation=occupation("HAN"),
    )
    soldier_services.soldier_archive(user=officer, soldier=archived, reason="Chuyển tỉnh khác")

    response = login(users[Role.LEADER]).get(reverse("training:courses"))

    assert [
        (row.occupation, row.wishing, row.seats, row.shortfall)
        for row in response.context["wishes"]
    ] == [
        ("Hàn", 3, 1, 2),
        ("May công nghiệp", 1, 0, 1),
        ("Điện công nghiệp", 1, 30, 0),
    ]


def test_the_pa03_list_downloads_as_a_spreadsheet(login, users) -> None:
    police = InstitutionFactory(
        name="Trường Cao đẳng Cảnh sát nhân dân", affiliation="police", address="Số 2 Tràng An"
    )
    welding = CourseFactory(
        institution=police,
        occupation=occupation("HAN"),
        level="intermediate",
        duration_months=Decimal("1.5"),
        tuition_vnd=4_500_000,
        support_vnd=4_000_000,
        seats=4,
    )
    CourseFactory(
        institution=InstitutionFactory(name="Trường Trung cấp Hoa Lư"),
        occupation=occupation("THV"),
        seats=20,
    )
    CourseFactory(institution=police, list_year=2025)
    CourseFactory(institution=InstitutionFactory(name="Chưa duyệt"), approved=False)
    with_every_status(users[Role.UNIT_OFFICER], welding)

    response = login(users[Role.LEADER]).get(reverse("training:courses_export"), {"year": 2026})

    assert response["Content-Disposition"] == (
        'attachment; filename="danh-sach-co-so-dao-tao-2026.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Cơ sở đào tạo 2026"
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        [
            "STT",
            "Cơ sở đào tạo",
            "Trực thuộc",
            "Địa chỉ",
            "Nghề",
            "Trình độ",
            "Thời gian (tháng)",
            "Học phí (đồng)",
            "Mức hỗ trợ (đồng)",
            "Chỉ tiêu",
            "Đã đăng ký",
            "Còn lại",
        ],
        [
            1,
            "Trường Cao đẳng Cảnh sát nhân dân",
            "Trong Công an",
            "Số 2 Tràng An, Tỉnh Ninh Bình",
            "Hàn",
            "Trung cấp",
            1.5,
            4_500_000,
            4_000_000,
            4,
            3,
            1,
        ],
        [
            2,
            "Trường Trung cấp Hoa Lư",
            "Ngoài lực lượng vũ trang",
            "Tỉnh Ninh Bình",
            "Tin học văn phòng",
            "Sơ cấp",
            3,
            6_000_000,
            6_000_000,
            20,
            0,
            20,
        ],
    ]


def test_the_spreadsheet_keeps_a_name_that_looks_like_a_formula_as_text(login, users) -> None:
    CourseFactory(institution=InstitutionFactory(name='=HYPERLINK("http://x")'))

    response = login(users[Role.LEADER]).get(reverse("training:courses_export"))

    cell = load_workbook(io.BytesIO(response.content)).active["B2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")


# -- the services --


def test_course_save_reports_every_bad_field_at_once(pa03) -> None:
    with pytest.raises(ValidationError) as caught:
        services.course_save(
            user=pa03,
            institution=InstitutionFactory(),
            occupation=occupation("HAN"),
            level="elementary",
            duration_months=Decimal("0"),
            tuition_vnd=-1,
            support_vnd=-1,
            seats=10,
            list_year=2026,
        )

    assert caught.value.message_dict == {
        "duration_months": ["Thời gian đào tạo phải lớn hơn 0."],
        "tuition_vnd": ["Học phí không được âm."],
        "support_vnd": ["Mức hỗ trợ không được âm."],
    }
    assert Course.objects.count() == 0


@pytest.mark.parametrize("person", sorted(set(PEOPLE) - KEEPERS))
def test_only_the_keepers_may_save_to_the_list(people, person) -> None:
    with pytest.raises(PermissionDenied) as caught:
        services.institution_save(user=people[person], name="Trường X", province_code=37)

    assert str(caught.value) == "Tài khoản của đồng chí không được sửa danh sách này."
    assert Institution.objects.count() == 0


# -- a fixed number of queries whatever the length of the list --


def _courses(count: int, *, institution: Institution | None = None) -> None:
    """`count` courses of this year's list: each at its own institution, or all at one (then by
    occupation and level, which the list allows once each)."""
    occupations = list(Occupation.objects.order_by("code"))
    levels = [level for level, _label in Course.Level.choices]
    done = Course.objects.filter(institution=institution).count() if institution else 0
    for index in range(done, done + count):
        if institution is None:
            CourseFactory(occupation=occupations[index % len(occupations)])
        else:
            CourseFactory(
                institution=institution,
                occupation=occupations[index % len(occupations)],
                level=levels[index // len(occupations)],
            )


@pytest.mark.parametrize(
    "page", ["training:institutions", "training:courses", "training:institution_detail"]
)
def test_each_list_costs_the_same_queries_for_5_and_40_rows(
    login, users, page, django_assert_max_num_queries, django_assert_num_queries
) -> None:
    one = InstitutionFactory(name="Trường Cao đẳng Cơ điện") if page.endswith("detail") else None
    url = reverse(page, args=[one.pk]) if one else reverse(page)
    _courses(5, institution=one)
    client = login(users[Role.UNIT_OFFICER])
    client.get(url)  # warm the session and the caches
    with django_assert_max_num_queries(15) as small:
        first = client.get(url)
    _courses(35, institution=one)

    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)

    rows = "courses" if one else "rows"
    assert (len(list(first.context[rows])), len(list(response.context[rows]))) == (5, 40)
