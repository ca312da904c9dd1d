from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from employers import services as job_services
from reports.targets import figures, figures_by_unit, figures_with_units
from soldiers import milestones
from soldiers import services as soldier_services
from soldiers.models import Soldier
from tests.factories import CourseFactory, SoldierFactory
from training import services as training_services
from training.models import Occupation
from units.models import User

Y = 2026


@pytest.fixture
def officer(users) -> User:
    return users[User.Role.UNIT_OFFICER]


def soldier(tree, unit=None, **kwargs) -> Soldier:
    # Enlisted 01/03/2024: expected discharge 01/03/2026, cohort 2026.
    return SoldierFactory(unit=unit or tree.pk02, enlistment_date=dt.date(2024, 3, 1), **kwargs)


def counsel(officer, s, day) -> None:
    soldier_services.counselling_record(user=officer, soldier=s, date=day, kind="career_guidance")


def wish(officer, s, wants="yes", day=dt.date(2025, 6, 1)) -> None:
    training_services.career_wish_record(
        user=officer,
        soldier=s,
        surveyed_on=day,
        wants_training=wants,
        occupation=Occupation.objects.get(code="DCN") if wants == "yes" else None,
    )


def enrol(officer, s, day) -> None:
    registration = training_services.registration_create(
        user=officer, soldier=s, course=CourseFactory(), on=day - dt.timedelta(days=20)
    )
    training_services.registrations_send(
        user=officer, registrations=[registration], on=day - dt.timedelta(days=10)
    )
    training_services.registration_enrol(user=officer, registration=registration, on=day)


def place(officer, s, day) -> None:
    job_services.placement_record(user=officer, soldier=s, kind="self_employed", started_on=day)


def test_counselling_after_discharge_does_not_count(tree, officer) -> None:
    before, after = soldier(tree), soldier(tree)
    counsel(officer, before, dt.date(2026, 2, 28))
    counsel(officer, after, dt.date(2026, 3, 2))

    result = figures(year=Y, as_of=dt.date(2026, 12, 31))

    assert (result.cohort, result.counselled, result.counselled_rate) == (2, 1, 0.5)


def test_a_soldier_without_a_training_need_is_outside_both_denominators(tree, officer) -> None:
    needs, refuses = soldier(tree), soldier(tree)
    soldier(tree)  # never surveyed
    wish(officer, needs)
    wish(officer, refuses, wants="no")
    enrol(officer, needs, dt.date(2026, 4, 1))

    result = figures(year=Y, as_of=dt.date(2026, 12, 31))

    assert (result.cohort, result.need_training, result.trained) == (3, 1, 1)
    assert (result.trained_rate, result.employed_rate) == (1.0, 0.0)


def test_a_placement_before_enrolment_does_not_count(tree, officer) -> None:
    early, late = soldier(tree), soldier(tree)
    for s in (early, late):
        wish(officer, s)
        enrol(officer, s, dt.date(2026, 5, 1))
    place(officer, early, dt.date(2026, 4, 20))
    place(officer, late, dt.date(2026, 5, 1))

    result = figures(year=Y, as_of=dt.date(2026, 12, 31))

    assert (result.need_training, result.trained, result.employed_after_training) == (2, 2, 1)
    assert result.employed_rate == 0.5


def test_archived_soldiers_and_other_years_are_out(tree, officer) -> None:
    kept, archived = soldier(tree), soldier(tree)
    SoldierFactory(unit=tree.pk02, enlistment_date=dt.date(2025, 3, 1))  # cohort 2027
    soldier_services.soldier_archive(user=officer, soldier=archived, reason="Chuyển ngành")

    assert figures(year=Y, as_of=dt.date(2026, 12, 31)).cohort == 1
    assert kept.pk != archived.pk


def test_zero_denominators_give_no_data(db) -> None:
    result = figures(year=Y, as_of=dt.date(2026, 12, 31))

    assert (result.counselled_rate, result.trained_rate, result.employed_rate) == (None, None, None)
    assert result.meets == {"counselled": None, "trained": None, "employed": None}


def test_figures_are_asked_as_of_a_date(tree, officer) -> None:
    s = soldier(tree)
    counsel(officer, s, dt.date(2025, 10, 1))
    wish(officer, s, day=dt.date(2025, 11, 1))
    enrol(officer, s, dt.date(2026, 4, 1))
    place(officer, s, dt.date(2026, 6, 1))

    def counts(day):
        r = figures(year=Y, as_of=day)
        return r.counselled, r.need_training, r.trained, r.employed_after_training

    assert counts(dt.date(2025, 9, 30)) == (0, 0, 0, 0)
    assert counts(dt.date(2025, 10, 1)) == (1, 0, 0, 0)
    assert counts(dt.date(2026, 3, 31)) == (1, 1, 0, 0)
    assert counts(dt.date(2026, 4, 1)) == (1, 1, 1, 0)
    assert counts(dt.date(2026, 6, 1)) == (1, 1, 1, 1)


def test_a_unit_counts_its_sub_units_and_not_its_siblings(tree, officer, users) -> None:
    hq = users[User.Role.HQ_STAFF]
    counsel(officer, soldier(tree, tree.pk02_d1_t1), dt.date(2025, 10, 1))
    soldier(tree, tree.pk02)
    counsel(hq, soldier(tree, tree.pc07), dt.date(2025, 10, 1))

    by_unit = figures_by_unit(year=Y, as_of=dt.date(2026, 12, 31))

    assert figures(year=Y, as_of=dt.date(2026, 12, 31), unit=tree.pk02).cohort == 2
    assert [
        (by_unit[u.pk].cohort, by_unit[u.pk].counselled)
        for u in (tree.root, tree.pk02, tree.pk02_d1, tree.pc07)
    ] == [
        (3, 2),
        (2, 1),
        (1, 1),
        (1, 1),
    ]
    assert by_unit[tree.pk02.pk] == figures(year=Y, as_of=dt.date(2026, 12, 31), unit=tree.pk02)


def test_the_province_and_its_units_come_from_one_query(
    tree, officer, users, django_assert_num_queries
) -> None:
    trainee = soldier(tree, tree.pk02_d1_t1)
    wish(officer, trainee)
    enrol(officer, trainee, dt.date(2026, 3, 1))
    counsel(users[User.Role.HQ_STAFF], soldier(tree, tree.pc07), dt.date(2025, 10, 1))
    soldier(tree, tree.pk02)
    day = dt.date(2026, 12, 31)
    units = [tree.pk02, tree.pc07]

    with django_assert_num_queries(2):  # the cohort grouped by unit, and the tree
        province, by_unit = figures_with_units(year=Y, as_of=day, units=units)

    assert province == figures(year=Y, as_of=day)
    p = province
    assert (p.cohort, p.counselled, p.need_training, p.trained) == (3, 1, 1, 1)
    assert by_unit == figures_by_unit(year=Y, as_of=day, units=units)
    assert list(by_unit) == [tree.pk02.pk, tree.pc07.pk]


def test_compute_targets_prints_exactly_the_agreed_json(tree, officer) -> None:
    s = soldier(tree)
    counsel(officer, s, dt.date(2025, 10, 1))
    wish(officer, s)
    soldier(tree)
    out = StringIO()

    call_command(
        "compute_targets",
        "--year",
        "2026",
        "--unit",
        "pk02",
        "--as-of",
        "2026-12-31",
        "--json",
        stdout=out,
    )

    assert json.loads(out.getvalue()) == {
        "year": 2026,
        "unit": "PK02",
        "as_of": "2026-12-31",
        "cohort": 2,
        "counselled": 1,
        "need_training": 1,
        "trained": 0,
        "employed_after_training": 0,
        "counselled_rate": 0.5,
        "trained_rate": 0.0,
        "employed_rate": 0.0,
        "targets": {"counselled": 1.0, "trained": 0.6, "employed": 0.7},
    }


def test_the_figures_cost_one_query_whatever_the_size(
    tree, officer, django_assert_num_queries
) -> None:
    for _ in range(5):
        counsel(officer, soldier(tree), dt.date(2025, 10, 1))

    with django_assert_num_queries(1):
        figures(year=Y, as_of=dt.date(2026, 12, 31))
    with django_assert_num_queries(1):
        figures(year=Y, as_of=dt.date(2026, 12, 31), unit=tree.pk02)


def test_the_training_need_milestones_follow_the_current_wish(tree, officer) -> None:
    s = soldier(tree)
    dcn, han = Occupation.objects.get(code="DCN"), Occupation.objects.get(code="HAN")

    def need() -> tuple[bool, dt.date | None, int | None]:
        s.refresh_from_db()
        return s.need_training, s.need_training_since, s.need_training_occupation_id

    wish(officer, s, day=dt.date(2025, 6, 1))
    first = need()
    training_services.career_wish_record(
        user=officer,
        soldier=s,
        surveyed_on=dt.date(2025, 8, 1),
        wants_training="yes",
        occupation=han,
    )
    changed = need()
    wish(officer, s, wants="no", day=dt.date(2025, 9, 1))

    assert first == (True, dt.date(2025, 6, 1), dcn.pk)
    assert changed == (True, dt.date(2025, 8, 1), han.pk)
    assert need() == (False, None, None)
    assert milestones.drifted() == []


def test_recompute_finds_and_repairs_drift(tree, officer) -> None:
    s = soldier(tree)
    counsel(officer, s, dt.date(2025, 10, 1))
    assert milestones.drifted() == []
    Soldier.objects.filter(pk=s.pk).update(first_counselling_on=None, cohort_year=1999)

    with pytest.raises(Exception, match="1 chiến sĩ lệch"):
        call_command("recompute_milestones", "--check", stdout=StringIO())
    call_command("recompute_milestones", stdout=StringIO())

    assert milestones.drifted() == []
    s.refresh_from_db()
    assert (s.first_counselling_on, s.cohort_year) == (dt.date(2025, 10, 1), 2026)
