"""National-scale data for the benchmarks (`manage.py generate_load`, issue 6): a unit tree of
the 34 provinces, their catalogues, and soldiers of the cohorts 2024-2028 along their whole path,
written in dependency order with COPY on PostgreSQL (batched inserts elsewhere), then the
milestone columns filled by ONE soldiers.milestones.refresh(), so the figures are computed from
the related rows by the same rule the application keeps them with.

The same seed gives the same data on the same day. Only an empty soldier table is filled: this is
for a database of its own, never one with real soldiers.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Max, Model
from django.utils import timezone
from vietnam_provinces import legacy

from employers.models import Employer, JobOpening, Placement
from reports.loadgen import bulk, people, tree
from reports.loadgen import catalogue as cat
from reports.loadgen.writer import Writer
from soldiers import milestones
from soldiers.models import Counselling, Soldier, SoldierChange
from training.models import CareerWish, Course, Institution, Occupation, Registration
from units.models import Unit, User

BATCH = 20_000
# The big tables, the soldiers first: their indexes and foreign keys are set aside for the load.
PEOPLE = (Soldier, SoldierChange, Counselling, CareerWish, Registration, Placement)


class LoadRefused(Exception):
    """The database is not one a load may be written into."""


@dataclass
class LoadReport:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


Progress = Callable[[int], None]


def generate(
    *,
    soldiers: int,
    units: int,
    seed: int = 2026,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> LoadReport:
    """Write `units` units and `soldiers` soldiers with their paths, all or nothing, and fill the
    milestone columns; returns the rows written per model and the seconds each step took."""
    if Soldier.objects.exists():
        raise LoadRefused("The database already holds soldiers: load into an empty one.")
    rng = random.Random(seed)  # noqa: S311 - made-up data, not secrets
    planned = tree.plan_tree(units, first_id=_next_id(Unit), rng=rng)
    taken = list(Unit.objects.filter(code__in=planned.codes).values_list("code", flat=True)[:5])
    if taken:
        raise LoadRefused(f"Units with these codes exist already: {', '.join(taken)}")
    report = LoadReport()
    writer = Writer(timezone.now())
    clock = _Clock(report)
    with transaction.atomic():
        kept = bulk.set_aside(PEOPLE)
        world = _world(writer, planned, rng, today or timezone.localdate())
        _soldiers(writer, world, planned, soldiers, rng, progress)
        writer.reset_sequences(writer.written)
        clock.lap("rows")
        # The milestones are read through the related tables' indexes; the soldiers' own are
        # built after the update, over the final rows.
        bulk.restore(kept, PEOPLE[1:])
        clock.lap("related indexes")
        milestones.refresh()
        clock.lap("milestones")
        bulk.restore(kept)
        clock.lap("soldier indexes and foreign keys")
    clock.lap("commit")
    _analyze(writer.written)
    clock.lap("analyze")
    report.counts = {model._meta.label: count for model, count in writer.written.items()}
    return report


class _Clock:
    def __init__(self, report: LoadReport) -> None:
        self.report, self.started = report, time.perf_counter()

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.report.seconds[step] = now - self.started
        self.started = now


def _next_id(model: type[Model]) -> int:
    return (model.objects.aggregate(last=Max("pk"))["last"] or 0) + 1


def _world(writer: Writer, planned: tree.Tree, rng: random.Random, today: dt.date) -> people.World:
    """The units, accounts and catalogues, written; what the soldiers' paths draw from."""
    writer.write(Unit, tree.UNIT_COLUMNS, (unit.row() for unit in planned.units))
    accounts = User.objects.bulk_create(cat.accounts(planned.units))
    writer.written[User] = len(accounts)
    occupations = list(
        Occupation.objects.filter(active=True).order_by("pk").values_list("pk", "name")
    )
    first_ids = {
        "institution": _next_id(Institution),
        "course": _next_id(Course),
        "employer": _next_id(Employer),
        "opening": _next_id(JobOpening),
    }
    catalogue = cat.plan_catalogue(planned, occupations, first_ids=first_ids, rng=rng)
    writer.write(Institution, cat.INSTITUTION_COLUMNS, catalogue.institutions)
    writer.write(Course, cat.COURSE_COLUMNS, catalogue.courses)
    writer.write(Employer, cat.EMPLOYER_COLUMNS, catalogue.employers)
    writer.write(JobOpening, cat.OPENING_COLUMNS, catalogue.openings)
    return people.World(
        today=today,
        now=writer.now,
        catalogue=catalogue,
        occupations=occupations,
        wards=planned.wards,
        provinces=[int(p.code) for p in planned.provinces],
        birth_codes=sorted(int(p.code) for p in legacy.Province.iter_all()),
        officers=_officers(planned, accounts),
    )


def _officers(planned: tree.Tree, accounts: list[User]) -> dict[int, int]:
    """Each unit holding soldiers -> the officer of the managing unit at its top."""
    by_unit = {account.unit_id: account.pk for account in accounts}
    return {
        unit.id: by_unit[int(unit.path.strip("/").split("/")[1])]
        for holders in planned.holders.values()
        for unit in holders
    }


def _soldiers(
    writer: Writer,
    world: people.World,
    planned: tree.Tree,
    count: int,
    rng: random.Random,
    progress: Progress | None,
) -> None:
    """Soldiers spread over the provinces by their size (their number of communes) and over each
    province's units unevenly, written a batch at a time, each batch table by table."""
    holders, weights = _holder_weights(planned, rng)
    first = _next_id(Soldier)
    for start in range(0, count, BATCH):
        size = min(BATCH, count - start)
        rows = people.Rows()
        path = people.Path(world, rng, rows)
        for offset, unit in enumerate(rng.choices(holders, cum_weights=weights, k=size)):
            path.soldier(first + start + offset, start + offset, unit)
        for model, columns, table in _tables(rows):
            writer.write(model, columns, table)
        if progress is not None:
            progress(start + size)


def _holder_weights(
    planned: tree.Tree, rng: random.Random
) -> tuple[list[tree.PlannedUnit], list[float]]:
    holders, cumulative, total = [], [], 0.0
    for province, units in planned.holders.items():
        shares = [rng.uniform(0.4, 1.6) for _ in units]
        size = len(planned.wards[province]) / sum(shares)
        for unit, share in zip(units, shares, strict=True):
            total += share * size
            holders.append(unit)
            cumulative.append(total)
    return holders, cumulative


def _tables(rows: people.Rows) -> Iterator[tuple[type[Model], tuple[str, ...], list[tuple]]]:
    """A batch's tables in the order their foreign keys need."""
    yield Soldier, people.SOLDIER_COLUMNS, rows.soldiers
    yield SoldierChange, people.CHANGE_COLUMNS, rows.changes
    yield Counselling, people.COUNSELLING_COLUMNS, rows.counsellings
    yield CareerWish, people.WISH_COLUMNS, rows.wishes
    yield Registration, people.REGISTRATION_COLUMNS, rows.registrations
    yield Placement, people.PLACEMENT_COLUMNS, rows.placements


def _analyze(models: dict[type[Model], int]) -> None:
    """Fresh planner statistics, and on PostgreSQL a vacuum: the milestone update left a dead
    row version behind each soldier, and index-only scans need the visibility map it sets (a
    vacuum cannot run inside a transaction: there, as in the tests, statistics only)."""
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        for model in models:
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"VACUUM (ANALYZE) {table}" if vacuum else f"ANALYZE {table}")
