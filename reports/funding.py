"""PH10's funding forecast (DESIGN.md §5, issue 8), defined once: the page, the two workbooks and
the `funding_forecast` command all read `forecast`.

For cohort year Y as of a day D, the soldiers are exactly those behind the `need_training` figure
of reports.targets (its own conditions, through `targets.members`), so the count always equals
that figure. Each soldier costs:
- the tuition of his registered course (his latest registration made by D and not withdrawn by
  D, whatever its step: wished, sent, enrolled or completed);
- else the median tuition of the listed courses (approved, active, at an active institution) of
  his occupation (the registration's, else his current wish's) on the list of Y, or on the
  latest list that has one;
- else the cap;
each capped at 12 × the base salary on his expected training day: his enrolment day if he was
enrolled by D, else the day after his discharge (training.selectors.support_cap_on; a day no
base salary covers raises NoBaseSalary, whose message names it).

Regime: the regime of his latest support record started by D (a record says which regime it
follows, DESIGN.md §8), else by his discharge year: a card up to training.services
CARD_LAST_COHORT, an application at the commune after it.

Beside the estimate, for the same soldiers as of D:
- committed: what is promised to them: an issued card still valid at its value (cap_vnd), a
  settled card at the amount settled, a decided application at the amount granted (an unused
  card past its validity promises nothing any more);
- settled: what institutions have settled (cards settled by D, at settled_vnd); a part of
  committed.

reports.funding_sheet writes it as the workbook "Dự toán kinh phí". The forecast costs a fixed
number of queries whatever the size of the cohort (plus one per base-salary period it touches,
at most the rows of that small table).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.targets import members
from soldiers import citizen_id as cid
from soldiers.models import Soldier
from training.models import (
    BaseSalary,
    CareerWish,
    Course,
    Institution,
    Occupation,
    Registration,
    TrainingSupport,
)
from training.selectors import support_cap_on
from training.services import CARD_LAST_COHORT
from units.models import Unit, User
from units.scoping import scope_for

Regime = TrainingSupport.Regime

# How a soldier's cost was found, best evidence first.
COURSE, MEDIAN, CAP = "course", "median", "cap"


def basis_label(basis: str) -> str:
    return {
        COURSE: _("Tuition of his registered course"),
        MEDIAN: _("Median tuition of the occupation's courses"),
        CAP: _("Support cap (no listed course for the occupation)"),
    }[basis]


def may_view(user: User) -> bool:
    """The forecast covers the whole province: headquarters staff (PH10 first), leaders and
    superusers; unit and commune officers and partners have no page of it."""
    return scope_for(user).everything


@dataclass(frozen=True)
class Label:
    """What a table row is about: a regime, an institution, an occupation or a unit."""

    code: str
    name: str
    pk: int | None = None


@dataclass(frozen=True)
class SoldierCost:
    """One soldier's line of the forecast."""

    pk: int
    full_name: str
    citizen_id: str
    unit_code: str
    top_unit: Label
    occupation: Label
    institution: Label
    course: Course | None
    basis: str
    training_on: dt.date
    cap_vnd: int
    estimated_vnd: int
    regime: str
    committed_vnd: int
    settled_vnd: int

    @property
    def masked_citizen_id(self) -> str:
        return cid.mask(self.citizen_id)


@dataclass(frozen=True)
class Group:
    """The soldiers of one regime, institution, occupation or unit, and their money."""

    label: Label
    soldiers: int
    vnd: int
    committed_vnd: int
    settled_vnd: int


@dataclass(frozen=True)
class Forecast:
    year: int
    as_of: dt.date
    rows: tuple[SoldierCost, ...]

    @property
    def soldiers(self) -> int:
        return len(self.rows)

    @property
    def estimated_vnd(self) -> int:
        return sum(row.estimated_vnd for row in self.rows)

    @property
    def committed_vnd(self) -> int:
        return sum(row.committed_vnd for row in self.rows)

    @property
    def settled_vnd(self) -> int:
        return sum(row.settled_vnd for row in self.rows)

    @property
    def by_regime(self) -> list[Group]:
        """Both regimes, card first, each even when no soldier falls under it."""
        groups = {group.label.code: group for group in _groups(self.rows, _regime_label)}
        return [groups.get(code) or Group(_regime_label_of(code), 0, 0, 0, 0) for code in Regime]

    @property
    def by_institution(self) -> list[Group]:
        """Largest estimate first; soldiers without a registered course last."""
        return sorted(
            _groups(self.rows, lambda row: row.institution),
            key=lambda g: (g.label.pk is None, -g.vnd, g.label.name),
        )

    @property
    def by_occupation(self) -> list[Group]:
        return sorted(
            _groups(self.rows, lambda row: row.occupation), key=lambda g: (-g.vnd, g.label.name)
        )

    @property
    def by_unit(self) -> list[Group]:
        """By top-level managing unit (each with its sub-units), in code order."""
        return sorted(_groups(self.rows, lambda row: row.top_unit), key=lambda g: g.label.code)

    def of_institution(self, institution: Institution) -> Forecast:
        """The same forecast kept to the soldiers registered at one institution."""
        rows = tuple(row for row in self.rows if row.institution.pk == institution.pk)
        return Forecast(self.year, self.as_of, rows)

    def as_dict(self) -> dict[str, object]:
        """The `funding_forecast --json` object: amounts in whole đồng."""

        def listed(groups: list[Group], *keys: str) -> list[dict[str, object]]:
            return [
                {key: getattr(g.label, key) for key in keys}
                | {"soldiers": g.soldiers, "vnd": g.vnd}
                for g in groups
            ]

        return {
            "year": self.year,
            "soldiers": self.soldiers,
            "estimated_vnd": self.estimated_vnd,
            "committed_vnd": self.committed_vnd,
            "settled_vnd": self.settled_vnd,
            "by_regime": listed(self.by_regime, "code", "name"),
            "by_institution": listed(self.by_institution, "name"),
            "by_occupation": listed(self.by_occupation, "code", "name"),
        }


def _groups(rows: Iterable[SoldierCost], label: Callable[[SoldierCost], Label]) -> list[Group]:
    totals: dict[Label, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row in rows:
        total = totals[label(row)]
        for index, amount in enumerate((1, row.estimated_vnd, row.committed_vnd, row.settled_vnd)):
            total[index] += amount
    return [Group(key, *amounts) for key, amounts in totals.items()]


def _regime_label_of(code: str) -> Label:
    return Label(str(code), str(Regime(code).label))


def _regime_label(row: SoldierCost) -> Label:
    return _regime_label_of(row.regime)


# -- the forecast --


def forecast(*, year: int, as_of: dt.date | None = None) -> Forecast:
    """The forecast for cohort `year` as of `as_of` (today by default). Raises
    training.selectors.NoBaseSalary for a training day no base salary covers."""
    as_of = as_of or timezone.localdate()
    need = members(year=year, as_of=as_of, unit=None, figure="need_training")
    soldiers = list(_soldier_rows(need))
    registrations = _registrations(need, as_of)
    supports = _supports(need, as_of)
    occupations = {o.pk: o for o in Occupation.objects.all()}
    medians = _median_tuitions(year)
    top_unit = _top_unit_finder()
    cap_on = _cap_finder()
    rows = tuple(
        _cost(
            soldier,
            registrations.get(soldier["pk"]),
            supports.get(soldier["pk"], _NO_SUPPORT),
            occupations=occupations,
            medians=medians,
            top_unit=top_unit,
            cap_on=cap_on,
            as_of=as_of,
        )
        for soldier in soldiers
    )
    return Forecast(year, as_of, rows)


def _soldier_rows(need: QuerySet[Soldier]) -> QuerySet[Soldier, dict[str, Any]]:
    wish = CareerWish.objects.filter(soldier=OuterRef("pk"), is_current=True)
    return (
        need.annotate(wish_occupation_id=Subquery(wish.values("occupation_id")[:1]))
        .order_by("sort_key", "pk")
        .values(
            "pk",
            "full_name",
            "citizen_id",
            "unit__code",
            "unit__name",
            "unit__path",
            "discharge_on",
            "wish_occupation_id",
        )
    )


def _registrations(need: QuerySet[Soldier], as_of: dt.date) -> dict[int, Registration]:
    """Each soldier's latest registration made by `as_of` and not withdrawn by then."""
    withdrawn = Q(status=Registration.Status.WITHDRAWN) & (
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__lte=as_of)
    )
    qs = (
        Registration.objects.filter(soldier__in=need.values("pk"), wished_on__lte=as_of)
        .exclude(withdrawn)
        .select_related("course__institution")
        .order_by("soldier_id", "wished_on", "pk")
    )
    return {registration.soldier_id: registration for registration in qs}


@dataclass(frozen=True)
class _Support:
    """A soldier's support records as of the day: the latest regime, and the money."""

    regime: str | None = None
    started_on: dt.date | None = None
    committed_vnd: int = 0
    settled_vnd: int = 0


_NO_SUPPORT = _Support()


def _supports(need: QuerySet[Soldier], as_of: dt.date) -> dict[int, _Support]:
    rows = TrainingSupport.objects.filter(soldier__in=need.values("pk")).values(
        "soldier_id",
        "regime",
        "cap_vnd",
        "issued_on",
        "valid_until",
        "settled_on",
        "settled_vnd",
        "applied_on",
        "decided_on",
        "amount_vnd",
    )
    result: dict[int, _Support] = {}
    for row in rows:
        started_on, committed, settled = _support_money(row, as_of)
        if started_on is None:
            continue
        before = result.get(row["soldier_id"], _NO_SUPPORT)
        latest = before.started_on is None or started_on >= before.started_on
        result[row["soldier_id"]] = _Support(
            regime=row["regime"] if latest else before.regime,
            started_on=started_on if latest else before.started_on,
            committed_vnd=before.committed_vnd + committed,
            settled_vnd=before.settled_vnd + settled,
        )
    return result


def _support_money(row: dict[str, Any], as_of: dt.date) -> tuple[dt.date | None, int, int]:
    """(the day the record started, committed, settled) as of `as_of`; no start if later."""
    if row["regime"] == Regime.CARD:
        issued = row["issued_on"]
        if issued is None or issued > as_of:
            return None, 0, 0
        if row["settled_on"] is not None and row["settled_on"] <= as_of:
            return issued, row["settled_vnd"] or 0, row["settled_vnd"] or 0
        usable = row["valid_until"] is not None and row["valid_until"] >= as_of
        return issued, row["cap_vnd"] if usable else 0, 0
    applied = row["applied_on"]
    if applied is None or applied > as_of:
        return None, 0, 0
    decided = row["decided_on"] is not None and row["decided_on"] <= as_of
    return applied, (row["amount_vnd"] or 0) if decided else 0, 0


def _median_tuitions(year: int) -> dict[int, int]:
    """Per occupation, the median tuition of its listed courses on the list of `year`, or on the
    latest list that has any: one query, the medians taken here."""
    rows = Course.objects.filter(approved=True, active=True, institution__active=True).values_list(
        "occupation_id", "list_year", "tuition_vnd"
    )
    tuitions: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for occupation_id, list_year, tuition in rows:
        tuitions[occupation_id][list_year].append(tuition)
    return {
        occupation_id: median(by_year[year] if year in by_year else by_year[max(by_year)])
        for occupation_id, by_year in tuitions.items()
    }


def median(amounts: list[int]) -> int:
    """The middle amount; of an even count, the mean of the two middle ones, rounded half up to
    the whole đồng."""
    ordered = sorted(amounts)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle] + 1) // 2


def _top_unit_finder() -> Callable[[str, str, str], Label]:
    """The top-level managing unit (the first managing unit down the path) of a soldier's unit;
    his own unit if none above it manages conscripts. One query."""
    managing = {
        unit.pk: Label(unit.code, unit.name, unit.pk)
        for unit in Unit.objects.filter(kind=Unit.Kind.MANAGING).only("pk", "code", "name")
    }

    def find(path: str, code: str, name: str) -> Label:
        for part in path.strip("/").split("/"):
            if part and int(part) in managing:
                return managing[int(part)]
        return Label(code, name)

    return find


def _cap_finder() -> Callable[[dt.date], int]:
    """12 × the base salary on a day, through training.selectors.support_cap_on once per
    base-salary period rather than once per soldier."""
    starts = list(BaseSalary.objects.order_by("valid_from").values_list("valid_from", flat=True))

    @cache
    def cap_from(start: dt.date) -> int:
        return support_cap_on(start)

    def cap_on(day: dt.date) -> int:
        index = bisect_right(starts, day)
        # Before the first row, support_cap_on raises NoBaseSalary naming the day itself.
        return cap_from(starts[index - 1]) if index else support_cap_on(day)

    return cap_on


def _cost(
    soldier: dict[str, Any],
    registration: Registration | None,
    support: _Support,
    *,
    occupations: dict[int, Occupation],
    medians: dict[int, int],
    top_unit: Callable[[str, str, str], Label],
    cap_on: Callable[[dt.date], int],
    as_of: dt.date,
) -> SoldierCost:
    course = registration.course if registration else None
    enrolled = registration.enrolled_on if registration else None
    if enrolled is not None and enrolled <= as_of:
        training_on = enrolled
    else:
        training_on = soldier["discharge_on"] + dt.timedelta(days=1)
    cap = cap_on(training_on)
    occupation = occupations[
        registration.occupation_id if registration else soldier["wish_occupation_id"]
    ]
    if course is not None:
        basis, cost = COURSE, course.tuition_vnd
    elif occupation.pk in medians:
        basis, cost = MEDIAN, medians[occupation.pk]
    else:
        basis, cost = CAP, cap
    return SoldierCost(
        pk=soldier["pk"],
        full_name=soldier["full_name"],
        citizen_id=soldier["citizen_id"],
        unit_code=soldier["unit__code"],
        top_unit=top_unit(soldier["unit__path"], soldier["unit__code"], soldier["unit__name"]),
        occupation=Label(occupation.code, occupation.name, occupation.pk),
        institution=_institution_label(course),
        course=course,
        basis=basis,
        training_on=training_on,
        cap_vnd=cap,
        estimated_vnd=min(cost, cap),
        regime=support.regime or _regime_by_discharge(soldier["discharge_on"]),
        committed_vnd=support.committed_vnd,
        settled_vnd=support.settled_vnd,
    )


def _institution_label(course: Course | None) -> Label:
    if course is None:
        return Label("", _("Institution not determined"))
    return Label("", course.institution.name, course.institution_id)


def _regime_by_discharge(discharge_on: dt.date) -> str:
    if discharge_on.year <= CARD_LAST_COHORT:
        return Regime.CARD
    return Regime.COMMUNE_APPLICATION
