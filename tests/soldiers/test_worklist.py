from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from soldiers import selectors, services
from tests.factories import SoldierFactory
from training import services as training_services
from training.models import CareerWish, Occupation
from units.models import User

TODAY = dt.date(2026, 6, 10)
pytestmark = pytest.mark.usefixtures("frozen_today")
WORKLIST = "/soldiers/worklist/"


@pytest.fixture
def frozen_today():
    with time_machine.travel(
        dt.datetime(2026, 6, 10, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False
    ):
        yield


def survey(user, soldier, wants_training: str) -> None:
    occupation = Occupation.objects.get(code="HAN") if wants_training == "yes" else None
    training_services.career_wish_record(
        user=user,
        soldier=soldier,
        surveyed_on=dt.date(2026, 5, 1),
        wants_training=wants_training,
        occupation=occupation,
    )


def counsel(user, soldier) -> None:
    services.counselling_record(
        user=user, soldier=soldier, date=dt.date(2026, 5, 2), kind="information"
    )


@pytest.fixture
def soldiers(tree, users):
    """One soldier per case, named so that each list's order is visible."""
    hq = users[User.Role.HQ_STAFF]
    make = SoldierFactory
    an = make(full_name="Phạm Văn An", unit=tree.pk02_d1_t1, enlistment_date=dt.date(2025, 4, 10))
    make(full_name="Trần Văn Bảo", unit=tree.pk02_d1, enlistment_date=dt.date(2025, 4, 11))
    cuong = make(full_name="Đỗ Văn Cường", unit=tree.pk02_d1, enlistment_date=dt.date(2025, 1, 5))
    survey(hq, cuong, CareerWish.Training.YES)
    counsel(hq, cuong)
    dung = make(full_name="Vũ Văn Dũng", unit=tree.pk02_d1, enlistment_date=dt.date(2025, 1, 5))
    survey(hq, dung, CareerWish.Training.NO)
    counsel(hq, dung)
    make(full_name="Hoàng Văn Em", unit=tree.pk02, enlistment_date=dt.date(2024, 7, 5))
    make(full_name="Lý Văn Giang", unit=tree.pk02, enlistment_date=dt.date(2024, 5, 1))
    make(
        full_name="Mai Văn Hà",
        unit=tree.pk02,
        enlistment_date=dt.date(2025, 1, 5),
        actual_discharge_date=dt.date(2026, 6, 1),
    )
    archived = make(full_name="Ngô Văn Hải", unit=tree.pk02, enlistment_date=dt.date(2025, 3, 1))
    services.soldier_archive(user=hq, soldier=archived, reason="Chuyển công tác")
    make(full_name="Bùi Văn Khoa", unit=tree.pc07, enlistment_date=dt.date(2025, 3, 1))
    return an


def lists(response) -> dict[str, list[tuple[str, str, int, str]]]:
    return {
        part.section.key: [
            (row.soldier.full_name, row.soldier.unit.code, row.month, f"{row.date:%d/%m/%Y}")
            for row in part.rows
        ]
        for part in response.context["parts"]
    }


def test_the_unit_officer_sees_the_work_due_today_in_his_units(login, users, soldiers):
    response = login(users[User.Role.UNIT_OFFICER]).get(WORKLIST)

    assert response.status_code == 200
    assert lists(response) == {
        "survey": [
            ("Hoàng Văn Em", "PK02", 24, "05/09/2025"),
            ("Phạm Văn An", "PK02-D1-T1", 15, "10/06/2026"),
        ],
        "registration": [("Đỗ Văn Cường", "PK02-D1", 18, "05/06/2026")],
        "discharging": [("Hoàng Văn Em", "PK02", 24, "05/07/2026")],
        "counselling": [
            ("Hoàng Văn Em", "PK02", 24, "05/07/2026"),
            ("Phạm Văn An", "PK02-D1-T1", 15, "10/04/2027"),
        ],
    }


def test_headquarters_sees_the_work_of_every_unit(login, users, soldiers):
    response = login(users[User.Role.HQ_STAFF]).get(WORKLIST)

    assert lists(response)["survey"] == [
        ("Hoàng Văn Em", "PK02", 24, "05/09/2025"),
        ("Bùi Văn Khoa", "PC07", 16, "01/05/2026"),
        ("Phạm Văn An", "PK02-D1-T1", 15, "10/06/2026"),
    ]
    assert lists(response)["counselling"] == [
        ("Hoàng Văn Em", "PK02", 24, "05/07/2026"),
        ("Bùi Văn Khoa", "PC07", 16, "01/03/2027"),
        ("Phạm Văn An", "PK02-D1-T1", 15, "10/04/2027"),
    ]


def test_the_page_shows_each_part_with_its_count_and_links_to_the_file(login, users, soldiers):
    response = login(users[User.Role.UNIT_OFFICER]).get(WORKLIST)
    content = response.content.decode()
    [due] = next(p for p in response.context["parts"] if p.section.key == "registration").rows

    assert [
        content.count(f'data-testid="count-{key}">{count}<')
        for key, count in [("survey", 2), ("registration", 1), ("discharging", 1)]
    ] == [1, 1, 1]
    assert '<h2 class="h5">Cần khảo sát nguyện vọng' in content
    assert '<h2 class="h5">Xuất ngũ trong 30 ngày tới' in content
    assert f'href="{reverse("soldiers:detail", args=[soldiers.pk])}">Phạm Văn An</a>' in content
    assert f'href="{reverse("training:survey", args=[soldiers.pk])}"' in content
    assert f'href="{reverse("soldiers:counselling_add", args=[soldiers.pk])}"' in content
    register = reverse("training:registration_create", args=[due.soldier.pk])
    assert f'<a href="{register}">Đăng ký học nghề</a>' in content


def test_a_survey_or_counselling_takes_the_soldier_off_those_lists(login, users, soldiers):
    officer = users[User.Role.UNIT_OFFICER]
    survey(officer, soldiers, CareerWish.Training.UNDECIDED)
    counsel(officer, soldiers)

    parts = selectors.worklist(user=officer, on=TODAY)

    names = {part.key: [s.full_name for s in part.soldiers] for part in parts}
    assert names["survey"] == ["Hoàng Văn Em"]
    assert names["counselling"] == ["Hoàng Văn Em"]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (User.Role.UNIT_OFFICER, 200),
        (User.Role.HQ_STAFF, 200),
        (User.Role.LEADER, 403),
        (User.Role.COMMUNE_OFFICER, 403),
    ],
)
def test_who_may_open_the_worklist(login, users, role, status):
    assert login(users[role]).get(WORKLIST).status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(WORKLIST)

    assert (response.status_code, response["Location"]) == (
        302,
        f"/accounts/login/?next={WORKLIST}",
    )


def test_the_unit_officers_home_page_links_to_the_worklist(login, users):
    content = login(users[User.Role.UNIT_OFFICER]).get(reverse("home")).content.decode()

    assert f'href="{WORKLIST}"' in content


def test_each_part_pages_on_its_own_with_its_total(login, users, tree):
    for number in range(27):
        SoldierFactory(
            full_name=f"Nguyễn Văn Số {number:02d}",
            unit=tree.pk02,
            enlistment_date=dt.date(2025, 3, 1),
        )

    response = login(users[User.Role.UNIT_OFFICER]).get(WORKLIST, {"survey_page": 2})

    survey_part, *others = response.context["parts"]
    assert (survey_part.page.paginator.count, survey_part.page.number) == (27, 2)
    assert [row.soldier.full_name for row in survey_part.rows] == [
        "Nguyễn Văn Số 25",
        "Nguyễn Văn Số 26",
    ]
    assert survey_part.previous == {"survey_page": 1}
    assert [(part.section.key, part.page.number) for part in others] == [
        ("registration", 1),
        ("discharging", 1),
        ("counselling", 1),
    ]


def test_the_worklist_costs_the_same_queries_for_5_and_50_soldiers(
    login, users, tree, django_assert_max_num_queries, django_assert_num_queries
):
    client = login(users[User.Role.UNIT_OFFICER])

    def add(count: int, start: int) -> None:
        for number in range(start, start + count):
            SoldierFactory(
                full_name=f"Chiến sĩ {number}",
                unit=tree.pk02_d1,
                # Half at month 15 (survey, counselling), half discharging soon.
                enlistment_date=dt.date(2025, 3, 1) if number % 2 else dt.date(2024, 7, 5),
            )

    add(5, 0)
    with django_assert_max_num_queries(15) as small:
        client.get(WORKLIST)
    add(45, 5)

    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(WORKLIST)

    assert {p.section.key: p.page.paginator.count for p in response.context["parts"]} == {
        "survey": 50,
        "registration": 0,
        "discharging": 25,
        "counselling": 50,
    }


def test_the_administrator_may_open_the_worklist(client, soldiers):
    client.force_login(User.objects.create_superuser("quantri", "q@congan.local", "x"))

    response = client.get(WORKLIST)

    assert response.status_code == 200
    assert lists(response)["registration"] == [("Đỗ Văn Cường", "PK02-D1", 18, "05/06/2026")]


def test_a_registration_takes_him_off_the_registration_list_unless_withdrawn(users, soldiers):
    officer = users[User.Role.UNIT_OFFICER]

    def due() -> list[str]:
        parts = {part.key: part for part in selectors.worklist(user=officer, on=TODAY)}
        return [soldier.full_name for soldier in parts["registration"].soldiers]

    [cuong] = selectors.worklist(user=officer, on=TODAY)[1].soldiers
    registration = training_services.registration_create(
        user=officer, soldier=cuong, occupation=Occupation.objects.get(code="HAN"), on=TODAY
    )
    registered = due()
    training_services.registration_withdraw(
        user=officer, registration=registration, on=TODAY, reason="Đổi ý, đi làm ngay"
    )

    assert (registered, due()) == ([], ["Đỗ Văn Cường"])


def test_the_survey_section_links_to_the_units_batch_of_counselling_sheets(login, users, soldiers):
    officer = users[User.Role.UNIT_OFFICER]

    content = login(officer).get(WORKLIST).content.decode()

    batch = reverse("reports:sheet_batch", args=[officer.unit.code])
    assert f'href="{batch}">In phiếu tư vấn tháng 15 của đơn vị (PDF)</a>' in content
