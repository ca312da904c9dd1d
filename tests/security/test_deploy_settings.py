"""Production settings: `check --deploy` is clean with production environment values, and the
session and CSRF cookies are Secure, HttpOnly, SameSite=Lax and "__Host-" prefixed there."""

from __future__ import annotations

import os
import re
import runpy
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import TEST_PASSWORD
from units.models import User

ROOT = Path(__file__).resolve().parents[2]
COOKIE_SETTINGS = (
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
)
HOST = "csnv.congan.vn"


def production_environment() -> dict[str, str]:
    """What an installation behind HTTPS sets (.env.example lists each variable)."""
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),  # 67 characters from 64 symbols
        "ALLOWED_HOSTS": HOST,
        "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
        "SECURE_SSL_REDIRECT": "1",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_COOKIES": "1",
        "EMAIL_URL": f"smtp+tls://csnv:secret@mail.{HOST}:587",
        "DATABASE_URL": "postgres://csnv:csnv@127.0.0.1:5432/csnv",
    }


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """config/settings.py evaluated with the production environment (and nothing else)."""
    for name in list(os.environ):
        if name.startswith(("SECURE_", "SESSION_", "CSRF_", "AXES_")) or name == "DEBUG":
            monkeypatch.delenv(name)
    for name, value in production_environment().items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "config" / "settings.py"))


def test_check_deploy_prints_no_warning_with_production_values() -> None:
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(ROOT)),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        **production_environment(),
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"System check identified no issues \(\d+ silenced\)\.\n", result.stdout)
    assert "WARNINGS" not in result.stderr


def test_production_settings_harden_cookies_and_transport(production: dict[str, Any]) -> None:
    assert {name: production[name] for name in COOKIE_SETTINGS} == {
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_NAME": "__Host-csrftoken",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
    }
    assert production["DEBUG"] is False
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] == 31536000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_HSTS_PRELOAD"] is True
    assert production["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def test_without_https_the_cookies_keep_their_plain_names(monkeypatch: pytest.MonkeyPatch) -> None:
    # A laptop on http:// : browsers drop "__Host-" cookies that are not Secure.
    monkeypatch.setenv("DEBUG", "1")
    monkeypatch.setenv("SECURE_COOKIES", "0")
    monkeypatch.delenv("SECURE_HSTS_SECONDS", raising=False)

    laptop = runpy.run_path(str(ROOT / "config" / "settings.py"))

    assert (laptop["SESSION_COOKIE_NAME"], laptop["CSRF_COOKIE_NAME"]) == ("sessionid", "csrftoken")
    assert (laptop["SECURE_HSTS_INCLUDE_SUBDOMAINS"], laptop["SECURE_HSTS_PRELOAD"]) == (
        False,
        False,
    )


def test_signing_in_under_production_settings_sets_hardened_cookies(
    production: dict[str, Any], users
) -> None:
    officer = users[User.Role.UNIT_OFFICER]
    https = Client(enforce_csrf_checks=True)
    overrides = {name: production[name] for name in COOKIE_SETTINGS}
    overrides |= {
        name: production[name]
        for name in ("SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD")
    }

    with override_settings(**overrides):
        form = https.get(reverse("login"), secure=True)
        token = form.cookies["__Host-csrftoken"].value
        response = https.post(
            reverse("login"),
            {"username": officer.username, "password": TEST_PASSWORD},
            secure=True,
            HTTP_X_CSRFTOKEN=token,
            HTTP_REFERER="https://testserver/accounts/login/",  # HTTPS checks the referer too
        )

    assert response.status_code == 302
    session = response.cookies["__Host-sessionid"]
    assert (session["secure"], session["httponly"], session["samesite"], session["path"]) == (
        True,
        True,
        "Lax",
        "/",
    )
    assert session["domain"] == ""  # a "__Host-" cookie must name no domain
    csrf = form.cookies["__Host-csrftoken"]
    assert (csrf["secure"], csrf["httponly"], csrf["samesite"], csrf["path"]) == (
        True,
        True,
        "Lax",
        "/",
    )
    assert form["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
