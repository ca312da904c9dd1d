"""Login throttling (django-axes): 5 wrong passwords lock one username from one address for 15
minutes; the rest of the unit behind the same address, and the same person elsewhere, still
sign in."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from config.client_ip import client_address
from tests.factories import TEST_PASSWORD
from units.models import User

UNIT_ADDRESS = "10.20.30.40"
HOME_ADDRESS = "10.99.0.7"
START = dt.datetime(2026, 8, 3, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
LOCKED_TEXT = (
    "Mật khẩu của tài khoản này đã bị nhập sai 5 lần liên tiếp từ máy tính này, nên việc đăng "
    "nhập tài khoản từ đây bị tạm khóa trong 15 phút."
)


def _sign_in(client: Client, username: str, password: str, address: str, **headers: str):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def _fail(client: Client, username: str, address: str, times: int, **headers: str) -> list[int]:
    return [
        _sign_in(client, username, "sai-mat-khau", address, **headers).status_code
        for _ in range(times)
    ]


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_settings_lock_after_5_failures_for_15_minutes_by_username_and_address() -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_RESET_ON_SUCCESS is True
    assert settings.AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT is False
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


@time_machine.travel(START, tick=False)
def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(users) -> None:
    officer = users[User.Role.UNIT_OFFICER]
    client = Client()

    statuses = _fail(client, officer.username, UNIT_ADDRESS, 5)
    response = _sign_in(client, officer.username, TEST_PASSWORD, UNIT_ADDRESS)

    assert statuses == [200, 200, 200, 200, 429]
    assert response.status_code == 429
    assert not _signed_in(client)
    page = response.content.decode()
    assert '<html lang="vi">' in page
    assert '<h1 class="h4 mb-3">Tạm khóa đăng nhập</h1>' in page
    assert LOCKED_TEXT in page
    assert f'href="{reverse("login")}">Quay lại trang đăng nhập</a>' in page


@time_machine.travel(START, tick=False)
def test_four_wrong_passwords_do_not_lock(users) -> None:
    officer = users[User.Role.UNIT_OFFICER]
    client = Client()

    statuses = _fail(client, officer.username, UNIT_ADDRESS, 4)
    response = _sign_in(client, officer.username, TEST_PASSWORD, UNIT_ADDRESS)

    assert statuses == [200, 200, 200, 200]
    assert response.status_code == 302
    assert _signed_in(client)


@time_machine.travel(START, tick=False)
def test_another_officer_behind_the_same_address_still_signs_in(users) -> None:
    locked = users[User.Role.UNIT_OFFICER]
    colleague = users[User.Role.HQ_STAFF]
    _fail(Client(), locked.username, UNIT_ADDRESS, 5)
    client = Client()

    response = _sign_in(client, colleague.username, TEST_PASSWORD, UNIT_ADDRESS)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert _signed_in(client)


@time_machine.travel(START, tick=False)
def test_the_same_officer_from_another_address_still_signs_in(users) -> None:
    officer = users[User.Role.UNIT_OFFICER]
    _fail(Client(), officer.username, UNIT_ADDRESS, 5)
    client = Client()

    response = _sign_in(client, officer.username, TEST_PASSWORD, HOME_ADDRESS)

    assert response.status_code == 302
    assert _signed_in(client)


def test_the_lock_ends_after_15_minutes(users) -> None:
    officer = users[User.Role.UNIT_OFFICER]
    with time_machine.travel(START, tick=False) as clock:
        _fail(Client(), officer.username, UNIT_ADDRESS, 5)
        clock.shift(dt.timedelta(minutes=14, seconds=59))
        still_locked = _sign_in(Client(), officer.username, TEST_PASSWORD, UNIT_ADDRESS)
        clock.shift(dt.timedelta(seconds=2))
        client = Client()
        unlocked = _sign_in(client, officer.username, TEST_PASSWORD, UNIT_ADDRESS)

        assert still_locked.status_code == 429
        assert unlocked.status_code == 302
        assert _signed_in(client)


@time_machine.travel(START, tick=False)
def test_a_successful_sign_in_clears_the_earlier_failures(users) -> None:
    officer = users[User.Role.UNIT_OFFICER]
    _fail(Client(), officer.username, UNIT_ADDRESS, 4)
    _sign_in(Client(), officer.username, TEST_PASSWORD, UNIT_ADDRESS)

    statuses = _fail(Client(), officer.username, UNIT_ADDRESS, 4)
    client = Client()
    response = _sign_in(client, officer.username, TEST_PASSWORD, UNIT_ADDRESS)

    assert statuses == [200, 200, 200, 200]
    assert response.status_code == 302


@time_machine.travel(START, tick=False)
def test_a_forwarded_for_header_written_by_the_client_does_not_escape_the_lock(users) -> None:
    # No proxy is configured (the default): the header is the client's own and proves nothing.
    officer = users[User.Role.UNIT_OFFICER]
    statuses = [
        _sign_in(
            Client(),
            officer.username,
            "sai-mat-khau",
            UNIT_ADDRESS,
            HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}",
        ).status_code
        for attempt in range(6)
    ]

    assert statuses == [200, 200, 200, 200, 429, 429]


@time_machine.travel(START, tick=False)
@override_settings(AXES_IPWARE_PROXY_COUNT=1)
def test_behind_a_configured_proxy_each_client_address_is_counted_apart(users) -> None:
    # Every request reaches us from the proxy; the address it appended tells the clients apart.
    officer = users[User.Role.UNIT_OFFICER]
    proxy = "127.0.0.1"
    _fail(Client(), officer.username, proxy, 5, HTTP_X_FORWARDED_FOR="203.0.113.5")
    client = Client()

    locked = _sign_in(
        Client(), officer.username, TEST_PASSWORD, proxy, HTTP_X_FORWARDED_FOR="203.0.113.5"
    )
    elsewhere = _sign_in(
        client, officer.username, TEST_PASSWORD, proxy, HTTP_X_FORWARDED_FOR="198.51.100.9"
    )

    assert locked.status_code == 429
    assert elsewhere.status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.5", "10.0.0.2"),
        (1, "203.0.113.5", "203.0.113.5"),
        # The client wrote the left entry himself; our proxy appended the right one.
        (1, "1.2.3.4, 203.0.113.5", "203.0.113.5"),
        (2, "1.2.3.4, 203.0.113.5, 10.0.0.9", "203.0.113.5"),
        # Not through all our proxies, or not an address: only the socket is trusted.
        (2, "203.0.113.5", "10.0.0.2"),
        (1, "", "10.0.0.2"),
        (1, "not-an-address", "10.0.0.2"),
    ],
)
def test_the_client_address_comes_from_forwarded_for_only_behind_configured_proxies(
    proxies: int, forwarded: str, expected: str
) -> None:
    request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)

    with override_settings(AXES_IPWARE_PROXY_COUNT=proxies):
        assert client_address(request) == expected
