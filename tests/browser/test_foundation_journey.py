from __future__ import annotations

import pytest

from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD
from units.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_signs_in_and_lands_on_his_units_home_page(journey, users) -> None:
    officer = users[User.Role.UNIT_OFFICER]
    journey.page.goto(journey.url("/"))
    assert journey.page.title() == "Đăng nhập · Đào tạo nghề, việc làm CSNV"

    sign_in(journey, officer.username, TEST_PASSWORD)

    page = journey.page
    assert page.locator("[data-testid=home-title]").inner_text() == "Đơn vị của tôi"
    assert page.locator("[data-testid=menu] a").all_inner_texts()[0] == "Trang chủ"
    assert "PK02" in page.locator("nav").inner_text()
    journey.screenshot("foundation-home")
    journey.assert_clean()


def test_a_wrong_password_shows_the_vietnamese_error_in_the_browser(journey, users) -> None:
    sign_in(journey, users[User.Role.HQ_STAFF].username, "sai-mat-khau")

    alert = journey.page.locator(".alert-danger, .invalid-feedback, .alert-block").first
    assert "Vui lòng điền vào Tên đăng nhập và mật khẩu chính xác" in alert.inner_text()
    journey.assert_clean()


@pytest.mark.parametrize(
    "role",
    [User.Role.UNIT_OFFICER, User.Role.COMMUNE_OFFICER, User.Role.HQ_STAFF, User.Role.LEADER],
)
def test_the_menu_fits_a_laptop_screen_for_every_role(journey, users, role) -> None:
    # The journeys' screenshots showed the menu and the account name running off a 1280-pixel
    # screen, "Đăng xuất" out of sight: the menu now wraps onto a second line instead.
    sign_in(journey, users[role].username, TEST_PASSWORD)
    page = journey.page
    widths = {}
    for width in (1280, 1366, 1440):
        page.set_viewport_size({"width": width, "height": 800})
        widths[width] = page.evaluate("document.documentElement.scrollWidth")

    assert widths == {1280: 1280, 1366: 1366, 1440: 1440}
    journey.assert_clean()
