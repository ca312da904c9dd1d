"""The tracking ledger import (reports.ledger) of 20,000 rows of soldiers not yet on file, each
with his counselling, career wish, training and job: time against reading the file alone and
against django-import-export importing the same rows into the same models, and what each keeps
when the last row is wrong. Every import runs inside a transaction rolled back at the end (after
the deferred foreign-key checks are forced) on freshly vacuumed tables, so each starts from the
same database.

    DATABASE_URL=... python -m bench.ledger
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from bench.common import DATA, hq_account, save, setup, vacuum

if TYPE_CHECKING:
    from units.models import User

ROWS = 20_000
RUNS = 3
SEED = 6
BAD_OCCUPATION = "Nghề không có trong danh mục"


def main() -> None:
    setup()
    from reports.ledger import COLUMNS, OPTIONAL
    from soldiers.importing.workbook import read_rows

    user = hq_account()
    good, bad = ledger_files(ROWS)
    read = _median(
        [_seconds(lambda: read_rows(good, columns=COLUMNS, optional=OPTIONAL)) for _ in range(RUNS)]
    )
    ours = [rolled_back(lambda: ours_import(user, good)) for _ in range(RUNS)]
    theirs = rolled_back(lambda: import_export(user, good))
    assert ours[0]["kept"] == theirs["kept"], (ours[0]["kept"], theirs["kept"])
    result: dict[str, Any] = {
        "rows": ROWS,
        "file_mb": len(good) / 2**20,
        "read_seconds": read,
        "ours_seconds": _median([run["seconds"] for run in ours]),
        "ours_runs": [run["seconds"] for run in ours],
        "import_export_seconds": theirs["seconds"],
        "kept": ours[0]["kept"],
        "bad_last_row": {
            "ours": rolled_back(lambda: ours_import(user, bad))["kept"],
            "import_export": rolled_back(lambda: import_export(user, bad))["kept"],
        },
    }
    result["ratio_to_read"] = result["ours_seconds"] / read
    result["speedup_vs_import_export"] = theirs["seconds"] / result["ours_seconds"]
    print(result, flush=True)
    save("ledger", result)


def ledger_files(count: int) -> tuple[bytes, bytes]:
    """The ledger of `count` soldiers not on file (with the soldier template's home columns),
    and the same with an occupation missing from the catalogue on its last row."""
    from reports.ledger import COLUMNS, OPTIONAL, SHEET_TITLE
    from units.spreadsheets import Column, Sheet, xlsx_bytes

    rows = list(_rows(count))
    headers = [Column(name) for name in (*COLUMNS, *OPTIONAL)]
    good = xlsx_bytes([Sheet(SHEET_TITLE, headers, rows)])
    occupation = COLUMNS.index("Nghề mong muốn")
    last = list(rows[-1])
    last[occupation] = BAD_OCCUPATION
    bad = xlsx_bytes([Sheet(SHEET_TITLE, headers, [*rows[:-1], last])])
    DATA.mkdir(parents=True, exist_ok=True)
    (DATA / f"ledger-{count}.xlsx").write_bytes(good)
    return good, bad


def _rows(count: int) -> Iterator[list[Any]]:
    from vietnam_provinces import Province, Ward, legacy

    from reports.loadgen.people import FAMILIES_NAMES, GIVEN_MEN, MIDDLE_MEN
    from training.models import Occupation
    from units.models import Unit

    rng = random.Random(SEED)  # noqa: S311 - made-up data, not secrets
    units = list(Unit.objects.filter(kind=Unit.Kind.MANAGING).values_list("code", flat=True))
    trades = list(Occupation.objects.filter(active=True).values_list("name", flat=True))
    wards = list(Ward.iter_all())
    provinces = {int(p.code): p.name for p in Province.iter_all()}
    codes = sorted(int(p.code) for p in legacy.Province.iter_all())
    day = dt.timedelta(days=1)
    for number in range(count):
        born = dt.date(rng.randint(2000, 2005), rng.randint(1, 12), rng.randint(1, 28))
        enlisted = dt.date(2024, 2, rng.randint(1, 28))
        need = rng.choices(("Có", "Không", ""), (50, 35, 15))[0]
        counselled = dt.date(2025, 5, 1) + rng.randint(0, 200) * day if need else None
        enrolled = completed = employed = None
        if need == "Có" and rng.random() < 0.7:
            enrolled = dt.date(2026, 3, 1) + rng.randint(0, 60) * day
            completed = enrolled + 90 * day if rng.random() < 0.7 else None
        if completed and rng.random() < 0.75:
            employed = completed + rng.randint(0, 60) * day
        elif rng.random() < 0.3:
            employed = dt.date(2026, 4, 1) + rng.randint(0, 150) * day
        ward = rng.choice(wards)
        yield [
            f"{rng.choice(FAMILIES_NAMES)} {rng.choice(MIDDLE_MEN)} {rng.choice(GIVEN_MEN)}",
            born,
            "Nam",
            f"{rng.choice(codes):03d}{0 if born.year < 2000 else 2}{born.year % 100:02d}"
            f"{900_000 + number:06d}",
            rng.choice(units),
            enlisted,
            None,
            counselled,
            need,
            rng.choice(trades) if need == "Có" else "",
            enrolled,
            completed,
            employed,
            "Công ty TNHH Sao Mai" if employed else "",
            "",
            provinces[int(ward.province_code)],
            ward.name,
            f"09{rng.randrange(10**8):08d}",
        ]


def ours_import(user: User, content: bytes) -> dict[str, Any]:
    from reports.ledger import ledger_apply

    plan = ledger_apply(user=user, content=content)
    return {"errors": len(plan.errors)}


def import_export(user: User, content: bytes) -> dict[str, Any]:
    """Each resource in its own transaction, as import_data runs it; the first that fails stops
    the run. The milestone columns are then refreshed, as the application needs them."""
    import tablib

    from bench.ledger_resources import OUTCOMES, SoldierResource
    from reports.ledger.columns import CITIZEN_ID
    from soldiers import milestones
    from soldiers.models import Soldier

    dataset = tablib.Dataset().load(content, format="xlsx")
    for resource in (SoldierResource(), *(kind(user_id=user.pk) for kind in OUTCOMES)):
        result = resource.import_data(dataset, use_transactions=True)
        if result.has_errors() or result.has_validation_errors():
            return {"stopped_at": type(resource).__name__}
    numbers = dataset[CITIZEN_ID]
    milestones.refresh(Soldier.objects.filter(citizen_id__in=numbers).values_list("pk", flat=True))
    return {}


def rolled_back(work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run `work` in a transaction, force the deferred constraint checks, time it, count what it
    wrote, and roll it all back."""
    from django.db import connection, transaction

    vacuum()  # each run starts from the same clean tables, as a real import would find them
    with transaction.atomic():
        before = _counts()
        started = time.perf_counter()
        outcome = work()
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        seconds = time.perf_counter() - started
        after = _counts()
        transaction.set_rollback(True)
    kept = {name: after[name] - before[name] for name in after}
    print(f"  {work.__name__}: {seconds:.2f} s {outcome} kept {kept}", flush=True)
    return {"seconds": seconds, "kept": kept, **outcome}


def _counts() -> dict[str, int]:
    from employers.models import Placement
    from soldiers.models import Counselling, Soldier
    from training.models import CareerWish, Registration

    models = (Soldier, Counselling, CareerWish, Registration, Placement)
    return {model._meta.model_name: model.objects.count() for model in models}


def _seconds(work: Callable[[], Any]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


if __name__ == "__main__":
    main()
