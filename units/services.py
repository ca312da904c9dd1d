"""Writes to the organisation tree and to accounts: one function per use case, in a transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from units.models import Unit, User


def _path_under(parent: Unit | None, unit_id: int) -> str:
    return f"{parent.path if parent else '/'}{unit_id}/"


@transaction.atomic
def unit_create(
    *,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None = None,
    ward_code: int | None = None,
    province_code: int | None = None,
    active: bool = True,
) -> Unit:
    """Create a unit under `parent` and give it its place in the tree."""
    unit = Unit(
        active=active,
        code=code.strip().upper(),
        name=name.strip(),
        kind=kind,
        parent=parent,
        ward_code=ward_code,
        province_code=province_code,
    )
    unit.full_clean(exclude=["path"])
    unit.save()
    unit.path = _path_under(parent, unit.pk)
    unit.save(update_fields=["path"])
    return unit


@transaction.atomic
def unit_update(*, unit: Unit, parent: Unit | None, **fields: object) -> Unit:
    """Change a unit's fields and, if its parent changes, move its whole subtree with it."""
    for name, value in fields.items():
        setattr(unit, name, value)
    if parent is not None and parent.path.startswith(unit.path or "\0"):
        raise ValidationError(
            {"parent": _("A unit cannot be placed under itself or its own sub-unit.")}
        )
    old_path = unit.path
    unit.parent = parent
    unit.full_clean(exclude=["path"])
    unit.save()
    new_path = _path_under(parent, unit.pk)
    if new_path != old_path:
        # One UPDATE rewrites the prefix of the unit and all its descendants.
        Unit.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr(F("path"), len(old_path) + 1))
        )
        unit.refresh_from_db(fields=["path"])
    return unit


@transaction.atomic
def account_create(
    *,
    username: str,
    unit: Unit,
    role: str,
    email: str = "",
    full_name: str = "",
    password: str | None = None,
) -> User:
    """Create a staff account in one unit with one role. Without a password it cannot sign in."""
    user = User(username=username, unit=unit, role=role, email=email, full_name=full_name)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user
