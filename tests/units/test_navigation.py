from __future__ import annotations

import pytest
from django.urls import reverse

from config.navigation import menu_for
from units.models import User
from units.services import account_create

WORK = ["Chiến sĩ", "Việc cần làm", "Học nghề", "Việc làm", "Ngày hội việc làm", "Báo cáo"]
EXPECTED_MENUS = {
    User.Role.UNIT_OFFICER: ["Trang chủ", "Tổng quan", *WORK, "Đơn vị"],
    User.Role.COMMUNE_OFFICER: [
        "Trang chủ",
        "Chiến sĩ",
        "Học nghề",
        "Việc làm",
        "Ngày hội việc làm",
    ],
    User.Role.HQ_STAFF: ["Trang chủ", "Tổng quan", *WORK, "Kinh phí", "Đơn vị", "Nhật ký"],
    User.Role.LEADER: [
        "Trang chủ",
        "Tổng quan",
        "Chiến sĩ",
        "Học nghề",
        "Việc làm",
        "Ngày hội việc làm",
        "Báo cáo",
        "Kinh phí",
        "Đơn vị",
    ],
}
HOME_TITLES = {
    User.Role.UNIT_OFFICER: "Đơn vị của tôi",
    User.Role.COMMUNE_OFFICER: "Công an cấp xã",
    User.Role.HQ_STAFF: "Cơ quan Công an tỉnh",
    User.Role.LEADER: "Tổng quan cho Ban Giám đốc",
}


@pytest.mark.parametrize("role", list(EXPECTED_MENUS))
def test_each_role_sees_only_its_own_menu(login, users, role: str) -> None:
    response = login(users[role]).get(reverse("home"))

    assert [item["label"] for item in response.context["menu"]] == EXPECTED_MENUS[role]


@pytest.mark.parametrize("role", list(HOME_TITLES))
def test_each_role_lands_on_its_own_home_page_showing_unit_and_role(
    login, users, role: str
) -> None:
    user = users[role]

    content = login(user).get(reverse("home")).content.decode()

    assert f'<h1 class="h3 mb-1" data-testid="home-title">{HOME_TITLES[role]}</h1>' in content
    assert user.unit.code in content
    assert str(user.get_role_display()) in content


def test_superuser_also_gets_the_administration_menu(client, db) -> None:
    admin = User.objects.create_superuser("quantri", "q@congan.local", "x")
    client.force_login(admin)

    response = client.get(reverse("home"))

    assert [item["label"] for item in response.context["menu"]] == [
        "Trang chủ",
        "Tổng quan",
        *WORK,
        "Kinh phí",
        "Đơn vị",
        "Nhật ký",
        "Quản trị hệ thống",
    ]


PARTNER_MENUS = {
    User.Role.INSTITUTION_STAFF: [
        "Trang chủ",
        "Danh sách học viên được gửi đến",
        "Khóa đào tạo của cơ sở",
        "Báo cáo",
    ],
    User.Role.EMPLOYER_STAFF: ["Trang chủ", "Chiến sĩ được giới thiệu", "Báo cáo"],
}


@pytest.mark.parametrize("role", list(PARTNER_MENUS))
def test_partners_see_only_their_own_pages_in_the_menu(db, role: str) -> None:
    partner = account_create(username="doitac", unit=None, role=role, email="doitac@doitac.vn")

    assert [item["label"] for item in menu_for(partner)] == PARTNER_MENUS[role]
