"""PH10's funding forecast (reports/funding.py): the amounts on a hand-built cohort, its soldier
count against need_training, the command, the page by role and the workbooks read back."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import HttpResponse
from openpyxl import load_workbook

from reports.funding import Group, forecast, median
from reports.targets import figures
from soldiers import services as soldier_services
from soldiers.models import Soldier
from tests.factories import (
    CourseFactory,
    InstitutionFactory,
    SoldierFactory,
    UnitFactory,
    UserFactory,
)
from tests.reports.paths import wish
from training import services as training
from training.models import (
    BaseSalary,
    Course,
    Institution,
    InstitutionStaff,
    Occupation,
    Registration,
)
from training.selectors import NoBaseSalary
from units.models import Unit, User

Role = User.Role
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = dt.date(2026, 8, 1)
# Enlisted 01/09/2023: discharged 01/09/2025, cohort 2025 (the card's last cohort); training from
# 02/09/2025, when the base salary is 2,340,000 (cap 28,080,000).
ENLISTED_2025 = dt.date(2023, 9, 1)
# Enlisted 01/03/2025: discharged 01/03/2027, cohort 2027 (applications at the commune); base
# salary 2,530,000 from 01/07/2026 (cap 30,360,000).
ENLISTED_2027 = dt.date(2025, 3, 1)
OLD_CAP, NEW_CAP = 12 * 2_340_000, 12 * 2_530_000
PAGE = "/reports/funding/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON_KEYS = [
    "year",
    "soldiers",
    "estimated_vnd",
    "committed_vnd",
    "settled_vnd",
    "by_regime",
    "by_institution",
    "by_occupation",
]
CARD = "Thẻ học nghề (Nghị định 61/2015)"
COMMUNE = "Hồ sơ đề nghị tại UBND xã (Nghị định 338/2025)"


@pytest.fixture(autouse=True)
def frozen_today() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 8, 1, 9, tzinfo=HANOI), tick=False):
        yield


@pytest.fixture
def hq(users) -> User:
    return users[Role.HQ_STAFF]


def occupation(code: str) -> Occupation:
    return Occupation.objects.get(code=code)


def soldier(unit: Unit, name: str, enlisted: dt.date = ENLISTED_2025) -> Soldier:
    return SoldierFactory(unit=unit, full_name=name, enlistment_date=enlisted)


def wishing(
    user: User, unit: Unit, name: str, code: str = "DCN", enlisted: dt.date = ENLISTED_2025
) -> Soldier:
    s = soldier(unit, name, enlisted)
    wish(user, s, occupation=code, day=enlisted + dt.timedelta(days=450))  # month 15
    return s


def register(
    user: User, s: Soldier, course: Course, on: dt.date = dt.date(2026, 6, 20)
) -> Registration:
    return training.registration_create(user=user, soldier=s, course=course, on=on)


@pytest.fixture
def cohort(tree, hq) -> dict[str, object]:
    """The 2025 cohort, both regimes and both base salaries:
    - An (PK02): course of Trường A at 6,000,000; card settled at 5,000,000.
    - Bình (PK02): course of Trường B at 35,000,000, enrolled 15/07/2026, so capped at the new
      base salary (30,360,000); an application at the commune decided at 30,000,000.
    - Cường (PK02-D1-T1): his registration withdrawn; median of the DCN courses listed for 2025
      (4,000,000 and 5,000,000 → 4,500,000); an unused card past its validity.
    - Dũng (PC07): wishes Hàn, listed nowhere: the cap (28,080,000); a card still valid.
    - Em (PC07): wishes May công nghiệp, listed only for 2026: that list's median (8,000,000).
    Out of it: a soldier who wants no training, one never surveyed, an archived one, one of 2027.
    """
    school_a = InstitutionFactory(name="Trường A")
    school_b = InstitutionFactory(name="Trường B")
    course_a = CourseFactory(institution=school_a, tuition_vnd=6_000_000)
    course_b = CourseFactory(institution=school_b, level="intermediate", tuition_vnd=35_000_000)
    for tuition in (4_000_000, 5_000_000):
        CourseFactory(list_year=2025, tuition_vnd=tuition)
    CourseFactory(list_year=2025, tuition_vnd=1_000, approved=False)  # not on PA03's list
    CourseFactory(list_year=2026, occupation=occupation("MAY"), tuition_vnd=8_000_000)

    an = wishing(hq, tree.pk02, "Trần Văn An")
    register(hq, an, course_a)
    card = training.support_issue_card(
        user=hq, soldier=an, card_number="THN-01", issued_on=dt.date(2025, 9, 5)
    )
    training.support_settle_card(
        user=hq, support=card, on=dt.date(2026, 7, 1), amount_vnd=5_000_000
    )

    binh = wishing(hq, tree.pk02, "Lê Văn Bình")
    registration = register(hq, binh, course_b)
    training.registrations_send(user=hq, registrations=[registration], on=dt.date(2026, 7, 1))
    training.registration_enrol(user=hq, registration=registration, on=dt.date(2026, 7, 15))
    application = training.support_apply_at_commune(
        user=hq, soldier=binh, applied_on=dt.date(2026, 7, 20), registration=registration
    )
    training.support_decide_application(
        user=hq, support=application, decided_on=dt.date(2026, 7, 25), amount_vnd=30_000_000
    )

    cuong = wishing(hq, tree.pk02_d1_t1, "Đỗ Văn Cường")
    withdrawn = register(hq, cuong, course_a, on=dt.date(2026, 5, 1))
    training.registration_withdraw(
        user=hq, registration=withdrawn, on=dt.date(2026, 5, 10), reason="Đi làm ngay"
    )
    training.support_issue_card(
        user=hq, soldier=cuong, card_number="THN-02", issued_on=dt.date(2025, 7, 1)
    )

    dung = wishing(hq, tree.pc07, "Vũ Văn Dũng", code="HAN")
    training.support_issue_card(
        user=hq, soldier=dung, card_number="THN-03", issued_on=dt.date(2025, 9, 5)
    )
    em = wishing(hq, tree.pc07, "Hoàng Văn Em", code="MAY")

    wish(hq, soldier(tree.pk02, "Ngô Văn Giang"), wants="no")
    soldier(tree.pk02, "Lý Văn Hà")
    archived = wishing(hq, tree.pk02, "Bùi Văn Long")
    soldier_services.soldier_archive(user=hq, soldier=archived, reason="Chuyển ngành")
    wishing(hq, tree.pk02, "Mai Văn Khoa", enlisted=ENLISTED_2027)
    return {"An": an, "Bình": binh, "Cường": cuong, "Dũng": dung, "Em": em, "A": school_a}


def test_each_soldier_costs_his_course_else_the_median_else_the_cap_within_the_cap(
    cohort,
) -> None:
    result = forecast(year=2025, as_of=TODAY)

    assert [
        (
            row.full_name,
            row.basis,
            row.training_on,
            row.cap_vnd,
            row.estimated_vnd,
            row.regime,
            row.committed_vnd,
            row.settled_vnd,
        )
        for row in result.rows
    ] == [
        (
            "Trần Văn An",
            "course",
            dt.date(2025, 9, 2),
            OLD_CAP,
            6_000_000,
            "card",
            5_000_000,
            5_000_000,
        ),
        (
            "Lê Văn Bình",
            "course",
            dt.date(2026, 7, 15),
            NEW_CAP,
            NEW_CAP,
            "commune_application",
            30_000_000,
            0,
        ),
        ("Đỗ Văn Cường", "median", dt.date(2025, 9, 2), OLD_CAP, 4_500_000, "card", 0, 0),
        ("Vũ Văn Dũng", "cap", dt.date(2025, 9, 2), OLD_CAP, OLD_CAP, "card", OLD_CAP, 0),
        ("Hoàng Văn Em", "median", dt.date(2025, 9, 2), OLD_CAP, 8_000_000, "card", 0, 0),
    ]
    assert (result.estimated_vnd, result.committed_vnd, result.settled_vnd) == (
        6_000_000 + NEW_CAP + 4_500_000 + OLD_CAP + 8_000_000,
        5_000_000 + 30_000_000 + OLD_CAP,
        5_000_000,
    )


def test_the_soldiers_are_exactly_those_needing_training(cohort) -> None:
    result = forecast(year=2025, as_of=TODAY)

    assert result.soldiers == figures(year=2025, as_of=TODAY).need_training == 5
    # The wishes were recorded on 24/11/2024.
    assert forecast(year=2025, as_of=dt.date(2024, 11, 23)).soldiers == 0


def test_the_totals_are_split_by_regime_institution_occupation_and_unit(tree, cohort) -> None:
    result = forecast(year=2025, as_of=TODAY)

    def table(groups: list[Group]) -> list[tuple[object, ...]]:
        return [
            (g.label.code, g.label.name, g.soldiers, g.vnd, g.committed_vnd, g.settled_vnd)
            for g in groups
        ]

    rest = 4_500_000 + OLD_CAP + 8_000_000
    assert table(result.by_regime) == [
        ("card", CARD, 4, 6_000_000 + rest, 5_000_000 + OLD_CAP, 5_000_000),
        ("commune_application", COMMUNE, 1, NEW_CAP, 30_000_000, 0),
    ]
    assert table(result.by_institution) == [
        ("", "Trường B", 1, NEW_CAP, 30_000_000, 0),
        ("", "Trường A", 1, 6_000_000, 5_000_000, 5_000_000),
        ("", "Chưa xác định", 3, rest, OLD_CAP, 0),
    ]
    assert table(result.by_occupation) == [
        ("DCN", "Điện công nghiệp", 3, 6_000_000 + NEW_CAP + 4_500_000, 35_000_000, 5_000_000),
        ("HAN", "Hàn", 1, OLD_CAP, OLD_CAP, 0),
        ("MAY", "May công nghiệp", 1, 8_000_000, 0, 0),
    ]
    assert table(result.by_unit) == [
        ("PC07", tree.pc07.name, 2, OLD_CAP + 8_000_000, OLD_CAP, 0),
        ("PK02", tree.pk02.name, 3, 6_000_000 + NEW_CAP + 4_500_000, 35_000_000, 5_000_000),
    ]


def test_what_happens_after_the_day_asked_is_not_counted(cohort) -> None:
    # On 30/06/2026 Bình was registered but not enrolled and had not applied at the commune; An's
    # card was not settled yet; Cường's card was still valid.
    result = forecast(year=2025, as_of=dt.date(2026, 6, 30))

    binh = next(row for row in result.rows if row.full_name == "Lê Văn Bình")
    assert (binh.training_on, binh.estimated_vnd, binh.regime, binh.committed_vnd) == (
        dt.date(2025, 9, 2),
        OLD_CAP,
        "card",
        0,
    )
    assert (result.committed_vnd, result.settled_vnd) == (3 * OLD_CAP, 0)


def test_the_median_of_an_even_count_rounds_half_up_to_the_whole_dong() -> None:
    assert (median([5, 1, 3]), median([4_000_000, 5_000_001]), median([7])) == (3, 4_500_001, 7)


def test_a_training_day_no_base_salary_covers_is_an_error_naming_it(cohort) -> None:
    BaseSalary.objects.filter(valid_from=dt.date(2024, 7, 1)).delete()

    with pytest.raises(NoBaseSalary) as caught:
        forecast(year=2025, as_of=TODAY)

    assert str(caught.value) == "Chưa có mức lương cơ sở áp dụng cho ngày 02/09/2025."


def test_the_command_prints_one_json_object_with_the_agreed_keys(tree, hq) -> None:
    wishing(hq, tree.pk02, "Phan Văn Quang", enlisted=ENLISTED_2027)
    wishing(hq, tree.pk02, "Đặng Văn Sơn", code="MAY", enlisted=ENLISTED_2027)
    CourseFactory(list_year=2026, occupation=occupation("MAY"), tuition_vnd=9_000_000)
    out = StringIO()

    call_command(
        "funding_forecast", "--year", "2027", "--as-of", "2026-08-01", "--json", stdout=out
    )

    data = json.loads(out.getvalue())
    assert list(data) == JSON_KEYS
    assert data == {
        "year": 2027,
        "soldiers": figures(year=2027, as_of=TODAY).need_training,
        "estimated_vnd": NEW_CAP + 9_000_000,
        "committed_vnd": 0,
        "settled_vnd": 0,
        "by_regime": [
            {"code": "card", "name": CARD, "soldiers": 0, "vnd": 0},
            {
                "code": "commune_application",
                "name": COMMUNE,
                "soldiers": 2,
                "vnd": NEW_CAP + 9_000_000,
            },
        ],
        "by_institution": [{"name": "Chưa xác định", "soldiers": 2, "vnd": NEW_CAP + 9_000_000}],
        "by_occupation": [
            {"code": "DCN", "name": "Điện công nghiệp", "soldiers": 1, "vnd": NEW_CAP},
            {"code": "MAY", "name": "May công nghiệp", "soldiers": 1, "vnd": 9_000_000},
        ],
    }
    assert data["soldiers"] == 2


def test_the_command_prints_the_totals_in_vietnamese_without_json(cohort) -> None:
    out = StringIO()

    call_command("funding_forecast", "--year", "2025", "--as-of", "2026-08-01", stdout=out)

    assert out.getvalue().splitlines() == [
        "Dự toán kinh phí năm 2025, tính đến 01/08/2026: 5 chiến sĩ cần học nghề",
        "  Dự toán                76.940.000 đ",
        "  Đã cam kết             63.080.000 đ",
        "  Đã quyết toán           5.000.000 đ",
        f"  {CARD}: 4 chiến sĩ, 46.580.000 đ",
        f"  {COMMUNE}: 1 chiến sĩ, 30.360.000 đ",
    ]


def test_the_command_names_the_day_without_base_salary(cohort) -> None:
    BaseSalary.objects.filter(valid_from=dt.date(2024, 7, 1)).delete()

    with pytest.raises(CommandError) as caught:
        call_command("funding_forecast", "--year", "2025", "--as-of", "2026-08-01", "--json")

    assert str(caught.value) == "Chưa có mức lương cơ sở áp dụng cho ngày 02/09/2025."


# -- the page and the workbooks --


def partner(role: str) -> User:
    user = UserFactory(role=role, unit=None)
    if role == Role.INSTITUTION_STAFF:
        InstitutionStaff.objects.create(user=user, institution=InstitutionFactory())
    return user


@pytest.fixture
def people(users, tree, make_user) -> dict[str, User]:
    return users | {
        "ph10": make_user(
            Role.HQ_STAFF, UnitFactory(code="PH10", kind=Unit.Kind.HQ_DEPARTMENT, parent=tree.root)
        ),
        "superuser": User.objects.create_superuser("quantri", "q@congan.local", "Mat-khau-2026!"),
        Role.INSTITUTION_STAFF: partner(Role.INSTITUTION_STAFF),
        Role.EMPLOYER_STAFF: partner(Role.EMPLOYER_STAFF),
    }


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("ph10", 200),
        (Role.HQ_STAFF, 200),
        (Role.LEADER, 200),
        ("superuser", 200),
        (Role.UNIT_OFFICER, 403),
        (Role.COMMUNE_OFFICER, 403),
        (Role.INSTITUTION_STAFF, 403),
        (Role.EMPLOYER_STAFF, 403),
    ],
)
@pytest.mark.parametrize("url", [PAGE, f"{PAGE}estimate.xlsx", f"{PAGE}{{pk}}.xlsx"])
def test_only_those_who_read_the_province_reach_the_forecast(
    client, people, role, status, url
) -> None:
    school = InstitutionFactory()
    client.force_login(people[role])

    response = client.get(url.format(pk=school.pk), {"year": 2025})

    assert response.status_code == status


@pytest.mark.parametrize("url", [PAGE, f"{PAGE}estimate.xlsx", f"{PAGE}1.xlsx"])
def test_anonymous_is_sent_to_sign_in(client, db, url) -> None:
    response = client.get(url)

    assert (response.status_code, response.url) == (302, f"/accounts/login/?next={url}")


def test_an_unknown_institution_is_not_found(client, hq) -> None:
    client.force_login(hq)

    assert client.get(f"{PAGE}999.xlsx", {"year": 2025}).status_code == 404


def test_the_page_shows_the_totals_and_each_table(client, hq, cohort) -> None:
    client.force_login(hq)

    response = client.get(PAGE, {"year": 2025, "as_of": "2026-08-01"})

    content = response.content.decode()
    assert response.context["forecast"].soldiers == 5
    assert '<div class="fs-3 num text-start" data-testid="total-estimated">76.940.000 đ</div>' in (
        content
    )
    assert '<div class="fs-3 num text-start" data-testid="total-committed">63.080.000 đ</div>' in (
        content
    )
    for key, count in (("regime", 2), ("institution", 3), ("occupation", 3), ("unit", 2)):
        assert content.count(f'data-testid="{key}-row"') == count
    school = cohort["A"]
    assert f'href="/reports/funding/{school.pk}.xlsx?year=2025&amp;as_of=2026-08-01"' in content


def test_the_page_defaults_to_next_years_cohort(client, hq) -> None:
    client.force_login(hq)

    response = client.get(PAGE)

    assert (response.context["year"], response.context["as_of"]) == (2027, TODAY)


def test_the_page_names_the_day_without_base_salary(client, hq, cohort) -> None:
    BaseSalary.objects.filter(valid_from=dt.date(2024, 7, 1)).delete()
    client.force_login(hq)

    content = client.get(PAGE, {"year": 2025}).content.decode()
    download = client.get(f"{PAGE}estimate.xlsx", {"year": 2025, "as_of": "2026-08-01"})

    assert (
        '<div class="alert alert-danger" role="alert" data-testid="error">'
        "Chưa có mức lương cơ sở áp dụng cho ngày 02/09/2025.</div>"
    ) in content
    assert (download.status_code, download.url) == (
        302,
        "/reports/funding/?year=2025&as_of=2026-08-01",
    )


def rows(response: HttpResponse) -> list[list[object]]:
    assert response["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Dự toán kinh phí"]
    sheet = book["Dự toán kinh phí"]
    # Seven lines of totals and an empty one above the header, which stays in view; amounts
    # and the day keep their formats.
    assert sheet.freeze_panes == "A10"
    assert [sheet["B2"].number_format, sheet["B5"].number_format, sheet["H10"].number_format] == [
        "DD/MM/YYYY",
        "#,##0",
        "#,##0",
    ]
    return [trimmed(list(row)) for row in sheet.iter_rows(values_only=True)]


def trimmed(line: list[object]) -> list[object]:
    """openpyxl pads every line to the widest; the block above the table is narrower."""
    while line and line[-1] is None:
        line = line[:-1]
    return line


HEADER = [
    "Họ và tên",
    "Số CCCD",
    "Đơn vị",
    "Nghề",
    "Cơ sở đào tạo",
    "Khóa đào tạo",
    "Cách tính",
    "Dự toán (đồng)",
    "Chế độ hỗ trợ",
]


def test_the_province_workbook_lists_every_soldier_under_its_totals(client, hq, cohort) -> None:
    client.force_login(hq)

    response = client.get(f"{PAGE}estimate.xlsx", {"year": 2025, "as_of": "2026-08-01"})

    assert response["Content-Disposition"] == 'attachment; filename="du-toan-kinh-phi-2025.xlsx"'
    an = cohort["An"]
    assert (
        rows(response)
        == [
            ["Dự toán kinh phí hỗ trợ đào tạo nghề cho chiến sĩ xuất ngũ năm 2025"],
            ["Tính đến ngày", dt.datetime(2026, 8, 1)],  # noqa: DTZ001 - Excel has no zones
            ["Phạm vi", "Toàn tỉnh"],
            ["Số chiến sĩ cần học nghề", 5],
            ["Dự toán (đồng)", 76_940_000],
            ["Đã cam kết (đồng)", 63_080_000],
            ["Đã quyết toán (đồng)", 5_000_000],
            [],
            HEADER,
            [
                "Trần Văn An",
                f"********{an.citizen_id[-4:]}",
                "PK02",
                "Điện công nghiệp",
                "Trường A",
                "Sơ cấp, danh mục năm 2026",
                "Học phí khóa học đã đăng ký",
                6_000_000,
                CARD,
            ],
            [
                "Lê Văn Bình",
                f"********{cohort['Bình'].citizen_id[-4:]}",
                "PK02",
                "Điện công nghiệp",
                "Trường B",
                "Trung cấp, danh mục năm 2026",
                "Học phí khóa học đã đăng ký",
                NEW_CAP,
                COMMUNE,
            ],
            [
                "Đỗ Văn Cường",
                f"********{cohort['Cường'].citizen_id[-4:]}",
                "PK02-D1-T1",
                "Điện công nghiệp",
                "Chưa xác định",
                None,
                "Học phí trung vị các khóa học của nghề",
                4_500_000,
                CARD,
            ],
            [
                "Vũ Văn Dũng",
                f"********{cohort['Dũng'].citizen_id[-4:]}",
                "PC07",
                "Hàn",
                "Chưa xác định",
                None,
                "Mức trần hỗ trợ (nghề chưa có khóa học trong danh mục)",
                OLD_CAP,
                CARD,
            ],
            [
                "Hoàng Văn Em",
                f"********{cohort['Em'].citizen_id[-4:]}",
                "PC07",
                "May công nghiệp",
                "Chưa xác định",
                None,
                "Học phí trung vị các khóa học của nghề",
                8_000_000,
                CARD,
            ],
        ]
    )


def test_an_institution_workbook_holds_only_its_soldiers(client, hq, cohort) -> None:
    school: Institution = cohort["A"]
    client.force_login(hq)

    response = client.get(f"{PAGE}{school.pk}.xlsx", {"year": 2025, "as_of": "2026-08-01"})

    assert response["Content-Disposition"] == (
        f'attachment; filename="du-toan-kinh-phi-2025-{school.pk}.xlsx"'
    )
    lines = rows(response)
    assert lines[2:7] == [
        ["Phạm vi", "Trường A"],
        ["Số chiến sĩ cần học nghề", 1],
        ["Dự toán (đồng)", 6_000_000],
        ["Đã cam kết (đồng)", 5_000_000],
        ["Đã quyết toán (đồng)", 5_000_000],
    ]
    assert [line[0] for line in lines[9:]] == ["Trần Văn An"]


# -- cost --


def many(hq, tree, count: int) -> None:
    """`count` soldiers of 2025 needing training, every other one registered for a course."""
    courses = [CourseFactory(tuition_vnd=5_000_000 + n) for n in range(2)]
    for n in range(count):
        s = wishing(hq, tree.pk02_d1 if n % 3 else tree.pc07, f"Nguyễn Văn Số {n}")
        if n % 2:
            register(hq, s, courses[n % 2 - 1])


@pytest.mark.parametrize("count", [5, 40])
def test_the_forecast_costs_the_same_queries_for_5_or_40_soldiers(
    tree, hq, count, django_assert_num_queries
) -> None:
    many(hq, tree, count)

    with django_assert_num_queries(8):
        result = forecast(year=2025, as_of=TODAY)

    assert result.soldiers == count


@pytest.mark.parametrize("count", [5, 40])
def test_the_page_and_the_workbook_cost_the_same_queries_for_5_or_40_soldiers(
    client, tree, hq, count, django_assert_num_queries
) -> None:
    many(hq, tree, count)
    client.force_login(hq)

    # Each counts the request's own (session, account, its second factor's device) too.
    with django_assert_num_queries(13):
        client.get(PAGE, {"year": 2025})
    with django_assert_num_queries(13):  # and the download's entry in the audit log
        client.get(f"{PAGE}estimate.xlsx", {"year": 2025})
