"""The catalogues a national load needs around its soldiers: each province's training
institutions and their courses year by year, its employers and their openings, and the accounts
that record counselling and outcomes (one officer per managing unit, one PX01 account per
province, none of which can log in: their passwords are unusable)."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from reports.loadgen.tree import PlannedUnit, Tree
from units.models import Unit, User

INSTITUTIONS_PER_PROVINCE = 4
OCCUPATIONS_PER_INSTITUTION = 8
EMPLOYERS_PER_PROVINCE = 10
OPENINGS_PER_EMPLOYER_YEAR = 2
COURSE_YEARS = range(2022, 2029)
OPENING_YEARS = range(2024, 2028)
COURSE_DAYS = 90
INSTITUTION_KINDS = (
    "Trường Cao đẳng nghề",
    "Trường Trung cấp nghề",
    "Trung tâm Giáo dục nghề nghiệp",
    "Trường Cao đẳng Kỹ thuật",
)
EMPLOYER_KINDS = ("Công ty TNHH", "Công ty Cổ phần", "Tổng công ty", "Công ty TNHH MTV")
EMPLOYER_NAMES = ("Sao Mai", "Hoàng Long", "Phú Thành", "Đại Việt", "Minh Phát", "An Khang")
INSTITUTION_COLUMNS = ("id", "name", "address", "province_code", "ward_code", "active")
COURSE_COLUMNS = (
    "id",
    "institution_id",
    "occupation_id",
    "level",
    "duration_months",
    "tuition_vnd",
    "support_vnd",
    "seats",
    "list_year",
    "approved",
    "active",
)
EMPLOYER_COLUMNS = ("id", "name", "tax_code", "address", "province_code", "sector", "active")
OPENING_COLUMNS = (
    "id",
    "employer_id",
    "occupation_id",
    "title",
    "headcount",
    "salary_min_vnd",
    "salary_max_vnd",
    "social_insurance",
    "province_code",
    "open_until",
    "list_year",
    "approved",
    "active",
)


@dataclass
class Catalogue:
    """Rows to write, and what the soldiers' paths pick from."""

    institutions: list[tuple[object, ...]] = field(default_factory=list)
    courses: list[tuple[object, ...]] = field(default_factory=list)
    employers: list[tuple[object, ...]] = field(default_factory=list)
    openings: list[tuple[object, ...]] = field(default_factory=list)
    # (province, occupation, list year) -> [(course, institution)]
    course_for: dict[tuple[int, int, int], list[tuple[int, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    employers_in: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))


def plan_catalogue(
    tree: Tree, occupations: list[tuple[int, str]], *, first_ids: dict[str, int], rng: random.Random
) -> Catalogue:
    """Institutions with their courses and employers with their openings, for every province."""
    planner = _Planner(occupations, first_ids, rng)
    for province in tree.provinces:
        code = int(province.code)
        short = province.name.removeprefix("Tỉnh ").removeprefix("Thành phố ")
        for number in range(INSTITUTIONS_PER_PROVINCE):
            planner.institution(code, short, number, ward=rng.choice(tree.wards[code]))
        for number in range(EMPLOYERS_PER_PROVINCE):
            planner.employer(code, short, number)
    return planner.catalogue


class _Planner:
    def __init__(
        self, occupations: list[tuple[int, str]], first_ids: dict[str, int], rng: random.Random
    ) -> None:
        self.catalogue = Catalogue()
        self.occupations = occupations
        self.rng = rng
        self.ids = {name: itertools.count(start) for name, start in first_ids.items()}

    def institution(self, code: int, short: str, number: int, *, ward: int) -> None:
        pk = next(self.ids["institution"])
        name = f"{INSTITUTION_KINDS[number % len(INSTITUTION_KINDS)]} số {number + 1} {short}"
        self.catalogue.institutions.append(
            (pk, name, f"Số {number + 1}, {short}", code, ward, True)
        )
        for occupation, _name in self.rng.sample(self.occupations, k=OCCUPATIONS_PER_INSTITUTION):
            tuition = self.rng.randrange(4_000_000, 12_000_000, 500_000)
            seats = self.rng.randrange(20, 80, 5)
            for year in COURSE_YEARS:
                course = next(self.ids["course"])
                self.catalogue.courses.append(
                    (
                        course,
                        pk,
                        occupation,
                        "elementary",
                        3,
                        tuition,
                        tuition,
                        seats,
                        year,
                        True,
                        True,
                    )
                )
                self.catalogue.course_for[code, occupation, year].append((course, pk))

    def employer(self, code: int, short: str, number: int) -> None:
        pk = next(self.ids["employer"])
        kind = EMPLOYER_KINDS[number % len(EMPLOYER_KINDS)]
        name = f"{kind} {self.rng.choice(EMPLOYER_NAMES)} {short}"
        tax_code = f"{code:03d}{number:07d}"
        self.catalogue.employers.append(
            (pk, name, tax_code, short, code, "Sản xuất, dịch vụ", True)
        )
        self.catalogue.employers_in[code].append(pk)
        for year in OPENING_YEARS:
            for occupation, trade in self.rng.sample(
                self.occupations, k=OPENINGS_PER_EMPLOYER_YEAR
            ):
                low = self.rng.randrange(6_000_000, 12_000_000, 500_000)
                headcount = self.rng.randrange(5, 60)
                self.catalogue.openings.append(
                    (
                        *(next(self.ids["opening"]), pk, occupation, trade, headcount),
                        *(low, low + 3_000_000, True, code, dt.date(year, 12, 31), year),
                        *(True, True),
                    )
                )


def accounts(units: Iterable[PlannedUnit]) -> list[User]:
    """An officer for each top-level managing unit (he sees its sub-units) and a PX01 account for
    each province's headquarters. The passwords are unusable: these accounts only author rows."""
    password = make_password(None)
    made = []
    for unit in units:
        if unit.kind == Unit.Kind.HQ_DEPARTMENT:
            role, name = User.Role.HQ_STAFF, f"px01.{unit.code.lower()}"
        elif unit.kind == Unit.Kind.MANAGING and unit.path.count("/") == 3:
            role, name = User.Role.UNIT_OFFICER, f"canbo.{unit.code.lower()}"
        else:
            continue
        made.append(
            User(
                username=name,
                full_name=f"Cán bộ {unit.code}",
                email=f"{name}@congan.local",
                unit_id=unit.id,
                role=role,
                password=password,
            )
        )
    return made
