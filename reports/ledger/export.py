"""The ledger written out: one row per soldier of a year's cohort, for the province or one unit
with its sub-units, in the Vietnamese order of names.

Each cell is what the import reads back unchanged (rows.py), so that exporting and importing the
result changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from employers.models import Placement
from reports.ledger.columns import GENDERS, NO, SHEET_COLUMNS, SHEET_TITLE, YES
from reports.targets import cohort
from soldiers.importing.cells import Lookups
from soldiers.milestones import TRAINED_STATUSES
from soldiers.models import ServiceRule, Soldier
from training.models import CareerWish, Registration
from units.models import Unit, User
from units.scoping import scope_for
from units.spreadsheets import Sheet, xlsx_bytes

CHUNK = 2_000
NEEDS = {CareerWish.Training.YES: YES, CareerWish.Training.NO: NO}


def export_units(user: User) -> QuerySet[Unit]:
    """The units whose ledger the user may download (his own and those below it, or all for the
    province's roles). Commune police keep no ledger."""
    scope = scope_for(user)
    if not (scope.everything or scope.unit_path):
        raise PermissionDenied(_("Your account may not use the tracking ledger."))
    return scope.units().exclude(kind=Unit.Kind.COMMUNE)


def ledger_export(*, year: int, unit: Unit | None = None, mask: bool = True) -> bytes:
    """The ledger of the soldiers discharged in `year` as an xlsx file. Citizen IDs are masked
    unless `mask` is False (the command line, for migration between trusted systems)."""
    return xlsx_bytes([ledger_sheet(year=year, unit=unit, mask=mask)])


def export_summary(*, year: int, unit: Unit | None, command: bool = False) -> str:
    """What a ledger file is, as the audit log names its export."""
    names = {"year": year, "where": unit.code if unit else _("the whole province")}
    if command:
        return (
            _("Tracking ledger %(year)s, %(where)s, whole citizen IDs, from the command line")
            % names
        )
    return _("Tracking ledger %(year)s, %(where)s") % names


def ledger_sheet(*, year: int, unit: Unit | None = None, mask: bool = True) -> Sheet:
    return Sheet(SHEET_TITLE, SHEET_COLUMNS, _rows(_soldiers(year, unit), mask=mask))


def _soldiers(year: int, unit: Unit | None) -> QuerySet[Soldier]:
    soldiers = (
        cohort(year)
        .select_related("unit")
        .prefetch_related(
            Prefetch(
                "career_wishes",
                queryset=CareerWish.objects.filter(is_current=True).select_related("occupation"),
                to_attr="current_wishes",
            ),
            Prefetch(
                "registrations",
                queryset=Registration.objects.filter(status__in=TRAINED_STATUSES),
                to_attr="trained_registrations",
            ),
            Prefetch(
                "placements",
                queryset=Placement.objects.select_related("employer").order_by("started_on", "pk"),
                to_attr="placements_in_order",
            ),
        )
    )
    if unit is not None:
        soldiers = soldiers.filter(unit__path__startswith=unit.path)
    return soldiers.order_by("sort_key", "pk")


def _rows(soldiers: QuerySet[Soldier], *, mask: bool) -> Iterator[list[Any]]:
    rules = Lookups(units={}, rules=list(ServiceRule.objects.order_by("-valid_from")), ranks={})
    for soldier in soldiers.iterator(chunk_size=CHUNK):
        wish = soldier.current_wishes[0] if soldier.current_wishes else None
        registration = shown_registration(soldier.trained_registrations)
        placement = shown_placement(soldier.placements_in_order, soldier.enrolled_on)
        yield [
            soldier.full_name,
            soldier.date_of_birth,
            GENDERS[soldier.gender],
            soldier.masked_citizen_id if mask else soldier.citizen_id,
            soldier.unit.code,
            soldier.enlistment_date,
            discharge_cell(soldier, rules.rule_on(soldier.enlistment_date).service_months),
            soldier.first_counselling_on,
            NEEDS.get(wish.wants_training, "") if wish else "",
            wish.occupation.name if wish and wish.occupation else "",
            registration.enrolled_on if registration else None,
            registration.completed_on if registration else None,
            placement.started_on if placement else None,
            workplace(placement) if placement else "",
        ]


def discharge_cell(soldier: Soldier, service_months: int) -> dt.date | None:
    """The actual discharge date if recorded; else blank when the expected date is the default
    one (enlistment plus the months of service), which is what a blank cell means on import."""
    if soldier.actual_discharge_date:
        return soldier.actual_discharge_date
    default = Soldier.default_discharge_date(soldier.enlistment_date, service_months)
    return None if soldier.expected_discharge_date == default else soldier.expected_discharge_date


def shown_registration(registrations: Iterable[Registration]) -> Registration | None:
    """The registration the ledger shows and updates: his latest enrolled or completed one."""
    trained = [r for r in registrations if r.status in TRAINED_STATUSES and r.enrolled_on]
    return max(trained, key=lambda r: (r.enrolled_on, r.pk), default=None)


def shown_placement(placements: list[Placement], enrolled_on: dt.date | None) -> Placement | None:
    """His first job from his first enrolment on (the one the figures count), else his first."""
    after = [p for p in placements if enrolled_on and p.started_on >= enrolled_on]
    return (after or placements or [None])[0]


def workplace(placement: Placement) -> str:
    return placement.employer.name if placement.employer_id else placement.workplace
