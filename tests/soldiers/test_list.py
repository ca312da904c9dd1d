from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from soldiers import services
from soldiers.models import Soldier
from tests.factories import SoldierFactory
from training.models import CareerWish, Occupation
from training.services import career_wish_record
from units.models import User

# 01/08/2026: a soldier enlisted on 15/02/2025 is in month 18, discharged on 15/02/2027.
NOW = dt.datetime(2026, 8, 1, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def hq(users) -> User:
    return users[User.Role.HQ_STAFF]


def listed(client, **params) -> list[str]:
    response = client.get(reverse("soldiers:list"), params)
    assert response.status_code == 200
    return [row.soldier.full_name for row in response.context["rows"]]


def wish(soldier: Soldier, user: User, wants_training: str, occupation: str = "") -> CareerWish:
    return career_wish_record(
        user=user,
        soldier=soldier,
        surveyed_on=dt.date(2026, 6, 1),
        wants_training=wants_training,
        occupation=Occupation.objects.get(name=occupation) if occupation else None,
    )


def test_list_is_in_vietnamese_order_by_given_name_then_whole_name(login, tree, hq) -> None:
    for name in ["Đỗ Văn Đặng", "Lê Văn Ân", "Trần Văn An", "Phạm Văn Bình", "Hoàng Văn Ăn"]:
        SoldierFactory(unit=tree.pk02, full_name=name)
    for name in ["Vũ Văn Ánh", "Ngô Văn Dương", "Bùi Văn An"]:
        SoldierFactory(unit=tree.pc07, full_name=name)

    assert listed(login(hq)) == [
        "Bùi Văn An",
        "Trần Văn An",
        "Vũ Văn Ánh",
        "Hoàng Văn Ăn",
        "Lê Văn Ân",
        "Phạm Văn Bình",
        "Ngô Văn Dương",
        "Đỗ Văn Đặng",
    ]


def test_list_sorts_by_enlistment_and_by_discharge_date_both_ways(login, tree, hq) -> None:
    SoldierFactory(unit=tree.pk02, full_name="Trần Văn An", enlistment_date=dt.date(2025, 2, 15))
    SoldierFactory(unit=tree.pk02, full_name="Lê Văn Bình", enlistment_date=dt.date(2024, 9, 1))
    SoldierFactory(
        unit=tree.pk02,
        full_name="Ngô Văn Cường",
        enlistment_date=dt.date(2025, 9, 1),
        # Discharged early: the actual date, not the expected one, places him.
        actual_discharge_date=dt.date(2026, 3, 1),
    )
    client = login(hq)

    assert listed(client, sort="enlistment") == ["Lê Văn Bình", "Trần Văn An", "Ngô Văn Cường"]
    assert listed(client, sort="-enlistment") == ["Ngô Văn Cường", "Trần Văn An", "Lê Văn Bình"]
    assert listed(client, sort="discharge") == ["Ngô Văn Cường", "Lê Văn Bình", "Trần Văn An"]
    assert listed(client, sort="-discharge") == ["Trần Văn An", "Lê Văn Bình", "Ngô Văn Cường"]


def test_an_unknown_sort_falls_back_to_the_name_order(login, tree, hq) -> None:
    SoldierFactory(unit=tree.pk02, full_name="Trần Văn Bình")
    SoldierFactory(unit=tree.pk02, full_name="Lê Văn An")

    assert listed(login(hq), sort="citizen_id") == ["Lê Văn An", "Trần Văn Bình"]


def test_search_by_name_needs_every_word_whatever_the_case(login, tree, hq) -> None:
    SoldierFactory(unit=tree.pk02, full_name="Nguyễn Văn Hùng")
    SoldierFactory(unit=tree.pk02, full_name="Lê Văn Hùng")
    SoldierFactory(unit=tree.pk02, full_name="Nguyễn Văn An")
    client = login(hq)

    assert listed(client, q="nguyễn  hùng") == ["Nguyễn Văn Hùng"]
    assert listed(client, q="NGUYễN văn an") == ["Nguyễn Văn An"]
    assert listed(client, q="hùng") == ["Lê Văn Hùng", "Nguyễn Văn Hùng"]


def test_search_by_the_whole_citizen_id_or_its_last_four_digits(login, tree, hq) -> None:
    hung = SoldierFactory(unit=tree.pk02, full_name="Nguyễn Văn Hùng", citizen_id="037205001234")
    SoldierFactory(unit=tree.pk02, full_name="Lê Văn An", citizen_id="037205005678")
    client = login(hq)

    assert listed(client, q=hung.citizen_id) == ["Nguyễn Văn Hùng"]
    assert listed(client, q="0372 0500 1234") == ["Nguyễn Văn Hùng"]
    assert listed(client, q="1234") == ["Nguyễn Văn Hùng"]
    # A part of the number that is neither whole nor its tail finds nobody.
    assert listed(client, q="0372050") == []


def test_unit_filter_includes_the_sub_units(login, tree, hq) -> None:
    SoldierFactory(unit=tree.pk02, full_name="Trần Văn An")
    SoldierFactory(unit=tree.pk02_d1_t1, full_name="Lê Văn Bình")
    SoldierFactory(unit=tree.pc07, full_name="Ngô Văn Cường")
    client = login(hq)

    assert listed(client, unit=tree.pk02.pk) == ["Trần Văn An", "Lê Văn Bình"]
    assert listed(client, unit=tree.pk02_d1.pk) == ["Lê Văn Bình"]
    assert listed(client, unit=tree.pc07.pk) == ["Ngô Văn Cường"]


def test_an_officer_cannot_filter_on_a_unit_outside_his_scope(login, tree, users) -> None:
    SoldierFactory(unit=tree.pk02, full_name="Trần Văn An")
    SoldierFactory(unit=tree.pc07, full_name="Ngô Văn Cường")
    client = login(users[User.Role.UNIT_OFFICER])

    response = client.get(reverse("soldiers:list"), {"unit": tree.pc07.pk})

    # The unknown unit is ignored, never used to reach another unit's soldiers.
    assert [row.soldier.full_name for row in response.context["rows"]] == ["Trần Văn An"]
    assert [u.code for u in response.context["filters"].fields["unit"].queryset] == [
        "PK02",
        "PK02-D1",
        "PK02-D1-T1",
    ]


@pytest.mark.parametrize(
    ("milestone", "expected"),
    [
        ("before_survey", ["Ngô Văn Bình"]),
        ("survey_due", ["Lê Văn Dũng"]),
        ("registration_due", ["Trần Văn An"]),
        ("discharging", ["Phạm Văn Em"]),
        ("discharged", ["Vũ Văn Giang"]),
    ],
)
def test_milestone_filter_as_of_today(login, tree, hq, milestone, expected) -> None:
    SoldierFactory(unit=tree.pk02, full_name="Trần Văn An", enlistment_date=dt.date(2025, 2, 15))
    SoldierFactory(unit=tree.pk02, full_name="Ngô Văn Bình", enlistment_date=dt.date(2025, 9, 1))
    SoldierFactory(unit=tree.pk02, full_name="Lê Văn Dũng", enlistment_date=dt.date(2025, 5, 1))
    SoldierFactory(unit=tree.pk02, full_name="Phạm Văn Em", enlistment_date=dt.date(2024, 8, 20))
    SoldierFactory(unit=tree.pk02, full_name="Vũ Văn Giang", enlistment_date=dt.date(2024, 7, 1))

    response = login(hq).get(reverse("soldiers:list"), {"milestone": milestone})

    assert [row.soldier.full_name for row in response.context["rows"]] == expected
    assert [row.milestone for row in response.context["rows"]] == [milestone]


def test_discharge_year_uses_the_actual_date_before_the_expected_one(login, tree, hq) -> None:
    SoldierFactory(unit=tree.pk02, full_name="Trần Văn An", enlistment_date=dt.date(2025, 2, 15))
    SoldierFactory(unit=tree.pk02, full_name="Lê Văn Bình", enlistment_date=dt.date(2024, 9, 1))
    SoldierFactory(
        unit=tree.pk02,
        full_name="Ngô Văn Cường",
        enlistment_date=dt.date(2025, 2, 15),
        actual_discharge_date=dt.date(2026, 12, 31),
    )
    client = login(hq)

    assert listed(client, year=2026) == ["Lê Văn Bình", "Ngô Văn Cường"]
    assert listed(client, year=2027) == ["Trần Văn An"]
    assert listed(client, year=2025) == []


def test_wants_training_filter_reads_the_current_wish_only(login, tree, hq) -> None:
    an = SoldierFactory(unit=tree.pk02, full_name="Trần Văn An")
    binh = SoldierFactory(unit=tree.pk02, full_name="Lê Văn Bình")
    cuong = SoldierFactory(unit=tree.pk02, full_name="Ngô Văn Cường")
    SoldierFactory(unit=tree.pk02, full_name="Phạm Văn Dũng")
    wish(an, hq, "yes", "Hàn")
    wish(binh, hq, "yes", "Điện dân dụng")
    wish(binh, hq, "no")  # he changed his mind: only the newer answer counts
    wish(cuong, hq, "undecided")
    client = login(hq)

    assert listed(client, training="yes") == ["Trần Văn An"]
    assert listed(client, training="no") == ["Lê Văn Bình"]
    assert listed(client, training="undecided") == ["Ngô Văn Cường"]
    assert listed(client, training="none") == ["Phạm Văn Dũng"]


def test_archived_files_are_left_out_unless_asked_for(login, tree, hq) -> None:
    SoldierFactory(unit=tree.pk02, full_name="Trần Văn An")
    gone = SoldierFactory(unit=tree.pk02, full_name="Lê Văn Bình")
    services.soldier_archive(user=hq, soldier=gone, reason="Chuyển đơn vị ngoài tỉnh")
    client = login(hq)

    assert listed(client) == ["Trần Văn An"]
    assert listed(client, archived="on") == ["Lê Văn Bình"]


def test_filters_combine(login, tree, hq) -> None:
    an = SoldierFactory(unit=tree.pk02_d1, full_name="Trần Văn An")
    SoldierFactory(unit=tree.pk02_d1, full_name="Trần Văn Bình")
    other = SoldierFactory(unit=tree.pc07, full_name="Trần Văn Cường")
    wish(an, hq, "yes", "Hàn")
    wish(other, hq, "yes", "Hàn")

    assert listed(
        login(hq), q="trần", unit=tree.pk02.pk, training="yes", milestone="registration_due"
    ) == ["Trần Văn An"]


def test_each_row_shows_masked_id_service_month_milestone_and_current_wish(login, tree, hq) -> None:
    an = SoldierFactory(
        unit=tree.pk02,
        full_name="Trần Văn An",
        citizen_id="037205001234",
        date_of_birth=dt.date(2005, 3, 10),
        enlistment_date=dt.date(2025, 2, 15),
        rank=Soldier.Rank.CORPORAL,
    )
    wish(an, hq, "yes", "Hàn")

    response = login(hq).get(reverse("soldiers:list"))

    html = response.content.decode()
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html, flags=re.S)
    assert [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells] == [
        "Trần Văn An",
        "********1234",
        "10/03/2005",
        "PK02",
        "Hạ sĩ",
        "15/02/2025",
        "15/02/2027",
        "18",
        "Tháng thứ 18: cần đăng ký học nghề",
        "Có · Hàn",
    ]
    assert "037205001234" not in html
    assert '<span class="text-muted" data-testid="total">1 chiến sĩ</span>' in html


def test_a_soldier_not_surveyed_yet_says_so(login, tree, hq) -> None:
    SoldierFactory(unit=tree.pk02, full_name="Trần Văn An")

    html = login(hq).get(reverse("soldiers:list")).content.decode()

    assert '<span class="text-muted">Chưa khảo sát</span>' in html


def test_the_list_pages_by_fifty_with_the_total_count(login, tree, hq) -> None:
    SoldierFactory.create_batch(51, unit=tree.pk02)
    client = login(hq)

    first = client.get(reverse("soldiers:list"))
    second = client.get(reverse("soldiers:list"), {"page": 2})

    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 1
    assert '<span class="text-muted" data-testid="total">51 chiến sĩ</span>' in (
        first.content.decode()
    )
    assert "Trang 1/2" in first.content.decode()


def test_the_list_costs_the_same_queries_for_5_and_500_soldiers(
    login, tree, hq, django_assert_max_num_queries, django_assert_num_queries
) -> None:
    def add(count: int) -> None:
        for index, soldier in enumerate(SoldierFactory.create_batch(count, unit=tree.pk02_d1)):
            if index % 2 == 0:
                wish(soldier, hq, "yes", "Hàn")

    add(5)
    client = login(hq)
    params = {"unit": tree.pk02.pk, "training": "yes", "milestone": "registration_due"}
    client.get(reverse("soldiers:list"), params)  # warm the session and the caches
    with django_assert_max_num_queries(20) as small:
        first = client.get(reverse("soldiers:list"), params)
    add(495)

    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(reverse("soldiers:list"), params)

    assert len(first.context["rows"]) == 3
    assert response.context["page"].paginator.count == 251
    assert len(response.context["rows"]) == 50
