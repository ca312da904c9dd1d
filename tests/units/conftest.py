"""Fixtures of the account tests (two-factor sign-in, sessions, account roll-out)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import time_machine

from tests.conftest import Tree
from tests.factories import TEST_PASSWORD
from tests.partners import department
from tests.units.signing_in import START
from units.models import User


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    """The clock stopped at START (a Monday morning); tests move it on."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def px01(tree: Tree, make_user: Callable[..., User]) -> User:
    return department(make_user, tree.root, "PX01")


@pytest.fixture
def superuser(db: None) -> User:
    return User.objects.create_superuser(
        username="quantri", email="quantri@congan.local", password=TEST_PASSWORD
    )
