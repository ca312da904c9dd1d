"""Real Chromium (Debian's package) driven by Playwright against the live test server.

Each journey records console errors and every request, so a test can prove that the page logged no
error and talked to no host but the test server (police networks are closed: no CDN, no fonts).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import require_service
from units import two_factor
from units.models import User

if TYPE_CHECKING:  # Playwright itself is imported only once a browser is there to drive
    from playwright.sync_api import Locator

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
# The day the journeys happen on. The live server runs in a thread of the test process, so it
# lives on this day too; the clock ticks on from it, as a browser session needs.
JOURNEY_DAY = dt.datetime(2026, 11, 30, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
# Playwright's sync API runs an event loop in this thread; the ORM calls made by the test itself
# (factories, assertions) are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@dataclass
class Journey:
    page: object
    base_url: str
    console_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def assert_clean(self) -> None:
        assert self.console_errors == []
        assert self.foreign_requests == []


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    require_service("Chromium", shutil.which(CHROMIUM) is not None, f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def journey(browser, live_server) -> Iterator[Journey]:
    context = browser.new_context(
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    result = Journey(page=page, base_url=live_server.url)
    host = urlparse(live_server.url).netloc

    def on_console(message) -> None:
        if message.type == "error":
            result.console_errors.append(message.text)

    def on_request(request) -> None:
        parsed = urlparse(request.url)
        if parsed.scheme in {"http", "https"} and parsed.netloc != host:
            result.foreign_requests.append(request.url)

    page.on("console", on_console)
    page.on("pageerror", lambda error: result.console_errors.append(str(error)))
    page.on("request", on_request)
    yield result
    context.close()


@pytest.fixture
def journey_day() -> Iterator[dt.date]:
    with time_machine.travel(JOURNEY_DAY, tick=True):
        yield JOURNEY_DAY.date()


def sign_in(journey: Journey, username: str, password: str) -> None:
    """Sign in as the officer does: the password, then, for an account that signs in with two
    factors (headquarters staff, leaders, superusers: units/two_factor.py), the code his app
    would show. The test gives such an account its authenticator, as if set up earlier."""
    device = _authenticator(username)
    page = journey.page
    page.goto(journey.url("/accounts/login/"))
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("networkidle")
    if device is not None and "/two-factor/verify/" in page.url:
        page.get_by_label("Mã xác thực").fill(_code_now(device))
        page.get_by_role("button", name="Tiếp tục").click()
        page.wait_for_load_state("networkidle")


def _authenticator(username: str) -> TOTPDevice | None:
    user = User.objects.filter(username=username).first()
    if user is None:
        return None
    device = two_factor.totp_device(user)
    if device is None and two_factor.required_for(user):
        device = TOTPDevice.objects.create(user=user, name="journey", confirmed=True)
    return device


def _code_now(device: TOTPDevice) -> str:
    # The live server runs in this process, on the same (travelled) clock as the test.
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def download(journey: Journey, link: Locator, folder: Path) -> Path:
    """Click a link that sends a file, as a user would, and keep the file in `folder` under the
    name the server gave it (openpyxl reads a workbook by its extension)."""
    with journey.page.expect_download() as arrival:
        link.click()
    path = folder / arrival.value.suggested_filename
    arrival.value.save_as(path)
    return path
