"""`manage.py generate_load`: the benchmarks' national-scale data, here at a small scale (COPY on
PostgreSQL, batched inserts on SQLite), with milestone columns that agree with the rows."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db.models import Count

from employers.models import Employer, JobOpening, Placement
from soldiers import milestones
from soldiers.models import Counselling, Soldier, SoldierChange
from training.models import CareerWish, Course, Institution, Registration
from units.models import Unit, User

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, tzinfo=HANOI), tick=False):
        yield


def generate(**options: int) -> str:
    out = StringIO()
    call_command("generate_load", stdout=out, **({"soldiers": 200, "units": 20} | options))
    return out.getvalue()


@pytest.mark.django_db
def test_load_writes_exactly_the_units_and_soldiers_asked_for():
    # When
    output = generate(seed=7)

    # Then: one province's headquarters, two managing units, two sub-units, fifteen communes.
    assert Soldier.objects.count() == 200
    kinds = dict(Unit.objects.values_list("kind").annotate(n=Count("pk")).order_by())
    assert kinds == {"hq_department": 1, "managing": 4, "commune": 15}
    assert list(Unit.objects.filter(parent=None).values_list("code", "name")) == [
        ("CAT01", "Công an Hà Nội")
    ]
    assert list(
        Unit.objects.filter(kind="managing").order_by("pk").values_list("code", flat=True)
    ) == [
        "PK02-01",
        "PC07-01",
        "PK02-01-D1",
        "PC07-01-D1",
    ]
    # Every soldier is in a unit managing conscripts, with one history entry.
    assert set(Soldier.objects.values_list("unit__kind", flat=True)) == {"managing"}
    assert SoldierChange.objects.count() == 200
    # The command reports what it wrote, and that is what the tables hold.
    written = {
        "units.Unit": Unit.objects.count(),
        "units.User": User.objects.count(),
        "training.Institution": Institution.objects.count(),
        "training.Course": Course.objects.count(),
        "employers.Employer": Employer.objects.count(),
        "employers.JobOpening": JobOpening.objects.count(),
        "soldiers.Soldier": 200,
        "soldiers.SoldierChange": 200,
        "soldiers.Counselling": Counselling.objects.count(),
        "training.CareerWish": CareerWish.objects.count(),
        "training.Registration": Registration.objects.count(),
        "employers.Placement": Placement.objects.count(),
    }
    assert [line for line in output.splitlines() if not line.startswith("Thời gian")] == [
        f"{label}: {count}" for label, count in written.items()
    ]
    assert written["units.User"] == 3  # PX01 of the province, an officer per managing unit


@pytest.mark.django_db
def test_load_milestones_agree_with_the_related_rows():
    # When
    generate(seed=7)

    # Then: the one refresh() filled every soldier's columns as the services keep them.
    assert milestones.drifted() == []
    assert set(Soldier.objects.values_list("cohort_year", flat=True)) == {
        2024,
        2025,
        2026,
        2027,
        2028,
    }


@pytest.mark.django_db
def test_load_spreads_soldiers_along_the_whole_path():
    # When
    generate(seed=7)

    # Then: every answer of the survey, every stage of a registration, every kind of job.
    answers = set(
        CareerWish.objects.filter(is_current=True).values_list("wants_training", flat=True)
    )
    assert answers == {"yes", "no", "undecided"}
    statuses = set(Registration.objects.values_list("status", flat=True))
    assert statuses == {"sent", "enrolled", "completed", "withdrawn"}
    # Those discharged by today have outcomes; those enlisted in 2026 are before month 15.
    assert Soldier.objects.filter(cohort_year=2028, first_counselling_on__isnull=False).count() == 0
    assert Soldier.objects.filter(cohort_year=2024, employed_on__isnull=False).exists()
    # Registrations from the ledger name no institution, and still count by their dates.
    assert Registration.objects.filter(course=None, status__in=["enrolled", "completed"]).exists()


@pytest.mark.django_db
def test_same_seed_same_soldiers():
    # Given
    generate(seed=11)
    first = list(
        Soldier.objects.order_by("pk").values_list("full_name", "citizen_id", "unit__code")
    )

    # When: the tables are emptied and the load made again with the same seed
    for model in (Placement, Registration, CareerWish, Counselling, SoldierChange, Soldier):
        model.objects.all().delete()
    for model in (JobOpening, Employer, Course, Institution, User):
        model.objects.all().delete()
    for unit in sorted(Unit.objects.all(), key=lambda u: -u.depth):  # sub-units first
        unit.delete()
    generate(seed=11)

    # Then
    again = list(
        Soldier.objects.order_by("pk").values_list("full_name", "citizen_id", "unit__code")
    )
    assert again == first


@pytest.mark.django_db
def test_load_refuses_a_database_with_soldiers():
    # Given
    generate(seed=7)

    # When / Then
    with pytest.raises(CommandError) as refusal:
        generate(seed=8)
    assert str(refusal.value) == "The database already holds soldiers: load into an empty one."
    assert Soldier.objects.count() == 200
