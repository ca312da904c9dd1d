"""The public board (/board/): open without an account, no personal data, this year's listed
courses and openings, the coming fairs, the support policy, filters, a cache and a fixed number
of queries."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from employers import services as job_services
from tests.factories import (
    CourseFactory,
    EmployerFactory,
    InstitutionFactory,
    JobOpeningFactory,
    SoldierFactory,
)
from training.models import Occupation
from units.models import User

Role = User.Role
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
BOARD = "/board/"
# Hà Nội's code in the 2025 list; the factories' default province is Ninh Bình (37).
HA_NOI = 1


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 8, 1, 9, tzinfo=HANOI), tick=False):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """The board caches its reads: each test starts from nothing cached."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin(db) -> User:
    return User.objects.create_superuser("quantri", "quantri@congan.local", "Mat-khau-2026!")


def occupation(code: str) -> Occupation:
    return Occupation.objects.get(code=code)


def rows(html: str, testid: str) -> list[str]:
    """The first cell of each row with this data-testid, tags stripped."""
    found = re.findall(rf'<tr data-testid="{testid}">\s*<td>(.*?)</td>', html, re.S)
    return [cell.split("<")[0].strip() for cell in found]


@pytest.fixture
def catalogue(tree, admin) -> None:
    """This year's list (two trades, one in Hà Nội), plus what the board must leave out: last
    year's course, an unapproved one, a closed and an unapproved opening, a past fair."""
    CourseFactory(institution=InstitutionFactory(name="Trường nghề Hoa Lư"), tuition_vnd=12_000_000)
    CourseFactory(
        institution=InstitutionFactory(name="Trường nghề Thủ Đô", province_code=HA_NOI),
        occupation=occupation("OTO"),
        tuition_vnd=40_000_000,
    )
    CourseFactory(institution=InstitutionFactory(name="Trường nghề năm ngoái"), list_year=2025)
    CourseFactory(institution=InstitutionFactory(name="Trường nghề chờ duyệt"), approved=False)
    JobOpeningFactory(title="Thợ điện", employer=EmployerFactory(name="Công ty Điện Hoa Lư"))
    JobOpeningFactory(
        title="Thợ sửa ô tô",
        occupation=occupation("OTO"),
        province_code=HA_NOI,
        open_until=dt.date(2027, 3, 31),
    )
    JobOpeningFactory(title="Tuyển đã đóng", open_until=dt.date(2026, 7, 31))
    JobOpeningFactory(title="Tuyển chờ duyệt", approved=False)
    for day, name in [
        (dt.date(2026, 7, 31), "Phiên đã qua"),
        (dt.date(2026, 9, 20), "Ngày hội việc làm tháng 9"),
        (dt.date(2026, 8, 1), "Phiên hôm nay"),
    ]:
        job_services.job_fair_save(
            user=admin,
            kind="job_fair",
            name=name,
            date=day,
            place="Nhà văn hóa tỉnh",
            organiser=tree.root,
        )


def test_board_opens_without_signing_in(client, catalogue) -> None:
    response = client.get(BOARD)

    assert response.status_code == 200
    assert response.templates[0].name == "reports/board.html"


def test_board_lists_this_years_approved_courses_listed_openings_and_coming_fairs(
    client, catalogue
) -> None:
    html = client.get(BOARD).content.decode()

    # By occupation, then institution; openings by closing date.
    assert rows(html, "course-row") == ["Công nghệ ô tô", "Điện công nghiệp"]
    assert rows(html, "opening-row") == ["Thợ sửa ô tô", "Thợ điện"]
    assert rows(html, "fair-row") == ["01/08/2026", "20/09/2026"]
    assert "Trường nghề năm ngoái" not in html
    assert "Trường nghề chờ duyệt" not in html
    assert "Tuyển đã đóng" not in html
    assert "Tuyển chờ duyệt" not in html
    assert "Phiên đã qua" not in html


def test_board_states_both_regimes_with_todays_cap_in_dong(client, db) -> None:
    html = client.get(BOARD).content.decode()

    assert (
        "Mức hỗ trợ tối đa là 30.360.000 đ, bằng 12 lần mức lương cơ sở 2.530.000 đ áp dụng "
        "tại ngày 01/08/2026." in html
    )
    assert "Xuất ngũ từ năm 2025 trở về trước: Thẻ học nghề" in html
    assert "phải sử dụng trong vòng 12 tháng kể từ ngày xuất ngũ" in html
    assert "Xuất ngũ sau đó: nộp hồ sơ tại xã, phường (từ ngày 01/01/2026)" in html
    assert "trong vòng 60 tháng kể từ ngày xuất ngũ" in html


def test_board_cap_follows_the_base_salary_of_the_day(client, db) -> None:
    with time_machine.travel(dt.datetime(2026, 6, 30, 9, tzinfo=HANOI), tick=False):
        html = client.get(BOARD).content.decode()

    assert "Mức hỗ trợ tối đa là 28.080.000 đ" in html


def test_course_support_is_its_tuition_up_to_the_cap(client, catalogue) -> None:
    html = client.get(BOARD).content.decode()

    # Ô tô in Hà Nội costs 40.000.000 đ, above the cap; the electrics course 12.000.000 đ.
    assert re.findall(r'data-testid="course-support">([^<]+)<', html) == [
        "30.360.000 đ",
        "12.000.000 đ",
    ]


def test_board_filters_by_occupation(client, catalogue) -> None:
    html = client.get(BOARD, {"occupation": occupation("OTO").pk}).content.decode()

    assert rows(html, "course-row") == ["Công nghệ ô tô"]
    assert rows(html, "opening-row") == ["Thợ sửa ô tô"]


def test_board_filters_by_province(client, catalogue) -> None:
    html = client.get(BOARD, {"province": 37}).content.decode()

    assert rows(html, "course-row") == ["Điện công nghiệp"]
    assert rows(html, "opening-row") == ["Thợ điện"]


def test_a_wrong_filter_is_ignored(client, catalogue) -> None:
    html = client.get(BOARD, {"occupation": "abc", "province": 999}).content.decode()

    assert rows(html, "course-row") == ["Công nghệ ô tô", "Điện công nghiệp"]


def test_board_shows_no_soldiers_personal_data(client, tree, catalogue) -> None:
    soldier = SoldierFactory(
        unit=tree.pk02,
        full_name="Quách Văn Riêng",
        phone="0987654321",
        date_of_birth=dt.date(2004, 11, 23),
    )

    html = client.get(BOARD).content.decode()

    for value in (
        soldier.full_name,
        soldier.citizen_id,
        soldier.citizen_id[-4:] + "<",
        soldier.phone,
        "23/11/2004",
        "2004-11-23",
    ):
        assert value not in html


def test_board_is_served_from_the_cache_for_ten_minutes(client, catalogue) -> None:
    client.get(BOARD)
    CourseFactory(institution=InstitutionFactory(name="Trường nghề mới thêm"))

    with CaptureQueriesContext(connection) as cached:
        html = client.get(BOARD).content.decode()

    assert len(cached.captured_queries) == 0
    assert "Trường nghề mới thêm" not in html
    with time_machine.travel(dt.datetime(2026, 8, 1, 9, 11, tzinfo=HANOI), tick=False):
        assert "Trường nghề mới thêm" in client.get(BOARD).content.decode()


def _many(n: int) -> None:
    for i in range(n):
        CourseFactory(
            institution=InstitutionFactory(name=f"Trường số {i}"),
            occupation=occupation("DCN" if i % 2 else "OTO"),
        )
        JobOpeningFactory(title=f"Việc số {i}")


@pytest.mark.parametrize("count", [5, 50])
def test_board_issues_a_fixed_number_of_queries(
    client, tree, admin, django_assert_num_queries, count
) -> None:
    _many(count)

    # Occupations for the filter, courses, openings, fairs, the base salary of the day.
    with django_assert_num_queries(5):
        response = client.get(BOARD)

    assert len(rows(response.content.decode(), "course-row")) == count


def test_signed_in_staff_see_the_board_too(client, catalogue, users) -> None:
    client.force_login(users[Role.COMMUNE_OFFICER])

    assert client.get(BOARD).status_code == 200


def test_login_page_links_to_the_board(client, db) -> None:
    html = client.get("/accounts/login/").content.decode()

    assert '<p class="text-center small" data-testid="board-link"><a href="/board/">' in html
