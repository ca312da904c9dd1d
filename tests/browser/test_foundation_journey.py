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
