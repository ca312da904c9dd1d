"""Soldiers of the 2026 cohort taken along their path through our own services, for the
dashboard and summary tests."""

from __future__ import annotations

import datetime as dt

from employers import services as job_services
from soldiers import services as soldier_services
from soldiers.models import Soldier
from tests.factories import CourseFactory, SoldierFactory
from training import services as training_services
from training.models import Occupation
from units.models import Unit, User

YEAR = 2026
# Enlisted 01/03/2024: expected discharge 01/03/2026, so in the 2026 cohort.
ENLISTED_2026 = dt.date(2024, 3, 1)
ENLISTED_2027 = dt.date(2025, 3, 1)


def soldier(unit: Unit, **kwargs: object) -> Soldier:
    kwargs.setdefault("enlistment_date", ENLISTED_2026)
    return SoldierFactory(unit=unit, **kwargs)


def counsel(user: User, s: Soldier, day: dt.date = dt.date(2025, 10, 1)) -> None:
    soldier_services.counselling_record(user=user, soldier=s, date=day, kind="career_guidance")


def wish(
    user: User, s: Soldier, wants: str = "yes", occupation: str = "DCN", day=dt.date(2025, 6, 1)
) -> None:
    training_services.career_wish_record(
        user=user,
        soldier=s,
        surveyed_on=day,
        wants_training=wants,
        occupation=Occupation.objects.get(code=occupation) if wants == "yes" else None,
    )


def enrol(user: User, s: Soldier, day: dt.date = dt.date(2026, 4, 1)) -> None:
    registration = training_services.registration_create(
        user=user, soldier=s, course=CourseFactory(), on=day - dt.timedelta(days=20)
    )
    training_services.registrations_send(
        user=user, registrations=[registration], on=day - dt.timedelta(days=10)
    )
    training_services.registration_enrol(user=user, registration=registration, on=day)


def place(user: User, s: Soldier, day: dt.date = dt.date(2026, 6, 1)) -> None:
    job_services.placement_record(user=user, soldier=s, kind="self_employed", started_on=day)


def along(user: User, s: Soldier, stage: str) -> Soldier:
    """Take a soldier as far as `stage`: "counselled", "refused" (counselled, wants no
    training), "wished", "trained" or "employed"."""
    counsel(user, s)
    if stage == "refused":
        wish(user, s, wants="no")
    if stage in ("wished", "trained", "employed"):
        wish(user, s)
    if stage in ("trained", "employed"):
        enrol(user, s)
    if stage == "employed":
        place(user, s)
    return s


def province_cohort(tree, user: User) -> dict[str, Soldier]:
    """The 2026 cohort of the `tree` fixture, by unit (sub-units count in their parents):
    PK02 (An employed, Bình trained) ⊃ PK02-D1 ⊃ PK02-D1-T1 (Cường wished, Dũng refused);
    PC07 (Em trained, Giang untouched, Hà employed). Plus a soldier of 2027 and an archived one
    of 2026, both out of the figures."""
    people = {
        "An": along(user, soldier(tree.pk02, full_name="Trần Văn An"), "employed"),
        "Bình": along(user, soldier(tree.pk02, full_name="Lê Văn Bình"), "trained"),
        "Cường": along(user, soldier(tree.pk02_d1_t1, full_name="Đỗ Văn Cường"), "wished"),
        "Dũng": along(user, soldier(tree.pk02_d1_t1, full_name="Vũ Văn Dũng"), "refused"),
        "Em": along(user, soldier(tree.pc07, full_name="Hoàng Văn Em"), "trained"),
        "Giang": soldier(tree.pc07, full_name="Lý Văn Giang"),
        "Hà": along(user, soldier(tree.pc07, full_name="Mai Văn Hà"), "employed"),
    }
    later = soldier(tree.pk02, full_name="Ngô Văn Khoa", enlistment_date=ENLISTED_2027)
    along(user, later, "trained")
    archived = along(user, soldier(tree.pk02, full_name="Bùi Văn Long"), "trained")
    soldier_services.soldier_archive(user=user, soldier=archived, reason="Chuyển ngành")
    return people
