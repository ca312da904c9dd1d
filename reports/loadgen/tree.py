"""The unit tree of a national load: each province's headquarters, the units managing conscripts
under it and their sub-units, and commune police, in the proportions of a real country (34
provinces, about 8 managing units and 16 sub-units per province, most units being communes).
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from vietnam_provinces import Province, Ward

from units.models import Unit

MAX_PROVINCES = 34
# One province per this many units: 3,500 units make the 34 provinces, 20 make one.
UNITS_PER_PROVINCE = 100
# Of the units below the headquarters, the share that manages conscripts (a third of them
# top-level departments, two thirds their sub-units); the others are commune police.
MANAGING_SHARE = 0.235
DEPARTMENTS = (
    ("PK02", "Phòng Cảnh sát cơ động"),
    ("PC07", "Phòng Cảnh sát phòng cháy, chữa cháy và cứu nạn, cứu hộ"),
    ("PC08", "Phòng Cảnh sát giao thông"),
    ("PC06", "Phòng Cảnh sát quản lý hành chính về trật tự xã hội"),
    ("PK20", "Phòng Cảnh sát bảo vệ và hỗ trợ tư pháp"),
    ("PC10", "Phòng Cảnh sát quản lý tạm giữ, tạm giam"),
    ("PC11", "Trại tạm giam"),
    ("PA08", "Phòng Quản lý xuất nhập cảnh"),
)
UNIT_COLUMNS = (
    "id",
    "code",
    "name",
    "kind",
    "parent_id",
    "path",
    "province_code",
    "ward_code",
    "active",
)


@dataclass(frozen=True)
class PlannedUnit:
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    path: str
    province_code: int
    ward_code: int | None

    def row(self) -> tuple[object, ...]:
        return (
            self.id,
            self.code,
            self.name,
            self.kind,
            self.parent_id,
            self.path,
            self.province_code,
            self.ward_code,
            True,
        )


@dataclass
class Tree:
    """The planned units, and per province the wards and the units that hold soldiers."""

    units: list[PlannedUnit]
    provinces: list[Province]
    wards: dict[int, list[int]]
    holders: dict[int, list[PlannedUnit]]

    @property
    def codes(self) -> list[str]:
        return [unit.code for unit in self.units]


def sizes(total: int) -> tuple[int, int, int, int]:
    """(provinces, managing units, sub-units, communes) adding up to `total`."""
    provinces = max(1, min(MAX_PROVINCES, total // UNITS_PER_PROVINCE))
    below = total - provinces
    managing_and_sub = max(2 * provinces, round(below * MANAGING_SHARE))
    if managing_and_sub > below:
        raise ValueError(f"{total} units are too few for {provinces} provinces")
    managing = math.ceil(managing_and_sub / 3)
    return provinces, managing, managing_and_sub - managing, below - managing_and_sub


def plan_tree(total: int, *, first_id: int, rng: random.Random) -> Tree:
    """`total` units with ids from `first_id`: headquarters, then managing units spread over the
    provinces in turn, sub-units spread over the managing units, communes over the provinces."""
    n_provinces, n_managing, n_sub, n_communes = sizes(total)
    provinces = sorted(Province.iter_all(), key=lambda p: int(p.code))[:n_provinces]
    wards: dict[int, list[int]] = defaultdict(list)
    for ward in Ward.iter_all():
        wards[int(ward.province_code)].append(int(ward.code))
    ids = iter(range(first_id, first_id + total))
    units: list[PlannedUnit] = []
    heads = [_headquarters(next(ids), province) for province in provinces]
    units += heads
    managing = [
        _managing(next(ids), heads[i % n_provinces], i // n_provinces) for i in range(n_managing)
    ]
    units += managing
    subs = [_sub(next(ids), managing[i % n_managing], i // n_managing) for i in range(n_sub)]
    units += subs
    units += _communes(ids, heads, wards, n_communes, rng)
    holders: dict[int, list[PlannedUnit]] = defaultdict(list)
    for unit in (*managing, *subs):
        holders[unit.province_code].append(unit)
    return Tree(units, provinces, dict(wards), dict(holders))


def _headquarters(pk: int, province: Province) -> PlannedUnit:
    code = int(province.code)
    name = province.name.removeprefix("Tỉnh ").removeprefix("Thành phố ")
    return PlannedUnit(
        pk,
        f"CAT{code:02d}",
        f"Công an {name}",
        Unit.Kind.HQ_DEPARTMENT,
        None,
        f"/{pk}/",
        code,
        None,
    )


def _managing(pk: int, head: PlannedUnit, number: int) -> PlannedUnit:
    # Past the eight departments a province's list repeats with a number (PK02-2).
    department, name = DEPARTMENTS[number % len(DEPARTMENTS)]
    suffix = f"-{number // len(DEPARTMENTS) + 1}" if number >= len(DEPARTMENTS) else ""
    return PlannedUnit(
        pk,
        f"{department}{suffix}-{head.province_code:02d}",
        f"{name}{suffix}, {head.name}",
        Unit.Kind.MANAGING,
        head.id,
        f"{head.path}{pk}/",
        head.province_code,
        None,
    )


def _sub(pk: int, parent: PlannedUnit, number: int) -> PlannedUnit:
    return PlannedUnit(
        pk,
        f"{parent.code}-D{number + 1}",
        f"Đội số {number + 1}, {parent.name}",
        Unit.Kind.MANAGING,
        parent.id,
        f"{parent.path}{pk}/",
        parent.province_code,
        None,
    )


def _communes(
    ids: Iterator[int],
    heads: list[PlannedUnit],
    wards: dict[int, list[int]],
    count: int,
    rng: random.Random,
) -> list[PlannedUnit]:
    """Commune police of wards drawn from each province in turn, each ward at most once."""
    names = {int(ward.code): ward.name for ward in Ward.iter_all()}
    left = {
        head.province_code: rng.sample(wards[head.province_code], k=len(wards[head.province_code]))
        for head in heads
    }
    communes: list[PlannedUnit] = []
    turn = 0
    while len(communes) < count:
        head = heads[turn % len(heads)]
        turn += 1
        if not left[head.province_code]:
            if not any(left.values()):
                raise ValueError(f"the provinces have fewer than {count} communes")
            continue
        ward = left[head.province_code].pop()
        pk = next(ids)
        communes.append(
            PlannedUnit(
                pk,
                f"CAX-{ward:05d}",
                f"Công an {names[ward]}",
                Unit.Kind.COMMUNE,
                head.id,
                f"{head.path}{pk}/",
                head.province_code,
                ward,
            )
        )
    return communes
