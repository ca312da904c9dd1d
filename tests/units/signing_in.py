"""Signing in through the pages, as an officer does: the password, then the code his app shows
(shared by the two-factor and session tests)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import TEST_PASSWORD
from units import two_factor
from units.models import User

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
START = dt.datetime(2026, 8, 3, 8, 0, tzinfo=HANOI)
ADDRESS = "10.20.30.40"
CHROME_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


def sign_in(
    client: Client,
    user: User,
    *,
    password: str = TEST_PASSWORD,
    address: str = ADDRESS,
    agent: str = CHROME_ON_WINDOWS,
) -> HttpResponse:
    return client.post(
        reverse("login"),
        {"username": user.username, "password": password},
        REMOTE_ADDR=address,
        HTTP_USER_AGENT=agent,
    )


def code_now(device: TOTPDevice) -> str:
    """The code the officer's app shows at this moment (the clock is frozen by the test)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def give_code(client: Client, code: str, *, next_url: str = "") -> HttpResponse:
    data = {"code": code, "next": next_url} if next_url else {"code": code}
    return client.post(reverse("units:two_factor_verify"), data, REMOTE_ADDR=ADDRESS)


def enrol(client: Client, user: User) -> tuple[TOTPDevice, list[str]]:
    """Set two-factor sign-in up through the page, for the account signed in on `client`: scan
    (the key the page keeps in the session), type the first code; returns the device and the
    recovery codes shown."""
    client.get(reverse("units:two_factor_setup"))
    key = client.session[two_factor.ENROLMENT_KEY]
    response = client.post(
        reverse("units:two_factor_setup"), {"code": code_now(TOTPDevice(key=key))}
    )
    assert response.status_code == 200
    return TOTPDevice.objects.get(user=user), response.context["codes"]


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session
