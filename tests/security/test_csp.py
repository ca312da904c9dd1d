"""Content-Security-Policy (Django 6's own): scripts and styles only from this server, and no
template that would need anything else (inline scripts, event handler or style attributes)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from units.models import User

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "templates", *sorted(ROOT.glob("*/templates"))]

SCRIPT_WITH_CONTENT = re.compile(r"<script\b[^>]*>(?!\s*</script>)", re.IGNORECASE)
HANDLER_ATTRIBUTE = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
SCRIPT_URL = re.compile(r"""=\s*["']?\s*javascript:""", re.IGNORECASE)


def policy(response) -> dict[str, list[str]]:
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {words[0]: words[1:] for words in directives if words}


def inline_code(html: str) -> list[str]:
    """What a strict policy would block in a page or template: the kinds found."""
    checks = {
        "inline <script>": SCRIPT_WITH_CONTENT,
        "on*= handler": HANDLER_ATTRIBUTE,
        "style= attribute": STYLE_ATTRIBUTE,
        "<style> element": STYLE_ELEMENT,
        "javascript: URL": SCRIPT_URL,
    }
    return [kind for kind, pattern in checks.items() if pattern.search(html)]


def test_the_checks_see_what_they_are_meant_to_see() -> None:
    assert inline_code('<script src="/static/a.js"></script>') == []
    assert inline_code("<script>alert(1)</script>") == ["inline <script>"]
    assert inline_code('<button class="b" onclick="go()">') == ["on*= handler"]
    assert inline_code('<div\n  style="color: red">') == ["style= attribute"]
    assert inline_code("<style>p {}</style>") == ["<style> element"]
    assert inline_code('<a href="javascript:void(0)">') == ["javascript: URL"]
    assert inline_code('<p data-online="1" class="onboarding">') == []


def test_the_policy_allows_scripts_and_styles_only_from_this_server(client: Client, db) -> None:
    response = client.get(reverse("login"))

    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("role", [User.Role.UNIT_OFFICER, User.Role.HQ_STAFF])
def test_signed_in_pages_carry_the_same_policy(login, users, role) -> None:
    client = login(users[role])

    response = client.get(reverse("soldiers:list"))

    assert response.status_code == 200
    assert policy(response)["script-src"] == ["'self'"]
    assert inline_code(response.content.decode()) == []


def test_no_template_in_the_repository_holds_inline_script_or_style() -> None:
    templates = [path for folder in TEMPLATE_DIRS for path in sorted(folder.rglob("*.html"))]

    found = {
        str(path.relative_to(ROOT)): kinds
        for path in templates
        if (kinds := inline_code(path.read_text(encoding="utf-8")))
    }

    assert {str(folder.relative_to(ROOT)) for folder in TEMPLATE_DIRS} >= {
        "templates",
        "units/templates",
        "soldiers/templates",
        "training/templates",
        "employers/templates",
        "reports/templates",
    }
    assert found == {}
