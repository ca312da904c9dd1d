"""Soldiers of the cohorts 2024-2028 and how far each has gone along the path of DESIGN.md §3 by
today: counselled from month 15, surveyed (yes / no / undecided), registered at month 18 and sent
to an institution, enrolled and completed after discharge, placed in a job. The shares are those
of a province that does its work well but not perfectly, so that every figure is neither 0 nor
100 %.

A soldier's rows are plain tuples in the column order of the *_COLUMNS constants; the milestone
columns are left at their defaults, for soldiers.milestones.refresh to fill from these rows.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from functools import cache

from reports.loadgen.catalogue import COURSE_DAYS, Catalogue
from reports.loadgen.tree import PlannedUnit
from soldiers.dates import add_months, month_start
from soldiers.models import Counselling, Soldier
from units.vietnamese import name_sort_key

COHORT_YEARS = range(2024, 2029)
SERVICE_MONTHS = 24
SURVEY_MONTH, REGISTRATION_MONTH = 15, 18
DAY = dt.timedelta(days=1)
# When he enrolled and completed (either may be None).
School = tuple[dt.date | None, dt.date | None]

FAMILIES = (
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Vũ", 4),
    ("Phan", 4),
    ("Đặng", 3),
    ("Bùi", 3),
    ("Đỗ", 3),
    ("Hồ", 2),
    ("Ngô", 2),
    ("Dương", 2),
    ("Lý", 1),
)
MIDDLE_MEN = ("Văn", "Đức", "Minh", "Quốc", "Hữu", "Thành", "Công", "Xuân", "Duy", "Trọng")
MIDDLE_WOMEN = ("Thị", "Thu", "Ngọc", "Minh", "Thanh")
GIVEN_MEN = [
    "An",
    "Anh",
    "Bảo",
    "Bình",
    "Cường",
    "Chiến",
    "Dũng",
    "Duy",
    "Đạt",
    "Đức",
    "Giang",
    "Hải",
    "Hiếu",
    "Hoàng",
    "Hùng",
    "Huy",
    "Khang",
    "Khánh",
    "Khoa",
    "Kiên",
    "Lâm",
    "Linh",
    "Long",
    "Lộc",
    "Mạnh",
    "Minh",
    "Nam",
    "Nghĩa",
    "Phong",
    "Phúc",
    "Quân",
    "Quang",
    "Sơn",
    "Tài",
    "Thắng",
    "Thành",
    "Tiến",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
]
GIVEN_WOMEN = [
    "Anh",
    "Hà",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Ngọc",
    "Nhung",
    "Phương",
    "Thảo",
    "Trang",
    "Yến",
]
RANKS = (
    (6, Soldier.Rank.PRIVATE_2),
    (12, Soldier.Rank.PRIVATE_1),
    (18, Soldier.Rank.CORPORAL),
    (99, Soldier.Rank.SERGEANT),
)
TRAINING_ANSWERS = ("yes", "no", "undecided")
TRAINING_WEIGHTS = (45, 35, 20)
PLACEMENT_KINDS = (
    ("enterprise", 65),
    ("self_employed", 15),
    ("abroad", 10),
    ("police_contract", 5),
    ("further_study", 5),
)
EVIDENCE = {
    "enterprise": "labour_contract",
    "police_contract": "hiring_decision",
    "self_employed": "self_employment",
    "abroad": "labour_contract",
    "further_study": "",
}
SOURCES = ("job_fair", "commune_police", "unit", "own_search")
COUNSELLING_KINDS = tuple(Counselling.Kind.values)

SOLDIER_COLUMNS = (
    "id",
    "full_name",
    "sort_key",
    "date_of_birth",
    "gender",
    "citizen_id",
    "phone",
    "home_province_code",
    "home_ward_code",
    "unit_id",
    "rank",
    "enlistment_date",
    "expected_discharge_date",
    "actual_discharge_date",
    "archived",
    "archived_reason",
    "version",
    "created_at",
    "updated_at",
)
COUNSELLING_COLUMNS = ("soldier_id", "date", "kind", "officer_id", "note", "created_at")
WISH_COLUMNS = (
    "soldier_id",
    "is_current",
    "surveyed_on",
    "wants_training",
    "occupation_id",
    "wants_job_referral",
    "preferred_work_place",
    "stay_in_police",
    "wants_loan",
    "loan_purpose",
    "recorded_by_id",
    "created_at",
)
REGISTRATION_COLUMNS = (
    "soldier_id",
    "occupation_id",
    "course_id",
    "institution_id",
    "status",
    "wished_on",
    "sent_on",
    "enrolled_on",
    "completed_on",
    "certificate_number",
    "withdrawn_on",
    "withdrawal_reason",
    "created_by_id",
    "created_at",
)
PLACEMENT_COLUMNS = (
    "soldier_id",
    "kind",
    "employer_id",
    "occupation_id",
    "workplace",
    "started_on",
    "salary_vnd",
    "evidence",
    "source",
    "recorded_by_id",
    "created_at",
)
CHANGE_COLUMNS = ("soldier_id", "at", "by_id", "action", "changes")


@dataclass
class Rows:
    """The rows of a batch of soldiers, table by table."""

    soldiers: list[tuple] = field(default_factory=list)
    counsellings: list[tuple] = field(default_factory=list)
    wishes: list[tuple] = field(default_factory=list)
    registrations: list[tuple] = field(default_factory=list)
    placements: list[tuple] = field(default_factory=list)
    changes: list[tuple] = field(default_factory=list)


@dataclass(frozen=True)
class World:
    """What every soldier's path draws from, and the day the paths stop at."""

    today: dt.date
    now: dt.datetime
    catalogue: Catalogue
    occupations: list[tuple[int, str]]
    wards: dict[int, list[int]]
    provinces: list[int]
    birth_codes: list[int]
    officers: dict[int, int]  # unit id -> the account that records for it


@cache
def sort_key(full_name: str) -> str:
    # A million soldiers share a few thousand names: each key is computed once.
    return name_sort_key(full_name)


class Path:
    """One soldier and what happened to him, appended to `rows`."""

    def __init__(self, world: World, rng: random.Random, rows: Rows) -> None:
        self.world, self.rng, self.rows = world, rng, rows

    def soldier(self, pk: int, serial: int, unit: PlannedUnit) -> None:
        rng, world = self.rng, self.world
        year = rng.choice(COHORT_YEARS)
        month = rng.choice((2, 2, 3, 3, 9))  # the spring call-up, and a smaller one in September
        enlisted = dt.date(year - SERVICE_MONTHS // 12, month, rng.randint(1, 28))
        expected = add_months(enlisted, SERVICE_MONTHS)
        actual = None
        if expected <= world.today and rng.random() < 0.05:
            actual = expected - rng.randint(5, 60) * DAY  # discharged early (health, family)
        discharge = actual or expected
        male = rng.random() < 0.96
        born = dt.date(enlisted.year - rng.randint(19, 25), rng.randint(1, 12), rng.randint(1, 28))
        name = self._name(male)
        province = unit.province_code if rng.random() < 0.85 else rng.choice(world.provinces)
        archived = rng.random() < 0.01
        self.rows.soldiers.append(
            (
                *(pk, name, sort_key(name), born, "male" if male else "female"),
                self._citizen_id(serial, born, male),
                f"09{rng.randrange(10**8):08d}",
                *(province, rng.choice(world.wards[province]), unit.id),
                _rank(enlisted, min(discharge, world.today)),
                *(enlisted, expected, actual, archived),
                "Chuyển ngành trước khi xuất ngũ" if archived else "",
                *(1, world.now, world.now),
            )
        )
        self.rows.changes.append((pk, world.now, None, "imported", {}))
        if month_start(enlisted, SURVEY_MONTH) <= world.today:
            self._path(pk, unit, enlisted, discharge)

    def _name(self, male: bool) -> str:
        rng = self.rng
        family = rng.choices(FAMILIES_NAMES, cum_weights=FAMILIES_CUMULATIVE)[0]
        if male:
            return f"{family} {rng.choice(MIDDLE_MEN)} {rng.choice(GIVEN_MEN)}"
        return f"{family} {rng.choice(MIDDLE_WOMEN)} {rng.choice(GIVEN_WOMEN)}"

    def _citizen_id(self, serial: int, born: dt.date, male: bool) -> str:
        """Unique by construction: the last six digits are the serial's, and each million
        serials further shifts the birth code (63 codes: 63 million soldiers at most); the
        gender-and-century digit and the year agree with his birth."""
        codes = self.world.birth_codes
        block, number = divmod(serial, 1_000_000)
        code = codes[(number * 7919 + block) % len(codes)]
        digit = (0 if born.year < 2000 else 2) + (0 if male else 1)
        return f"{code:03d}{digit}{born.year % 100:02d}{number:06d}"

    def _path(self, pk: int, unit: PlannedUnit, enlisted: dt.date, discharge: dt.date) -> None:
        rng, today = self.rng, self.world.today
        officer = self.world.officers[unit.id]
        survey = month_start(enlisted, SURVEY_MONTH)
        until = min(discharge, today)
        if rng.random() < 0.93:
            self._counsel(pk, survey, until, discharge, officer)
        if rng.random() > 0.9:
            return
        surveyed = min(survey + rng.randint(0, 60) * DAY, until)
        answer = rng.choices(TRAINING_ANSWERS, TRAINING_WEIGHTS)[0]
        occupation = self._wish(pk, surveyed, answer, officer)
        registration = month_start(enlisted, REGISTRATION_MONTH)
        school: School = (None, None)
        if answer == "yes" and registration <= today and rng.random() < 0.88:
            school = self._register(pk, unit, occupation, surveyed, registration, discharge)
        if discharge <= today:
            self._place(pk, unit, occupation, discharge, school, officer)

    def _counsel(
        self, pk: int, survey: dt.date, until: dt.date, discharge: dt.date, officer: int
    ) -> None:
        rng, world = self.rng, self.world
        span = max((until - survey).days, 0)
        days = sorted(survey + rng.randint(0, span) * DAY for _ in range(rng.randint(1, 3)))
        if discharge < world.today and rng.random() < 0.04:
            # Counselled only after his discharge: on file, but not counted as counselled.
            days = [min(discharge + rng.randint(1, 90) * DAY, world.today)]
        for day in days:
            kind = rng.choice(COUNSELLING_KINDS)
            self.rows.counsellings.append((pk, day, kind, officer, "", world.now))

    def _wish(self, pk: int, surveyed: dt.date, answer: str, officer: int) -> int | None:
        rng, now = self.rng, self.world.now
        occupations = self.world.occupations
        occupation = None
        if answer == "yes" or (answer == "undecided" and rng.random() < 0.5):
            occupation = rng.choice(occupations)[0]
        if rng.random() < 0.1:
            # An earlier answer, replaced since: history, not counted.
            earlier = surveyed - rng.randint(20, 90) * DAY
            self.rows.wishes.append(
                (pk, False, earlier, "undecided", None, False, "", "no", False, "", officer, now)
            )
        loan = rng.random() < 0.1
        stay = rng.choices(("no", "school_exam", "police_contract"), (92, 5, 3))[0]
        self.rows.wishes.append(
            (
                *(pk, True, surveyed, answer, occupation, rng.random() < 0.6),
                rng.choice(("home_province", "home_province", "elsewhere", "abroad", "")),
                *(
                    stay,
                    loan,
                    rng.choice(("work_abroad", "start_up", "production")) if loan else "",
                ),
                *(officer, now),
            )
        )
        return occupation

    def _register(
        self,
        pk: int,
        unit: PlannedUnit,
        occupation: int | None,
        surveyed: dt.date,
        month_18: dt.date,
        discharge: dt.date,
    ) -> School:
        """His registration, moved as far as today allows; returns when he enrolled and
        completed."""
        rng, today = self.rng, self.world.today
        wished = min(max(surveyed, month_18 - 30 * DAY) + rng.randint(0, 20) * DAY, today)
        sent = month_18 + rng.randint(0, 30) * DAY
        courses = self.world.catalogue.course_for.get((unit.province_code, occupation, sent.year))
        course, institution = rng.choice(courses) if courses else (None, None)
        from_ledger = rng.random() < 0.1  # the tracking ledger names no institution
        if from_ledger:
            course = institution = sent = None
        elif sent > today:
            sent = None
        status, enrolled, completed, withdrawn = (
            "wished" if sent is None else "sent",
            None,
            None,
            None,
        )
        start = discharge + rng.randint(10, 90) * DAY
        if discharge <= today and start <= today and (sent or from_ledger):
            roll = rng.random()
            if roll < 0.06:
                status, withdrawn = "withdrawn", start
            elif roll < 0.84:
                status, enrolled = "enrolled", start
                end = start + (COURSE_DAYS + rng.randint(-10, 30)) * DAY
                if end <= today and rng.random() < 0.9:
                    status, completed = "completed", end
        if from_ledger and enrolled is None:
            return None, None  # the ledger only records those who went to school
        certificate = f"CC-{pk}" if completed and institution else ""
        self.rows.registrations.append(
            (
                *(pk, occupation, course, institution, status, min(wished, sent or wished)),
                *(sent, enrolled, completed, certificate, withdrawn),
                "Đi làm việc ngay sau xuất ngũ" if withdrawn else "",
                *(self.world.officers[unit.id], self.world.now),
            )
        )
        return enrolled, completed

    def _place(
        self,
        pk: int,
        unit: PlannedUnit,
        occupation: int | None,
        discharge: dt.date,
        school: School,
        officer: int,
    ) -> None:
        rng, today = self.rng, self.world.today
        enrolled, completed = school
        if completed:
            chance, start = 0.78, completed + rng.randint(0, 120) * DAY
        elif enrolled:  # still at school: few find a job meanwhile
            chance, start = 0.1, enrolled + rng.randint(30, 200) * DAY
        else:
            chance, start = 0.45, discharge + rng.randint(15, 365) * DAY
        if start > today or rng.random() >= chance:
            return
        kind = rng.choices(PLACEMENT_KINDS_NAMES, cum_weights=PLACEMENT_CUMULATIVE)[0]
        employers = self.world.catalogue.employers_in.get(unit.province_code)
        employer = rng.choice(employers) if kind == "enterprise" and employers else None
        self.rows.placements.append(
            (
                *(pk, kind, employer, occupation if completed else None),
                "" if employer else "Tại địa phương",
                *(start, rng.randrange(5_000_000, 16_000_000, 500_000), EVIDENCE[kind]),
                *(rng.choice(SOURCES), officer, self.world.now),
            )
        )


def _rank(enlisted: dt.date, on: dt.date) -> str:
    months = (on.year - enlisted.year) * 12 + on.month - enlisted.month
    return next(rank for limit, rank in RANKS if months < limit)


def _cumulative(weights: tuple[int, ...]) -> list[int]:
    total, result = 0, []
    for weight in weights:
        total += weight
        result.append(total)
    return result


FAMILIES_NAMES = [name for name, _weight in FAMILIES]
FAMILIES_CUMULATIVE = _cumulative(tuple(weight for _name, weight in FAMILIES))
PLACEMENT_KINDS_NAMES = [kind for kind, _weight in PLACEMENT_KINDS]
PLACEMENT_CUMULATIVE = _cumulative(tuple(weight for _kind, weight in PLACEMENT_KINDS))
