"""Real Chromium (Debian's package) driven by Playwright against the live test server.

Each journey records console errors and every request, so a test can prove that the page logged no
error and talked to no host but the test server (police networks are closed: no CDN, no fonts).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import require_service

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
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


def sign_in(journey: Journey, username: str, password: str) -> None:
    page = journey.page
    page.goto(journey.url("/accounts/login/"))
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("networkidle")
