"""The checks on one ledger row, every problem at once by column, in Vietnamese.

The soldier's own cells follow the rules of his file (soldiers.services.soldier_problems, as the
soldier import applies them); the outcome cells follow those of the services that record each
outcome one by one (counselling, career wish, registration, placement)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from reports.ledger.cells import LedgerLookups, Outcomes
from reports.ledger.columns import (
    COMPLETED,
    COUNSELLED,
    EMPLOYED,
    ENROLLED,
    OCCUPATION,
)
from reports.ledger.export import shown_registration
from soldiers.importing.columns import CITIZEN_ID, DISCHARGE, FIELD_COLUMNS
from soldiers.importing.rows import RowError
from soldiers.models import Soldier
from soldiers.services import soldier_problems
from training.models import CareerWish, Registration
from units.models import User

HOME_FIELDS = ("home_province_code", "home_ward_code")


@dataclass
class Row:
    """One row of the file as read: the soldier's fields, his outcomes, the unreadable cells."""

    number: int
    fields: dict[str, Any]
    outcomes: Outcomes
    failed: dict[str, str | None]  # by column; None: not checked because of another cell
    discharge_given: bool


@dataclass
class Held:
    """What one soldier already has on file (nothing for a new soldier)."""

    counselling_days: set[dt.date] = field(default_factory=set)
    wish: CareerWish | None = None
    registrations: list[Registration] = field(default_factory=list)  # not withdrawn
    placement_days: set[dt.date] = field(default_factory=set)


def registration_target(registrations: list[Registration]) -> Registration | None:
    """The registration the ledger's dates belong to: the one the ledger shows (his latest
    enrolled or completed), else the one in progress; None: the ledger adds one."""
    return shown_registration(registrations) or next(
        (r for r in registrations if r.status in Registration.OPEN_STATUSES), None
    )


def _short(day: dt.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _not_on_file() -> str:
    return _(
        "No soldier on file has this citizen ID. To add him from the ledger, add the columns "
        "“Quê quán (tỉnh)” and “Quê quán (xã/phường)” of the soldier template."
    )


def soldier_errors(
    user: User, row: Row, fields: dict[str, Any], existing: Soldier | None, lookups: LedgerLookups
) -> list[RowError]:
    """The cells that could not be read, then the rules of a soldier's file on the others."""
    enlisted = fields.get("enlistment_date")
    actual_given = "actual_discharge_date" in fields
    recorded = existing.actual_discharge_date if existing else None
    problems = soldier_problems(
        fields if actual_given else fields | {"actual_discharge_date": recorded},
        existing=existing,
        user=user,
        rule=lookups.rule_on(enlisted) if enlisted else None,
        holders=lookups.holders,
    )
    # A recorded discharge is in the file only when the ledger's date is that discharge.
    columns = FIELD_COLUMNS | ({"actual_discharge_date": DISCHARGE} if actual_given else {})
    errors = [
        RowError(row.number, column, message) for column, message in row.failed.items() if message
    ]
    if existing is None and "home_province_code" not in fields:
        for name in HOME_FIELDS:
            problems.pop(name, None)
        if "citizen_id" not in problems and CITIZEN_ID not in row.failed:
            errors.append(RowError(row.number, CITIZEN_ID, _not_on_file()))
    for name, messages in problems.items():
        if columns[name] not in row.failed:
            errors += [RowError(row.number, columns[name], message) for message in messages]
    if existing is not None and existing.archived:
        errors.append(
            RowError(
                row.number, CITIZEN_ID, _("This soldier's file is archived; restore it first.")
            )
        )
    return errors


def outcome_errors(
    row: Row, enlisted: dt.date | None, held: Held, today: dt.date
) -> list[RowError]:
    """The rules the services apply to each outcome, on the ledger's cells."""
    errors: list[RowError] = []

    def add(column: str, message: str) -> None:
        errors.append(RowError(row.number, column, message))

    out, failed = row.outcomes, row.failed
    if out.counselled and out.counselled > today:
        add(COUNSELLED, _("The counselling date is in the future."))
    elif out.counselled and enlisted and out.counselled < enlisted:
        add(COUNSELLED, _("The counselling date is before his enlistment."))
    _occupation_errors(out, failed, held, add)
    if out.enrolled and enlisted and out.enrolled < enlisted:
        add(ENROLLED, _("The enrolment date is before his enlistment."))
    if out.completed and not out.enrolled and ENROLLED not in failed:
        add(COMPLETED, _("A completion date needs the enrolment date."))
    elif out.completed and out.enrolled and out.completed < out.enrolled:
        add(COMPLETED, _("The completion date is before the enrolment date."))
    elif out.enrolled:
        _registration_errors(out, failed, held, add)
    if out.employed and enlisted and out.employed < enlisted:
        add(EMPLOYED, _("The job cannot start before his enlistment date."))
    if out.workplace and not out.employed and EMPLOYED not in failed:
        add(EMPLOYED, _("Write the day he started this job."))
    return errors


def _occupation_errors(
    out: Outcomes, failed: dict[str, str | None], held: Held, add: Callable[[str, str], None]
) -> None:
    if out.needs_training == CareerWish.Training.YES and out.occupation is None:
        if OCCUPATION not in failed:
            add(OCCUPATION, _("“Có” in Nhu cầu học nghề needs the occupation he wants."))
        return
    kept = held.wish is not None and held.wish.occupation_id == getattr(out.occupation, "pk", None)
    if out.occupation is not None and not out.occupation.active and not kept:
        add(OCCUPATION, _("This occupation is no longer on the list."))


def _registration_errors(
    out: Outcomes, failed: dict[str, str | None], held: Held, add: Callable[[str, str], None]
) -> None:
    """The ledger's enrolment and completion against the registration they would change."""
    target = registration_target(held.registrations)
    if target is None:
        wanted = out.needs_training == CareerWish.Training.YES
        if out.occupation is None and OCCUPATION not in failed and not wanted:
            add(OCCUPATION, _("A new training registration needs the occupation he is learning."))
        return
    if target.course_id is not None:
        _recorded_with_institution(out, target, add)
    completed = out.completed or target.completed_on
    if not out.completed and completed and completed < out.enrolled:
        add(
            ENROLLED,
            _("He completed this training on %(date)s, before this enrolment date.")
            % {"date": _short(completed)},
        )


def _recorded_with_institution(
    out: Outcomes, target: Registration, add: Callable[[str, str], None]
) -> None:
    """A registration recorded with its institution: the ledger may fill in the dates it lacks,
    never change one (they are the institution's record)."""
    names = {"institution": target.institution.name if target.institution_id else ""}
    if target.enrolled_on and target.enrolled_on != out.enrolled:
        add(
            ENROLLED,
            _(
                "His registration at %(institution)s records enrolment on %(date)s: correct the "
                "ledger, or the registration on his page."
            )
            % (names | {"date": _short(target.enrolled_on)}),
        )
    elif target.sent_on and out.enrolled < target.sent_on:
        add(ENROLLED, _("The enrolment date is before the list was sent."))
    if target.completed_on and out.completed and target.completed_on != out.completed:
        add(
            COMPLETED,
            _(
                "His registration at %(institution)s records completion on %(date)s: correct the "
                "ledger, or the registration on his page."
            )
            % (names | {"date": _short(target.completed_on)}),
        )
