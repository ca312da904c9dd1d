"""Reads behind the dashboards, the drill-down and the Excel summary (the selectors of this part).

Every number comes from reports.targets; this module only picks the units, orders the rows and
puts the figures next to their targets. Each function costs a fixed number of queries whatever
the number of soldiers and units, so the pages do too.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from employers.matching import OccupationGap, occupation_gaps
from reports.deadlines import MatrixRow, Timeliness, timeliness_matrix
from reports.models import ReportObligation, TargetSnapshot
from reports.targets import COUNTS, TARGETS, Figures, figures_by_unit, members
from soldiers.models import Soldier
from soldiers.selectors import worklist
from training.models import Occupation, Registration
from units.models import Unit, User
from units.scoping import scope_for

# -- who sees which dashboard --

PROVINCE = "province"
UNIT = "unit"


def dashboard_kind(user: User) -> str | None:
    """Headquarters, leaders and superusers see the province; a unit officer his unit with its
    sub-units; anyone else (commune officers) no dashboard."""
    scope = scope_for(user)
    if scope.everything:
        return PROVINCE
    if scope.unit_path:
        return UNIT
    return None


def dashboard_unit(user: User, unit_id: int | None) -> Unit | None:
    """The unit a dashboard or a drill-down is about: None is the province (for those who see
    it), a unit officer's own unit by default; a unit outside the user's scope is a 404."""
    scope = scope_for(user)
    if unit_id is None:
        return None if scope.everything else user.unit
    return get_object_or_404(scope.units(), pk=unit_id)


# -- the three figures against their targets --

FIGURE_LABELS: dict[str, str | Promise] = {
    "cohort": _("Soldiers discharged in the year"),
    "counselled": _("Counselled by their discharge date"),
    "need_training": _("Need vocational training"),
    "trained": _("Trained in a trade"),
    "employed_after_training": _("Has a job after training"),
    "not_counselled": _("Not counselled by their discharge date"),
    "not_trained": _("Need training, not trained yet"),
    "not_employed": _("Need training, no job after training yet"),
}
STATUS = {
    True: (_("Target met"), "success"),
    False: (_("Target not met"), "danger"),
    None: (_("No data yet"), "secondary"),
}


@dataclass(frozen=True)
class Indicator:
    """One of the three figures: numerator over denominator against its target, with the figure
    names that list the soldiers behind each number (reports.targets.members)."""

    key: str
    label: str | Promise
    count: int
    count_figure: str
    total: int
    total_figure: str
    missing_figure: str
    rate: float | None
    target: float
    met: bool | None

    @property
    def missing(self) -> int:
        return self.total - self.count

    @property
    def status(self) -> str | Promise:
        return STATUS[self.met][0]

    @property
    def status_class(self) -> str:
        return STATUS[self.met][1]


# (key, label, numerator, denominator, complement) — the rates themselves come from Figures.
INDICATORS = (
    ("counselled", _("Given counselling"), "counselled", "cohort", "not_counselled"),
    ("trained", _("Trained in a trade"), "trained", "need_training", "not_trained"),
    (
        "employed",
        _("Has a job after training"),
        "employed_after_training",
        "need_training",
        "not_employed",
    ),
)


def indicators(result: Figures) -> list[Indicator]:
    rates = {
        "counselled": result.counselled_rate,
        "trained": result.trained_rate,
        "employed": result.employed_rate,
    }
    return [
        Indicator(
            key=key,
            label=label,
            count=getattr(result, numerator),
            count_figure=numerator,
            total=getattr(result, denominator),
            total_figure=denominator,
            missing_figure=complement,
            rate=rates[key],
            target=TARGETS[key],
            met=result.meets[key],
        )
        for key, label, numerator, denominator, complement in INDICATORS
    ]


# -- units: each with its sub-units, as a tree sorted among siblings --


@dataclass(frozen=True)
class UnitRow:
    unit: Unit
    figures: Figures
    level: int = 0  # depth in the table, for indentation

    @property
    def indent(self) -> int:
        return min(self.level, 4)


# ?sort= keys: a rate sorts lowest (worst) first, "-" turns it round; units without data last.
UNIT_SORTS = ("unit", "cohort", "counselled", "trained", "employed")
DEFAULT_UNIT_SORT = "trained"


def unit_sort(value: str) -> str:
    return value if value.lstrip("-") in UNIT_SORTS else DEFAULT_UNIT_SORT


def managing_units(user: User) -> list[Unit]:
    """The units managing conscripts that the user sees, top-level ones and their sub-units."""
    units = scope_for(user).units().filter(kind=Unit.Kind.MANAGING, active=True)
    return list(units.order_by("path"))


def _row_key(sort: str) -> Callable[[UnitRow], Any]:
    field = sort.lstrip("-")
    if field == "unit":
        return lambda row: row.unit.code
    if field == "cohort":
        return lambda row: (row.figures.cohort, row.unit.code)
    attribute = f"{field}_rate"
    descending = sort.startswith("-")

    def key(row: UnitRow) -> tuple[bool, float, str]:
        value = getattr(row.figures, attribute)
        if value is None:
            return (True, 0.0, row.unit.code)
        return (False, -value if descending else value, row.unit.code)

    return key


def unit_rows(
    *,
    year: int,
    as_of: dt.date,
    units: Sequence[Unit],
    sort: str,
    by_unit: Mapping[int, Figures] | None = None,
) -> list[UnitRow]:
    """Each unit's figures (sub-units included), top-level units sorted by `sort` and each unit's
    sub-units under it, sorted the same way. Two queries, none when `by_unit` (figures_by_unit
    for these units) is given."""
    sort = unit_sort(sort)
    if by_unit is None:
        by_unit = figures_by_unit(year=year, as_of=as_of, units=units)
    ids = {unit.pk for unit in units}
    children: dict[int | None, list[UnitRow]] = defaultdict(list)
    for unit in units:
        above = [int(part) for part in unit.path.strip("/").split("/")][:-1]
        parent = next((pk for pk in reversed(above) if pk in ids), None)
        children[parent].append(UnitRow(unit, by_unit[unit.pk]))
    key = _row_key(sort)
    # A rate's "-" is inside its key (units without data stay last); the others just reverse.
    reverse = sort.startswith("-") and sort.lstrip("-") in ("unit", "cohort")
    ordered: list[UnitRow] = []

    def visit(parent: int | None, level: int) -> None:
        for row in sorted(children[parent], key=key, reverse=reverse):
            ordered.append(replace(row, level=level))
            visit(row.unit.pk, level + 1)

    visit(None, 0)
    return ordered


# -- deadlines --


@dataclass(frozen=True)
class DeadlineTally:
    """How the units stand on one deadline of the year."""

    obligation: ReportObligation
    due: dt.date
    on_time: int
    late: int
    missing: int
    pending: int


def deadline_tallies(
    obligations: Sequence[ReportObligation], rows: Sequence[MatrixRow], *, year: int
) -> list[DeadlineTally]:
    """Counts of on time / late / missing / not yet due per deadline, from the matrix."""
    tallies = []
    for index, obligation in enumerate(obligations):
        states = [row.cells[index].state for row in rows if row.cells[index] is not None]
        tallies.append(
            DeadlineTally(
                obligation=obligation,
                due=obligation.due_on(year),
                on_time=states.count(Timeliness.ON_TIME),
                late=states.count(Timeliness.LATE),
                missing=states.count(Timeliness.MISSING),
                pending=states.count(Timeliness.PENDING),
            )
        )
    return tallies


@dataclass(frozen=True)
class DueReport:
    unit: Unit
    obligation: ReportObligation
    due: dt.date
    state: str
    label: str


def due_reports(user: User, *, year: int, on: dt.date) -> list[DueReport]:
    """The reports the user's units owe for the year, soonest deadline first."""
    scope = scope_for(user)
    _, rows = timeliness_matrix(year=year, on=on)
    reports = [
        DueReport(row.unit, cell.obligation, cell.obligation.due_on(year), cell.state, cell.label)
        for row in rows
        if row.unit is not None and scope.covers_unit(row.unit)
        for cell in row.cells
        if cell is not None
    ]
    return sorted(reports, key=lambda r: (r.due, r.unit.code, r.obligation.code))


# -- the worklist, counted --


@dataclass(frozen=True)
class WorkCount:
    key: str
    title: str
    count: int


def worklist_counts(user: User, *, on: dt.date) -> list[WorkCount]:
    """How many soldiers each part of the user's worklist holds (one count per part)."""
    return [
        WorkCount(section.key, section.title, section.soldiers.count())
        for section in worklist(user=user, on=on)
    ]


# -- the trend --


def monthly_trend(*, year: int, unit: Unit | None = None) -> list[Figures]:
    """The figures of a cohort year as they stood at the last snapshot of each month (the
    province when `unit` is None). One query."""
    snapshots = TargetSnapshot.objects.filter(year=year, unit=unit)
    last_of_month = (
        snapshots.annotate(month=TruncMonth("taken_on"))
        .values("month")
        .annotate(last=Max("taken_on"))
        .values("last")
    )
    return [
        Figures(
            year=year,
            as_of=snapshot.taken_on,
            unit=unit.code if unit else None,
            **{key: getattr(snapshot, key) for key in COUNTS},
        )
        for snapshot in snapshots.filter(taken_on__in=last_of_month).order_by("taken_on")
    ]


# -- occupations --


@dataclass(frozen=True)
class OccupationRow:
    """Needs against supply for one occupation, and the cohort's registrations for it."""

    occupation: Occupation
    wishing: int
    seats: int
    openings: int
    registered: int
    enrolled: int
    completed: int

    @property
    def seat_gap(self) -> int:
        return self.wishing - self.seats


def occupation_rows(*, year: int, on: dt.date) -> list[OccupationRow]:
    """occupation_gaps for the year, with the registrations of that year's cohort (withdrawn
    ones left out) by occupation. Five queries (six if a registered occupation is nowhere in
    occupation_gaps)."""
    gaps = {gap.occupation.pk: gap for gap in occupation_gaps(year=year, on=on)}
    Status = Registration.Status
    registrations = {
        row["occupation_id"]: row
        for row in Registration.objects.filter(soldier__cohort_year=year, soldier__archived=False)
        .exclude(status=Status.WITHDRAWN)
        .values("occupation_id")
        .annotate(
            registered=Count("pk"),
            enrolled=Count("pk", filter=Q(status=Status.ENROLLED)),
            completed=Count("pk", filter=Q(status=Status.COMPLETED)),
        )
        .order_by()
    }
    extra = Occupation.objects.in_bulk(set(registrations) - set(gaps))
    empty = {"registered": 0, "enrolled": 0, "completed": 0}
    rows = []
    for pk in set(gaps) | set(registrations):
        gap = gaps.get(pk) or OccupationGap(extra[pk], 0, 0, 0)
        counts = registrations.get(pk, empty)
        rows.append(
            OccupationRow(
                gap.occupation,
                gap.wishing,
                gap.seats,
                gap.openings,
                counts["registered"],
                counts["enrolled"],
                counts["completed"],
            )
        )
    return sorted(rows, key=lambda r: (-r.seat_gap, -r.registered, r.occupation.name))


# -- the drill-down --


def drilldown(
    user: User, *, year: int, as_of: dt.date, unit: Unit | None, figure: str
) -> QuerySet[Soldier]:
    """The soldiers behind one number, within the user's scope, in Vietnamese name order."""
    scope = scope_for(user)
    return (
        members(year=year, as_of=as_of, unit=unit, figure=figure)
        .filter(scope.q(unit_field="unit"))
        .select_related("unit")
        .order_by("sort_key", "pk")
    )
