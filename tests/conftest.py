from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import CommuneFactory, UnitFactory, UserFactory
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


@pytest.fixture
def login(client: Client) -> Callable[[User], Client]:
    def do(user: User) -> Client:
        client.force_login(user)
        return client

    return do


# Reference rows seeded by data migrations (occupations, base salaries, service rules, deadlines).
# A transactional test ends by emptying every table, so the next transactional test would find
# none: this puts them back (each seed is idempotent).
SEED_MIGRATIONS = (
    "soldiers.migrations.0002_seed_service_rule",
    "training.migrations.0002_seed_occupations",
    "training.migrations.0004_seed_base_salary",
    "reports.migrations.0002_seed_obligations",
)


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    import importlib

    from django.apps import apps

    request.getfixturevalue("transactional_db")
    for module in SEED_MIGRATIONS:
        importlib.import_module(module).seed(apps, None)
