from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlparse

import django_otp
import pytest
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import CommuneFactory, UnitFactory, UserFactory
from units import two_factor
from units.models import Unit, User

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def require_service(name: str, available: bool, reason: str) -> None:
    """Skip a test whose service is missing, or fail it when CI says every service must be there."""
    if available:
        return
    message = f"{name} is not available: {reason}"
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {message}")
    pytest.skip(message)


def port_open(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 1
        ):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_url() -> str:
    url = settings.REDIS_URL
    require_service("Redis", bool(url) and port_open(url, 6379), "set REDIS_URL to a running Redis")
    return url


@pytest.fixture
def postgres() -> None:
    engine = settings.DATABASES["default"]["ENGINE"]
    require_service(
        "PostgreSQL", engine.endswith("postgresql"), "set DATABASE_URL to a running PostgreSQL"
    )


@dataclass
class Tree:
    """Three levels: root → two managing units → sub-units under the first; plus a commune."""

    root: Unit
    pk02: Unit
    pk02_d1: Unit
    pk02_d1_t1: Unit
    pc07: Unit
    commune: Unit


@pytest.fixture
def tree(db: None) -> Tree:
    root = UnitFactory(code="CAT", name="Công an tỉnh", kind=Unit.Kind.HQ_DEPARTMENT)
    pk02 = UnitFactory(code="PK02", parent=root)
    pk02_d1 = UnitFactory(code="PK02-D1", parent=pk02)
    pk02_d1_t1 = UnitFactory(code="PK02-D1-T1", parent=pk02_d1)
    pc07 = UnitFactory(code="PC07", parent=root)
    commune = CommuneFactory(code="CAX-01", parent=root, ward_code=13291)
    return Tree(root, pk02, pk02_d1, pk02_d1_t1, pc07, commune)


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(role: str, unit: Unit, **kwargs: object) -> User:
        return UserFactory(role=role, unit=unit, **kwargs)

    return make


@pytest.fixture
def users(tree: Tree, make_user: Callable[..., User]) -> dict[str, User]:
    """One account per role, placed as in a real province."""
    return {
        User.Role.UNIT_OFFICER: make_user(User.Role.UNIT_OFFICER, tree.pk02),
        User.Role.COMMUNE_OFFICER: make_user(User.Role.COMMUNE_OFFICER, tree.commune),
        User.Role.HQ_STAFF: make_user(User.Role.HQ_STAFF, tree.root),
        User.Role.LEADER: make_user(User.Role.LEADER, tree.root),
    }


def _second_factor_given(
    sender: object, request: HttpRequest, user: User, **kwargs: object
) -> None:
    """The test client's force_login() and login() stand for a whole sign-in: the password and,
    for an account that has a second factor or must have one, its code (units/two_factor.py).
    Real requests, through the sign-in pages, are left to the real two steps."""
    if type(request) is not HttpRequest:
        return
    device = two_factor.totp_device(user)
    if device is None and not two_factor.required_for(user):
        return
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    # As django_otp.login() would, had the test client's request a user to check it against.
    request.session[django_otp.DEVICE_ID_SESSION_KEY] = device.persistent_id
    request.session[two_factor.HAS_DEVICE_KEY] = True


user_logged_in.connect(_second_factor_given, dispatch_uid="tests_second_factor_given")


@pytest.fixture
def login(client: Client) -> Callable[[User], Client]:
    def do(user: User) -> Client:
        client.force_login(user)
        return client

    return do


# Reference rows seeded by data migrations (occupations, base salaries, service rules, deadlines).
# A transactional test ends by emptying every table, so the next transactional test would find
# none: this puts them back. Every data migration of ours names its function `seed` and is
# idempotent, so they are found rather than listed.
LOCAL_APPS = ("units", "soldiers", "training", "employers", "reports")


def _seed_functions() -> list:
    import importlib
    import pkgutil

    functions = []
    for app in LOCAL_APPS:
        package = importlib.import_module(f"{app}.migrations")
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            module = importlib.import_module(f"{app}.migrations.{info.name}")
            if callable(getattr(module, "seed", None)):
                functions.append(module.seed)
    return functions


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    from django.apps import apps

    request.getfixturevalue("transactional_db")
    for seed in _seed_functions():
        seed(apps, None)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """No page cached by one test is served to the next."""
    from django.core.cache import cache

    cache.clear()
