"""Writes to the soldier's file. Each function is one use case, in one transaction, and leaves a
history entry (who, when, before, after)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from vietnam_provinces import Province, Ward

from soldiers import citizen_id as cid
from soldiers import milestones
from soldiers.models import CitizenIdView, Counselling, ServiceRule, Soldier, SoldierChange
from soldiers.selectors import service_rule_on
from units import audit
from units.models import AuditEvent, Unit, User
from units.scoping import Scope, scope_for
from units.vietnamese import name_sort_key

EDITABLE_FIELDS = (
    "full_name",
    "date_of_birth",
    "gender",
    "citizen_id",
    "phone",
    "home_province_code",
    "home_ward_code",
    "unit",
    "rank",
    "enlistment_date",
    "expected_discharge_date",
    "actual_discharge_date",
)


class EditConflict(ValidationError):
    """Someone saved the record after this user opened it."""


def _require_writer(user: User, unit: Unit | None) -> None:
    scope = scope_for(user)
    if not scope.can_write or scope.ward_code is not None:
        raise PermissionDenied(_("Your account may not change soldiers' files."))
    if unit is not None and not scope.covers_unit(unit):
        raise ValidationError({"unit": _("This unit is outside your unit and its sub-units.")})


def _ward_problem(province_code: int | None, ward_code: int | None) -> str | None:
    try:
        ward = Ward.from_code(ward_code)
        Province.from_code(province_code)
    except (ValueError, TypeError):
        return _("Choose a commune or ward from the 2025 list.")
    if int(ward.province_code) != province_code:
        return _("This commune or ward is not in the chosen province.")
    return None


# Values without which a soldier's file cannot be saved; the other fields may stay blank.
REQUIRED_FIELDS = (
    "full_name",
    "date_of_birth",
    "gender",
    "citizen_id",
    "home_province_code",
    "home_ward_code",
    "unit",
    "enlistment_date",
)


def soldier_problems(
    fields: Mapping[str, Any],
    *,
    existing: Soldier | None,
    user: User,
    rule: ServiceRule | None = None,
    holders: Mapping[str, Soldier] | None = None,
) -> dict[str, list[str]]:
    """Every rule on a soldier's data at once, as Vietnamese messages by field ({} if none).

    `fields` are normalised values by field name; `existing` is the soldier being edited. A rule
    that needs a missing value is skipped (the value is reported as required). The Excel import
    checks thousands of rows with these same rules, so it passes what would otherwise cost a query
    per row: `rule`, the service rule in force on the enlistment date, and `holders`, the soldiers
    (with their unit) that already hold the citizen IDs being checked.
    """
    scope = scope_for(user)
    errors: dict[str, list[str]] = {
        name: [_("This field is required.")]
        for name in REQUIRED_FIELDS
        if fields.get(name) in (None, "")
    }
    birth, enlisted = fields.get("date_of_birth"), fields.get("enlistment_date")
    unit = fields.get("unit")
    if unit is not None and not scope.covers_unit(unit):
        errors["unit"] = [_("This unit is outside your unit and its sub-units.")]
    number = fields.get("citizen_id")
    if number:
        id_problems = cid.problems(number, birth_date=birth, gender=fields.get("gender"))
        id_problems = id_problems or _citizen_id_taken(number, existing, scope, holders)
        if id_problems:
            errors["citizen_id"] = id_problems
    if birth and enlisted:
        rule = rule or service_rule_on(enlisted)
        if _age_on(birth, enlisted) < rule.minimum_enlistment_age:
            errors["enlistment_date"] = [
                _("He must be at least %(age)s years old on the enlistment date.")
                % {"age": rule.minimum_enlistment_age}
            ]
    for name in ("expected_discharge_date", "actual_discharge_date"):
        if enlisted and fields.get(name) and fields[name] <= enlisted:
            errors[name] = [_("The discharge date must be after the enlistment date.")]
    if birth and birth > timezone.localdate():
        errors["date_of_birth"] = [_("The date of birth is in the future.")]
    province, ward = fields.get("home_province_code"), fields.get("home_ward_code")
    ward_problem = _ward_problem(province, ward) if province and ward else None
    if ward_problem:
        errors["home_ward_code"] = [ward_problem]
    return errors


def _citizen_id_taken(
    number: str, existing: Soldier | None, scope: Scope, holders: Mapping[str, Soldier] | None
) -> list[str]:
    """A citizen ID is unique; the holder is named only to one who may see him."""
    if holders is None:
        other = (
            Soldier.objects.filter(citizen_id=number)
            .exclude(pk=existing.pk if existing else None)
            .select_related("unit")
            .first()
        )
    else:
        other = holders.get(number)
    if other is None or (existing is not None and other.pk == existing.pk):
        return []
    if scope.covers_unit(other.unit):
        return [
            _("This citizen ID already belongs to %(name)s (%(unit)s).")
            % {"name": other.full_name, "unit": other.unit.code}
        ]
    return [_("This citizen ID already belongs to a soldier of another unit.")]


def _validate(user: User, fields: dict[str, Any], instance: Soldier | None) -> None:
    problems = soldier_problems(fields, existing=instance, user=user)
    if problems:
        raise ValidationError(problems)


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _normalise(fields: dict[str, Any]) -> dict[str, Any]:
    data = {name: fields.get(name) for name in EDITABLE_FIELDS}
    data["full_name"] = " ".join((data["full_name"] or "").split())
    data["citizen_id"] = cid.normalise(data["citizen_id"] or "")
    data["phone"] = cid.normalise(data["phone"] or "")
    data["rank"] = data["rank"] or ""
    if not data["expected_discharge_date"] and data["enlistment_date"]:
        rule = service_rule_on(data["enlistment_date"])
        data["expected_discharge_date"] = Soldier.default_discharge_date(
            data["enlistment_date"], rule.service_months
        )
    return data


def _display(soldier_field: str, value: Any) -> str:
    """A history value as an officer reads it; the citizen ID stays masked even in history."""
    if value in (None, ""):
        return ""
    if soldier_field == "citizen_id":
        return cid.mask(value)
    if isinstance(value, dt.date):
        return short_date(value)
    if isinstance(value, Unit):
        return value.code
    choices = _choices(soldier_field)
    if choices:
        return str(choices.get(value, value))
    if soldier_field == "home_ward_code":
        return Ward.from_code(value).name
    if soldier_field == "home_province_code":
        return Province.from_code(value).name
    return str(value)


def short_date(day: dt.date | None) -> str:
    """A date as history entries show it (dd/mm/yyyy in Vietnamese), "" for none. An import of
    20,000 soldiers writes 60,000 dates, most of them the same few hundred days: each is
    formatted once per language."""
    return "" if day is None else _short_date(day, get_language())


@lru_cache(maxsize=4096)
def _short_date(day: dt.date, language: str | None) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


@cache
def _choices(soldier_field: str) -> dict[Any, Any]:
    """The field's choices (their labels stay lazy: translated when shown)."""
    return dict(Soldier._meta.get_field(soldier_field).flatchoices)


def soldier_diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[str]]:
    """{field: [before, after]} as an officer reads them, for the fields of `after` that changed."""
    return {
        name: [_display(name, before.get(name)), _display(name, after[name])]
        for name in after
        if before.get(name) != after[name]
    }


def _record(soldier: Soldier, user: User | None, action: str, changes: dict | None = None) -> None:
    SoldierChange.objects.create(soldier=soldier, by=user, action=action, changes=changes or {})


@transaction.atomic
def soldier_create(
    *, user: User, action: str = SoldierChange.Action.CREATED, **fields: Any
) -> Soldier:
    """Add a soldier to a unit in the user's scope. The expected discharge date defaults to the
    enlistment date plus the months of service in force then."""
    data = _normalise(fields)
    _require_writer(user, None)
    _validate(user, data, None)
    soldier = Soldier(**data, sort_key=name_sort_key(data["full_name"]))
    soldier.save()
    _record(soldier, user, action, soldier_diff({}, data))
    milestones.refresh([soldier.pk])
    return soldier


@transaction.atomic
def soldier_update(*, user: User, soldier: Soldier, version: int, **fields: Any) -> Soldier:
    """Save an edit made on the version the user read; refuse it if someone saved in between."""
    current = Soldier.objects.select_for_update().get(pk=soldier.pk)
    if current.version != version:
        raise EditConflict(
            _(
                "Someone else saved this soldier's file after you opened it. Nothing was saved: "
                "reload the page to see their changes, then make yours again."
            ),
            code="conflict",
        )
    _require_writer(user, current.unit)
    data = _normalise(fields)
    _validate(user, data, current)
    before = {name: getattr(current, name) for name in EDITABLE_FIELDS}
    changes = soldier_diff(before, data)
    if not changes:
        return current
    for name, value in data.items():
        setattr(current, name, value)
    current.sort_key = name_sort_key(current.full_name)
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db(fields=["version"])
    _record(current, user, SoldierChange.Action.UPDATED, changes)
    milestones.refresh([current.pk])
    return current


@transaction.atomic
def soldier_archive(*, user: User, soldier: Soldier, reason: str) -> Soldier:
    """Take a soldier out of lists and figures without deleting anything; restorable."""
    _require_writer(user, soldier.unit)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for archiving.")})
    updated = Soldier.objects.filter(pk=soldier.pk, archived=False).update(
        archived=True, archived_reason=reason, version=F("version") + 1
    )
    if updated:
        _record(soldier, user, SoldierChange.Action.ARCHIVED, {"archived_reason": ["", reason]})
    soldier.refresh_from_db()
    return soldier


@transaction.atomic
def soldier_restore(*, user: User, soldier: Soldier) -> Soldier:
    _require_writer(user, soldier.unit)
    updated = Soldier.objects.filter(pk=soldier.pk, archived=True).update(
        archived=False, archived_reason="", version=F("version") + 1
    )
    if updated:
        _record(soldier, user, SoldierChange.Action.RESTORED)
    soldier.refresh_from_db()
    return soldier


@transaction.atomic
def counselling_record(
    *, user: User, soldier: Soldier, date: dt.date, kind: str, note: str = ""
) -> Counselling:
    """Record that the soldier was informed, counselled or guided on `date`."""
    _require_writer(user, soldier.unit)
    if soldier.archived:
        raise ValidationError(_("This soldier's file is archived; restore it first."))
    if date > timezone.localdate():
        raise ValidationError({"date": [_("The counselling date is in the future.")]})
    if date < soldier.enlistment_date:
        raise ValidationError({"date": [_("The counselling date is before his enlistment.")]})
    counselling = Counselling.objects.create(
        soldier=soldier, date=date, kind=kind, officer=user, note=note.strip()
    )
    _record(
        soldier,
        user,
        SoldierChange.Action.COUNSELLING,
        {"counselling": ["", f"{counselling.get_kind_display()} {_display('date', date)}"]},
    )
    milestones.refresh([soldier.pk])
    return counselling


@transaction.atomic
def citizen_id_reveal(*, user: User, soldier: Soldier, request: HttpRequest | None = None) -> str:
    """The full citizen ID, for one who may see the soldier; each showing is logged twice: in
    the soldier's own list of who saw it, and in the audit log (with the `request`'s address),
    where the daily check counts whole IDs per account."""
    CitizenIdView.objects.create(soldier=soldier, user=user)
    audit.record(AuditEvent.Kind.CITIZEN_ID_VIEWED, user=user, request=request, subject=soldier)
    return soldier.citizen_id


def require_writer(user: User, unit: Unit | None) -> None:
    """For the apps above: refuse a user who may not change the files of `unit`'s soldiers."""
    _require_writer(user, unit)


def history_record(
    *, soldier: Soldier, user: User | None, action: str, changes: dict | None = None
) -> None:
    """For the apps above: add an entry to the soldier's history, in the caller's transaction."""
    _record(soldier, user, action, changes)
