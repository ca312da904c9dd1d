"""Accounts rolled out from one Excel file (issue 9): a row per officer, checked whole before
anything is saved, then every account opened in one transaction, or none.

Each account gets an invitation e-mail (sent once the transaction commits) with which the
officer chooses his own password. The file is read by units/xlsx_reader.py, like the soldier
list; checking it asks the database a fixed number of questions whatever the row count.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.utils.translation import gettext as _

from units import accounts, audit, xlsx_reader
from units.models import AuditEvent, Unit, User
from units.spreadsheets import Column, Sheet
from units.xlsx_reader import ImportRefused, Upload, read_rows, reworded

USERNAME = "Tên đăng nhập"
FULL_NAME = "Họ và tên"
EMAIL = "Email"
UNIT = "Đơn vị"
ROLE = "Vai trò"
COLUMNS = (USERNAME, FULL_NAME, EMAIL, UNIT, ROLE)
TEMPLATE_NAME = "mau-tai-khoan.xlsx"
MAX_LENGTH = {USERNAME: 150, FULL_NAME: 150, EMAIL: 254}


class RowError(NamedTuple):
    row: int  # as Excel numbers it, the header being row 1
    column: str
    message: str


@dataclass(frozen=True)
class PlannedAccount:
    row: int
    username: str
    full_name: str
    email: str
    unit: Unit
    role: str

    @property
    def role_label(self) -> str:
        return str(User.Role(self.role).label)


@dataclass
class AccountPlan:
    """What a file would do (preview) or did (import): the accounts to open, or its errors."""

    accounts: list[PlannedAccount] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def error_rows(self) -> int:
        return len({error.row for error in self.errors})


def _texts() -> dict[str, str]:
    return {"empty": _("The file has no accounts: fill in the rows under the header row.")}


def check_upload(file: UploadedFile) -> Upload:
    """The uploaded file, read once checked to be a workbook with the template's header; else
    ImportRefused."""
    with reworded(_texts()):
        return xlsx_reader.check_upload(file, columns=COLUMNS)


def _rows(content: bytes) -> list[tuple[int, dict[str, Any]]]:
    with reworded(_texts()):
        return read_rows(content, columns=COLUMNS)


def accounts_check(*, user: User, content: bytes) -> AccountPlan:
    """What importing the file would do, saving nothing: the preview."""
    _require_manager(user)
    return _plan(_rows(content))


def accounts_apply(
    *,
    user: User,
    content: bytes,
    file_name: str = "",
    base_url: str = "",
    request: HttpRequest | None = None,
) -> AccountPlan:
    """Check the file again and, if no row has an error, open every account in one transaction,
    each with its entry in the audit log and its invitation, and the import's own entry. The
    plan returned says what was saved, or lists the errors when nothing was."""
    _require_manager(user)
    rows = _rows(content)
    try:
        with transaction.atomic():
            plan = _plan(rows)
            if not plan.errors:
                for planned in plan.accounts:
                    accounts.account_open(
                        created_by=user,
                        username=planned.username,
                        unit=planned.unit,
                        role=planned.role,
                        email=planned.email,
                        full_name=planned.full_name,
                        invite=True,
                        base_url=base_url,
                        request=request,
                    )
                audit.record(
                    AuditEvent.Kind.IMPORT,
                    user=user,
                    request=request,
                    summary=_("Accounts imported from Excel"),
                    file=file_name,
                    created=len(plan.accounts),
                )
    except (IntegrityError, ValidationError) as error:
        # Someone opened one of these accounts between the check and the write.
        raise ImportRefused(
            _("The accounts changed while the file was being imported. Nothing was saved.")
        ) from error
    return plan


def _require_manager(user: User) -> None:
    if not accounts.may_manage_accounts(user):
        raise PermissionDenied


# -- the rows --


@dataclass
class _Lookups:
    units: dict[str, Unit]
    roles: dict[str, str]
    taken: set[str]

    @classmethod
    def load(cls, rows: list[tuple[int, dict[str, Any]]]) -> _Lookups:
        codes = {_text(values[UNIT]).upper() for _number, values in rows}
        names = {_text(values[USERNAME]).lower() for _number, values in rows}
        return cls(
            units={unit.code: unit for unit in Unit.objects.filter(code__in=codes - {""})},
            roles=accounts.role_names(),
            taken=set(
                User.objects.annotate(name=Lower("username"))
                .filter(name__in=names - {""})
                .values_list("name", flat=True)
            ),
        )


def _text(value: Any) -> str:
    # Vietnamese typed with some keyboards arrives decomposed (a + combining accents): NFC makes
    # "Lãnh đạo" one way of writing.
    return unicodedata.normalize("NFC", " ".join(str(value).split())) if value is not None else ""


def _plan(rows: list[tuple[int, dict[str, Any]]]) -> AccountPlan:
    lookups = _Lookups.load(rows)
    plan = AccountPlan()
    repeats = _repeated_usernames(rows)
    for number, values in rows:
        cells = {column: _text(values[column]) for column in COLUMNS}
        errors = _row_errors(number, cells, lookups) + repeats.get(number, [])
        if errors:
            plan.errors.extend(errors)
            continue
        plan.accounts.append(
            PlannedAccount(
                row=number,
                username=cells[USERNAME],
                full_name=cells[FULL_NAME],
                email=cells[EMAIL],
                unit=lookups.units[cells[UNIT].upper()],
                role=lookups.roles[cells[ROLE].lower()],
            )
        )
    plan.errors.sort(key=lambda error: (error.row, COLUMNS.index(error.column)))
    return plan


def _row_errors(number: int, cells: dict[str, str], lookups: _Lookups) -> list[RowError]:
    problems: dict[str, str] = {}
    for column in COLUMNS:
        if not cells[column]:
            problems[column] = _("Fill in this cell.")
        elif column in MAX_LENGTH and len(cells[column]) > MAX_LENGTH[column]:
            problems[column] = _("At most %(count)s characters.") % {"count": MAX_LENGTH[column]}
    username, email = cells[USERNAME], cells[EMAIL]
    if USERNAME not in problems:
        problems.update(_username_problem(username, lookups))
    if EMAIL not in problems and (problem := accounts.email_problem(email)):
        problems[EMAIL] = problem
    unit = lookups.units.get(cells[UNIT].upper())
    role = lookups.roles.get(cells[ROLE].lower())
    if UNIT not in problems and unit is None:
        problems[UNIT] = _("No unit has the code %(code)s.") % {"code": cells[UNIT]}
    if ROLE not in problems and role is None:
        problems[ROLE] = _("Unknown role “%(role)s”. Write one of: %(roles)s.") % {
            "role": cells[ROLE],
            "roles": ", ".join(role_choices()),
        }
    if (
        unit is not None
        and role is not None
        and (problem := accounts.role_unit_problem(role, unit))
    ):
        problems[UNIT] = problem
    return [RowError(number, column, message) for column, message in problems.items()]


def _username_problem(username: str, lookups: _Lookups) -> dict[str, str]:
    try:
        User.username_validator(username)
    except ValidationError:
        return {
            USERNAME: _("A user name has only letters, digits and the signs . @ + - _ (no spaces).")
        }
    if username.lower() in lookups.taken:
        return {USERNAME: _("The user name %(username)s is taken.") % {"username": username}}
    return {}


def _repeated_usernames(rows: list[tuple[int, dict[str, Any]]]) -> dict[int, list[RowError]]:
    """Each row whose user name is also on another row of the file, with an error naming them."""
    rows_by_name: dict[str, list[int]] = defaultdict(list)
    for number, values in rows:
        if name := _text(values[USERNAME]).lower():
            rows_by_name[name].append(number)
    errors: dict[int, list[RowError]] = {}
    for numbers in (numbers for numbers in rows_by_name.values() if len(numbers) > 1):
        for number in numbers:
            others = ", ".join(str(other) for other in numbers if other != number)
            message = _("The same user name is also on row %(rows)s.") % {"rows": others}
            errors[number] = [RowError(number, USERNAME, message)]
    return errors


# -- the template --


def role_choices() -> list[str]:
    """The role names a file may use, as officers read them."""
    return [str(User.Role(role).label) for role in accounts.POLICE_ROLES]


def template_sheets() -> list[Sheet]:
    """The file to fill in: the header row, and the roles with the kind of unit each belongs to."""
    columns = [Column(USERNAME, 20), Column(FULL_NAME, 28), Column(EMAIL, 30)]
    columns += [Column(UNIT, 14), Column(ROLE, 32)]
    roles = [
        (str(User.Role(role).label), role, str(Unit.Kind(kind).label))
        for role, kind in accounts.UNIT_KIND_OF_ROLE.items()
    ]
    return [
        Sheet(title=_("Accounts"), columns=columns, rows=[]),
        Sheet(
            title=_("Roles"),
            columns=[Column(ROLE, 32), Column(_("Code"), 18), Column(_("Kind of unit"), 40)],
            rows=roles,
        ),
    ]
