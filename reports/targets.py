"""The three figures of DESIGN.md §5, defined once: everything that shows them calls here.

For year Y the cohort is every soldier, not archived, whose discharge date (actual, else expected)
falls in Y. As of a date D:
- counselled: a counselling dated on or before his discharge date, and on or before D;
- need_training: his latest career wish says yes (recorded by D);
- trained: needs training and has a registration enrolled or completed, enrolled by D;
- employed after training: trained, with a placement starting on or after his enrolment, by D.
Rates divide by the cohort (counselled) and by need_training (trained, employed); a zero
denominator is "no data" (None), never 0 % or 100 %.

The counts read the milestone columns kept by soldiers.milestones, in one aggregate over the soldier
table (conditional aggregation), so that they cost the same for one unit as for the country.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from soldiers.models import Soldier
from units.models import Unit

TARGETS = {"counselled": 1.0, "trained": 0.6, "employed": 0.7}
COUNTS = ("cohort", "counselled", "need_training", "trained", "employed_after_training")
# The soldiers a rate leaves out, each taken from its own denominator, so that a count and its
# complement add up to the denominator (employed: of those who need training, as the rate reads).
COMPLEMENTS = {
    "not_counselled": ("cohort", "counselled"),
    "not_trained": ("need_training", "trained"),
    "not_employed": ("need_training", "employed_after_training"),
}
FIGURES = (*COUNTS, *COMPLEMENTS)


def rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


# Slots: building the figures of every unit of the country (3,500) took a quarter of
# figures_by_unit's time without them.
@dataclass(frozen=True, slots=True)
class Figures:
    year: int
    as_of: dt.date
    unit: str | None = None
    cohort: int = 0
    counselled: int = 0
    need_training: int = 0
    trained: int = 0
    employed_after_training: int = 0
    targets: dict[str, float] = field(default_factory=lambda: dict(TARGETS))

    @property
    def counselled_rate(self) -> float | None:
        return rate(self.counselled, self.cohort)

    @property
    def trained_rate(self) -> float | None:
        return rate(self.trained, self.need_training)

    @property
    def employed_rate(self) -> float | None:
        return rate(self.employed_after_training, self.need_training)

    @property
    def meets(self) -> dict[str, bool | None]:
        """Whether each rate reaches its target (None when there is no data)."""
        rates = {
            "counselled": self.counselled_rate,
            "trained": self.trained_rate,
            "employed": self.employed_rate,
        }
        return {k: None if v is None else v >= TARGETS[k] for k, v in rates.items()}

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat()
        data.update(
            counselled_rate=self.counselled_rate,
            trained_rate=self.trained_rate,
            employed_rate=self.employed_rate,
        )
        return data


def conditions(as_of: dt.date) -> dict[str, Q]:
    """Who each count takes from the cohort, as of a day: the aggregates and the drill-down lists
    both read these, so a number and the soldiers behind it cannot disagree."""
    need = Q(need_training=True, need_training_since__lte=as_of)
    trained = need & Q(enrolled_on__lte=as_of)
    return {
        "cohort": Q(),
        "counselled": Q(first_counselling_on__lte=F("discharge_on"))
        & Q(first_counselling_on__lte=as_of),
        "need_training": need,
        "trained": trained,
        "employed_after_training": trained & Q(employed_on__lte=as_of),
    }


# What the counts count: COUNT(1), a row. Counting "pk" reads the id, which the covering index
# behind the figures (soldiers.Soldier, soldier_cohort_idx) does not hold, and made PostgreSQL
# read the whole table: 250 ms instead of 25 ms at 1,000,000 soldiers (bench/RESULTS.md).
ROW = Value(1)


def _aggregates(as_of: dt.date) -> dict[str, Count]:
    # Keys are prefixed: an aggregate may not share its name with a column (need_training).
    return {
        f"n_{key}": Count(ROW, filter=condition) if condition else Count(ROW)
        for key, condition in conditions(as_of).items()
    }


def cohort(year: int) -> QuerySet[Soldier]:
    """The soldiers counted for `year`: discharged (or to be) in that year, not archived."""
    return Soldier.objects.filter(cohort_year=year, archived=False).annotate(
        discharge_on=Coalesce("actual_discharge_date", "expected_discharge_date")
    )


def _in_unit(qs: QuerySet[Soldier], unit: Unit | None) -> QuerySet[Soldier]:
    if unit is None:
        return qs
    return qs.filter(unit_id__in=Unit.objects.filter(path__startswith=unit.path).values("pk"))


def figures(*, year: int, as_of: dt.date | None = None, unit: Unit | None = None) -> Figures:
    """The figures for the province, or for one unit with all its sub-units: one query."""
    as_of = as_of or timezone.localdate()
    counts = _in_unit(cohort(year), unit).aggregate(**_aggregates(as_of))
    return Figures(year=year, as_of=as_of, unit=unit.code if unit else None, **_unprefixed(counts))


def members(
    *, year: int, as_of: dt.date | None = None, unit: Unit | None = None, figure: str
) -> QuerySet[Soldier]:
    """The soldiers behind one number of `figures` (or its complement, see COMPLEMENTS): the same
    conditions as the counts, so `members(...).count()` equals the figure."""
    if figure not in FIGURES:
        raise ValueError(f"unknown figure: {figure}")
    rules = conditions(as_of or timezone.localdate())
    qs = _in_unit(cohort(year), unit)
    if figure in COMPLEMENTS:
        denominator, numerator = COMPLEMENTS[figure]
        return qs.filter(rules[denominator]).exclude(rules[numerator])
    return qs.filter(rules[figure])


def _unprefixed(counts: dict[str, int]) -> dict[str, int]:
    return {key: counts[f"n_{key}"] for key in COUNTS}


def figures_by_unit(
    *, year: int, as_of: dt.date | None = None, units: Iterable[Unit] | None = None
) -> dict[int, Figures]:
    """Each unit's figures including its sub-units: one grouped query, rolled up by the tree."""
    return figures_with_units(year=year, as_of=as_of, units=units)[1]


def figures_with_units(
    *, year: int, as_of: dt.date | None = None, units: Iterable[Unit] | None = None
) -> tuple[Figures, dict[int, Figures]]:
    """`figures` for the province and `figures_by_unit`, from the one grouped query: the
    province's counts are the sum of every unit's own, so the cohort is read once."""
    as_of = as_of or timezone.localdate()
    aggregates = _aggregates(as_of)
    rows = cohort(year).values("unit_id").annotate(**aggregates).values_list("unit_id", *aggregates)
    own = {unit_id: counts for unit_id, *counts in rows.order_by()}
    # The tree as plain values (building thousands of Unit instances cost more than the query),
    # deepest units first: each unit adds its total into its parent's, once.
    tree = sorted(
        Unit.objects.values_list("pk", "parent_id", "code", "path"),
        key=lambda unit: -unit[3].count("/"),
    )
    zero = [0] * len(COUNTS)
    totals = {pk: own.get(pk, zero).copy() for pk, *_rest in tree}
    for pk, parent_id, _code, _path in tree:
        if parent_id is not None:
            above = totals[parent_id]
            for index, count in enumerate(totals[pk]):
                above[index] += count
    province = [sum(column) for column in zip(*own.values(), strict=True)] if own else zero
    codes = {u.pk: u.code for u in units} if units is not None else {pk: c for pk, _p, c, _ in tree}
    # Positional: COUNTS is in the order of Figures' fields, which keeps thousands of units quick.
    by_unit = {pk: Figures(year, as_of, code, *totals[pk]) for pk, code in codes.items()}
    return Figures(year, as_of, None, *province), by_unit
