from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from employers import matching as job_matching
from employers import services as job_services
from tests.factories import (
    CourseFactory,
    InstitutionFactory,
    JobOpeningFactory,
    SoldierFactory,
)
from training import matching, services
from training.models import Occupation
from units.models import User

TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def officer(users) -> User:
    return users[User.Role.UNIT_OFFICER]


def wish(officer, soldier, code="DCN", place="home_province"):
    return services.career_wish_record(
        user=officer,
        soldier=soldier,
        surveyed_on=dt.date(2026, 5, 20),
        wants_training="yes",
        occupation=Occupation.objects.get(code=code),
        wants_job_referral=True,
        preferred_work_place=place,
    )


@time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False)
def test_courses_rank_home_province_then_seats_then_cap_then_cost(tree, officer) -> None:
    soldier = SoldierFactory(unit=tree.pk02)
    wish(officer, soldier)
    home = InstitutionFactory(name="Trường nghề Ninh Bình")
    away = InstitutionFactory(name="Trường nghề Hà Nội", province_code=1, ward_code=4)
    full = CourseFactory(institution=home, seats=1, tuition_vnd=4_000_000)
    expensive = CourseFactory(institution=home, level="intermediate", tuition_vnd=40_000_000)
    cheap_home = CourseFactory(institution=home, level="under_3_months", tuition_vnd=5_000_000)
    cheap_away = CourseFactory(institution=away, tuition_vnd=1_000_000)
    CourseFactory(institution=home, level="college", occupation=Occupation.objects.get(code="HAN"))
    services.registration_create(
        user=officer, soldier=SoldierFactory(unit=tree.pk02), course=full, on=TODAY
    )
    services.registrations_send(
        user=officer, registrations=list(full.registrations.all()), on=TODAY
    )

    ranked = matching.courses_for(soldier, on=TODAY)

    assert [m.course for m in ranked] == [cheap_home, expensive, full, cheap_away]
    assert [(m.seats_left, m.same_province, m.within_cap) for m in ranked] == [
        (30, True, True),
        (30, True, False),
        (0, True, True),
        (30, False, True),
    ]
    assert ranked[0].reasons == [
        "đúng nghề mong muốn",
        "tại tỉnh quê",
        "còn 30 chỉ tiêu",
        "học phí trong mức hỗ trợ",
    ]


def test_no_wish_no_courses(tree) -> None:
    assert matching.courses_for(SoldierFactory(unit=tree.pk02), on=TODAY) == []


def test_openings_rank_trained_occupation_then_preferred_place_then_salary(tree, officer) -> None:
    soldier = SoldierFactory(unit=tree.pk02, enlistment_date=dt.date(2024, 3, 1))
    wish(officer, soldier, code="DCN", place="home_province")
    electrician_away = JobOpeningFactory(province_code=1, salary_max_vnd=15_000_000)
    electrician_home = JobOpeningFactory(salary_max_vnd=9_000_000)
    closed = JobOpeningFactory(open_until=dt.date(2026, 11, 30))
    JobOpeningFactory(occupation=Occupation.objects.get(code="MAY"))

    ranked = job_matching.openings_for(soldier, on=TODAY)

    assert [m.opening for m in ranked] == [electrician_home, electrician_away]
    assert closed not in [m.opening for m in ranked]
    assert ranked[0].reasons == ["đúng nghề mong muốn", "đúng nơi làm việc mong muốn"]


def test_soldiers_for_an_opening_are_those_trained_or_wishing_without_a_job(
    tree, officer, users
) -> None:
    opening = JobOpeningFactory()
    wishing = SoldierFactory(
        unit=tree.pk02, full_name="Trần Văn An", enlistment_date=dt.date(2024, 11, 1)
    )
    wish(officer, wishing)
    employed = SoldierFactory(
        unit=tree.pk02, full_name="Lê Văn Bình", enlistment_date=dt.date(2024, 11, 1)
    )
    wish(officer, employed)
    job_services.placement_record(
        user=officer, soldier=employed, kind="self_employed", started_on=dt.date(2026, 11, 2)
    )
    far_off = SoldierFactory(
        unit=tree.pk02, full_name="Đỗ Văn Cường", enlistment_date=dt.date(2025, 9, 1)
    )
    wish(officer, far_off)
    other_unit = SoldierFactory(
        unit=tree.pc07, full_name="Ngô Văn Dũng", enlistment_date=dt.date(2024, 11, 1)
    )
    wish(users[User.Role.HQ_STAFF], other_unit)

    assert list(job_matching.soldiers_for(opening, user=officer, on=TODAY)) == [wishing]
    assert list(job_matching.soldiers_for(opening, user=users[User.Role.HQ_STAFF], on=TODAY)) == [
        wishing,
        other_unit,
    ]


def test_occupation_gaps_compare_the_cohorts_wishes_with_seats_and_openings(tree, officer) -> None:
    in_2026 = {"unit": tree.pk02, "enlistment_date": dt.date(2024, 11, 1)}
    for _ in range(3):
        wish(officer, SoldierFactory(**in_2026))
    wish(officer, SoldierFactory(**in_2026), code="HAN")
    wish(officer, SoldierFactory(unit=tree.pk02, enlistment_date=dt.date(2025, 2, 15)))
    CourseFactory(seats=2, list_year=2026)
    JobOpeningFactory(headcount=4)

    gaps = job_matching.occupation_gaps(year=2026, on=TODAY)
    next_year = job_matching.occupation_gaps(year=2027, on=TODAY)

    assert [(g.occupation.code, g.wishing, g.seats, g.openings, g.seat_gap) for g in gaps] == [
        ("HAN", 1, 0, 0, 1),
        ("DCN", 3, 2, 4, 1),
    ]
    assert [(g.occupation.code, g.wishing, g.seats, g.openings) for g in next_year] == [
        ("DCN", 1, 0, 4),
    ]
