"""Cells as officers write them: dates as Excel dates or dd/mm/yyyy, Nam/Nữ, unit codes, rank
labels, and place names of the 2025 list with or without "Tỉnh", "Xã"…, in any case and with the
tone mark in either place."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from django.db.models.functions import Upper
from django.utils import translation
from django.utils.translation import gettext as _
from vietnam_provinces import Province, Ward

from soldiers import citizen_id as cid
from soldiers.importing.columns import (
    BIRTH,
    CITIZEN_ID,
    COLUMN_FIELDS,
    DISCHARGE,
    ENLISTED,
    FULL_NAME,
    GENDER,
    PHONE,
    PROVINCE,
    RANK,
    UNIT,
    WARD,
)
from soldiers.models import ServiceRule, Soldier
from units.models import Unit

DATE_TEXT_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")

_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")


# Files repeat the same few provinces, wards, ranks and genders thousands of times.
@lru_cache(maxsize=8192)
def name_key(text: str) -> str:
    """Case, spacing and where the tone mark sits do not matter: "Thanh Hoá" is "thanh hóa"."""
    words = []
    for word in unicodedata.normalize("NFD", text.casefold()).split():
        tones = "".join(char for char in word if char in _TONES)
        base = "".join(char for char in word if char not in _TONES)
        words.append(unicodedata.normalize("NFC", base) + tones)
    return " ".join(words)


PROVINCE_PREFIXES = tuple(name_key(prefix) + " " for prefix in ("Tỉnh", "Thành phố"))
WARD_PREFIXES = tuple(name_key(prefix) + " " for prefix in ("Xã", "Phường", "Đặc khu"))
GENDER_KEYS = {name_key("Nam"): Soldier.Gender.MALE, name_key("Nữ"): Soldier.Gender.FEMALE}


def _without_prefix(key: str, prefixes: tuple[str, ...]) -> str:
    return next((key[len(p) :] for p in prefixes if key.startswith(p)), key)


def _by_name(places: Iterator[Any], prefixes: tuple[str, ...]) -> dict[str, int]:
    """Places by their full name and by their name without "Tỉnh", "Xã"…; a full name wins."""
    index: dict[str, int] = {}
    for place in places:
        key = name_key(place.name)
        index[key] = int(place.code)
    for key, code in list(index.items()):
        index.setdefault(_without_prefix(key, prefixes), code)
    return index


@cache
def _province_index() -> dict[str, int]:
    return _by_name(Province.iter_all(), PROVINCE_PREFIXES)


@cache
def _ward_index(province_code: int) -> dict[str, int]:
    return _by_name(Ward.iter_by_province(Province.from_code(province_code).code), WARD_PREFIXES)


def _lookup(index: dict[str, int], text: str, prefixes: tuple[str, ...]) -> int | None:
    key = name_key(text)
    return index.get(key) or index.get(_without_prefix(key, prefixes))


@dataclass
class Lookups:
    """What the rows need from the database, read once for the whole file."""

    units: dict[str, Unit]  # by code in capitals
    rules: list[ServiceRule]  # newest first
    ranks: dict[str, str]  # by name_key of the Vietnamese label
    holders: dict[str, Soldier] = field(default_factory=dict)  # by citizen ID

    @classmethod
    def load(cls, rows: list[tuple[int, dict[str, Any]]]) -> Lookups:
        codes = {cell_text(values[UNIT]).upper() for _, values in rows} - {""}
        units = Unit.objects.annotate(code_upper=Upper("code")).filter(code_upper__in=codes)
        with translation.override("vi"):
            ranks = {name_key(str(label)): value for value, label in Soldier.Rank.choices}
        return cls(
            units={unit.code_upper: unit for unit in units},
            rules=list(ServiceRule.objects.order_by("-valid_from")),
            ranks=ranks,
        )

    def rule_on(self, day: dt.date) -> ServiceRule:
        """As selectors.service_rule_on, from the rules read once."""
        rule = next((rule for rule in self.rules if rule.valid_from <= day), None)
        return rule or ServiceRule(valid_from=day)


class CellError(Exception):
    """A cell that cannot be read; the message says why."""


class _Unchecked(Exception):
    """A cell that cannot be checked because a cell it depends on is wrong or blank."""


def cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else " ".join(str(value).split())


def _whole_number(value: Any) -> int | None:
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    return int(value) if is_number and float(value).is_integer() and value > 0 else None


def _limited(text: str, name: str) -> str:
    limit = Soldier._meta.get_field(name).max_length
    if len(text) > limit:
        raise CellError(_("At most %(limit)s characters.") % {"limit": limit})
    return text


def _full_name(value: Any, lookups: Lookups, fields: dict[str, Any]) -> str:
    return _limited(cell_text(value), "full_name")


def read_date(value: Any, lookups: Lookups, fields: dict[str, Any]) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    if not text:
        return None
    if match := DATE_TEXT_RE.match(text):
        day, month, year = (int(part) for part in match.groups())
        with suppress(ValueError):
            return dt.date(year, month, day)
    raise CellError(
        _("“%(value)s” is not a date: write it as dd/mm/yyyy, for example 15/02/2025.")
        % {"value": text}
    )


def _gender(value: Any, lookups: Lookups, fields: dict[str, Any]) -> str | None:
    text = cell_text(value)
    if text and name_key(text) not in GENDER_KEYS:
        raise CellError(_("Write Nam or Nữ."))
    return GENDER_KEYS[name_key(text)] if text else None


def _citizen_id(value: Any, lookups: Lookups, fields: dict[str, Any]) -> str:
    # A number typed into a cell not formatted as text loses its leading 0 (every province
    # code of a citizen ID starts with 0), so a number is put back to its 12 digits.
    number = _whole_number(value)
    if number is not None and number < 10**12:
        return f"{number:012d}"
    return cid.normalise(cell_text(value))


def _unit(value: Any, lookups: Lookups, fields: dict[str, Any]) -> Unit | None:
    code = cell_text(value)
    if code and code.upper() not in lookups.units:
        raise CellError(_("There is no unit with the code %(code)s.") % {"code": code})
    return lookups.units[code.upper()] if code else None


def _rank(value: Any, lookups: Lookups, fields: dict[str, Any]) -> str:
    text = cell_text(value)
    if text and name_key(text) not in lookups.ranks:
        raise CellError(
            _("“%(value)s” is not a rank: write one of %(ranks)s, or leave it blank.")
            % {"value": text, "ranks": ", ".join(str(label) for label in Soldier.Rank.labels)}
        )
    return lookups.ranks[name_key(text)] if text else ""


def _province(value: Any, lookups: Lookups, fields: dict[str, Any]) -> int | None:
    text = cell_text(value)
    code = _lookup(_province_index(), text, PROVINCE_PREFIXES) if text else None
    if text and code is None:
        raise CellError(
            _("“%(value)s” is not a province or city of the 2025 list.") % {"value": text}
        )
    return code


def _ward(value: Any, lookups: Lookups, fields: dict[str, Any]) -> int | None:
    text, province = cell_text(value), fields.get("home_province_code")
    if not text:
        return None
    if province is None:
        raise _Unchecked
    code = _lookup(_ward_index(province), text, WARD_PREFIXES)
    if code is None:
        raise CellError(
            _("“%(value)s” is not a commune or ward of %(province)s.")
            % {"value": text, "province": Province.from_code(province).name}
        )
    return code


def _phone(value: Any, lookups: Lookups, fields: dict[str, Any]) -> str:
    # A number cell drops the 0 that every Vietnamese phone number starts with.
    number = _whole_number(value)
    return _limited(f"0{number}" if number else cid.normalise(cell_text(value)), "phone")


CELL_READERS: dict[str, Callable[[Any, Lookups, dict[str, Any]], Any]] = {
    FULL_NAME: _full_name,
    BIRTH: read_date,
    GENDER: _gender,
    CITIZEN_ID: _citizen_id,
    UNIT: _unit,
    RANK: _rank,
    ENLISTED: read_date,
    DISCHARGE: read_date,
    PROVINCE: _province,
    WARD: _ward,  # after PROVINCE: a ward is looked up in its province
    PHONE: _phone,
}


def read_row(
    values: dict[str, Any], lookups: Lookups
) -> tuple[dict[str, Any], dict[str, str | None]]:
    """The row's field values, and the columns that could not be read: why, or None when a
    column could not be checked because of another one.

    A column missing from `values` is skipped and its field left out of the result: other
    files (the tracking ledger) carry only some of the template's columns."""
    fields: dict[str, Any] = {}
    failed: dict[str, str | None] = {}
    for column, read in CELL_READERS.items():
        if column not in values:
            continue
        name = COLUMN_FIELDS[column]
        try:
            fields[name] = read(values[column], lookups, fields)
        except CellError as error:
            fields[name], failed[column] = None, str(error)
        except _Unchecked:
            fields[name], failed[column] = None, None
    enlisted = fields.get("enlistment_date")
    blank_discharge = DISCHARGE in values and DISCHARGE not in failed
    if enlisted and blank_discharge and fields["expected_discharge_date"] is None:
        months = lookups.rule_on(enlisted).service_months
        fields["expected_discharge_date"] = Soldier.default_discharge_date(enlisted, months)
    return fields, failed
