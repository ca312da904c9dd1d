"""PX01 signs in for the first time in a real browser (issue 9, "done when"): before any page he
sets up two-factor sign-in: the QR code drawn by the server, the key as text (typed into the
"app" here), the first code, the ten recovery codes shown once, then the dashboard."""

from __future__ import annotations

import base64

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import Journey
from tests.conftest import Tree
from tests.factories import TEST_PASSWORD, UnitFactory
from units.models import Unit, User

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("journey_day"),
    pytest.mark.services,
]


def test_px01_sets_up_two_factor_sign_in_before_reaching_the_dashboard(
    journey: Journey, tree: Tree, make_user
) -> None:
    px01 = make_user(
        User.Role.HQ_STAFF, UnitFactory(code="PX01", parent=tree.root, kind=Unit.Kind.HQ_DEPARTMENT)
    )
    page = journey.page
    page.goto(journey.url("/reports/dashboard/"))
    page.get_by_label("Tên đăng nhập").fill(px01.username)
    page.get_by_label("Mật khẩu").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    page.wait_for_url("**/units/two-factor/setup/**")
    assert page.locator("h1").inner_text() == "Thiết lập xác thực hai lớp"
    assert page.get_by_test_id("qr-code").locator("svg").count() == 1
    journey.screenshot("journey-two-factor-setup")
    # The "app": the key as typed from the page.
    key = base64.b32decode(page.get_by_test_id("secret").inner_text().replace(" ", ""))
    code = f"{totp(key):06d}"
    page.get_by_label("Mã trên ứng dụng").fill(code)
    page.get_by_role("button", name="Bật xác thực hai lớp").click()

    codes = page.get_by_test_id("recovery-codes").locator("li").all_inner_texts()
    assert len(set(codes)) == 10
    journey.screenshot("journey-two-factor-codes")
    page.get_by_test_id("continue").click()
    page.wait_for_url("**/reports/dashboard/")
    assert page.locator("h1").first.inner_text() == "Toàn tỉnh, chiến sĩ xuất ngũ năm 2026"
    assert TOTPDevice.objects.get(user=px01).confirmed
    journey.assert_clean()
