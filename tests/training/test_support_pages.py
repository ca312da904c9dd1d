"""Training support through the pages: the vocational training card (Decree 61/2015, cohorts
discharged up to 2025) and the application at the commune (Decree 338/2025), and how both show
on the soldier's file."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from soldiers import services as soldier_services
from soldiers.models import Soldier
from tests.factories import HOME_WARD, OTHER_WARD, CourseFactory, SoldierFactory
from training import services
from training.models import TrainingSupport
from units.models import User

Role = User.Role
ROLES = [Role.UNIT_OFFICER, Role.COMMUNE_OFFICER, Role.HQ_STAFF, Role.LEADER]
# After the 2025 cohort's cards were issued and after the new base salary (01/07/2026).
NOW = dt.datetime(2026, 9, 10, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
VISIBLE = {
    Role.UNIT_OFFICER: {"own"},
    Role.COMMUNE_OFFICER: {"own"},
    Role.HQ_STAFF: {"own", "other"},
    Role.LEADER: {"own", "other"},
}
SOLDIER_PAGES = ["training:support_card_issue", "training:support_apply"]
SUPPORT_PAGES = {"training:support_card_settle": "card", "training:support_decide": "commune"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def officer(users) -> User:
    return users[Role.UNIT_OFFICER]


@pytest.fixture
def soldiers(tree) -> dict[str, Soldier]:
    """Soldiers of the 2025 cohort (discharged 01/09/2025): "own" of PK02 from the commune
    officer's commune, "other" of PC07 from elsewhere."""
    enlisted = dt.date(2023, 9, 1)
    return {
        "own": SoldierFactory(
            unit=tree.pk02,
            full_name="Trần Văn An",
            home_ward_code=OTHER_WARD,
            enlistment_date=enlisted,
        ),
        "other": SoldierFactory(
            unit=tree.pc07,
            full_name="Ngô Văn Cường",
            home_ward_code=HOME_WARD,
            enlistment_date=enlisted,
        ),
    }


def issue(user: User, soldier: Soldier, number: str) -> TrainingSupport:
    return services.support_issue_card(
        user=user, soldier=soldier, card_number=number, issued_on=dt.date(2025, 9, 5)
    )


def apply(user: User, soldier: Soldier) -> TrainingSupport:
    return services.support_apply_at_commune(
        user=user, soldier=soldier, applied_on=dt.date(2026, 9, 1)
    )


def last_message(response) -> str:
    return [str(message) for message in get_messages(response.wsgi_request)][-1]


# -- who may reach each page --


@pytest.fixture
def targets(soldiers, users) -> dict[str, dict[str, int]]:
    hq = users[Role.HQ_STAFF]
    return {
        whose: {
            "soldier": soldier.pk,
            "card": issue(hq, soldier, f"THN-{whose}").pk,
            "commune": apply(hq, soldier).pk,
        }
        for whose, soldier in soldiers.items()
    }


def url_for(name: str, targets: dict[str, dict[str, int]], whose: str) -> str:
    return reverse(name, args=[targets[whose][SUPPORT_PAGES.get(name, "soldier")]])


@pytest.mark.parametrize("whose", ["own", "other"])
@pytest.mark.parametrize("name", SOLDIER_PAGES + list(SUPPORT_PAGES))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_the_support_pages_of_its_soldiers_only(
    login, users, targets, role, name, whose
) -> None:
    response = login(users[role]).get(url_for(name, targets, whose))

    if whose not in VISIBLE[role]:
        assert response.status_code == 404
    else:
        assert response.status_code == (403 if role == Role.LEADER else 200)


@pytest.mark.parametrize("name", SOLDIER_PAGES + list(SUPPORT_PAGES))
def test_anonymous_visitors_are_sent_to_sign_in_from_support_pages(client, targets, name) -> None:
    url = url_for(name, targets, "own")

    response = client.get(url)

    assert (response.status_code, response.url) == (302, f"/accounts/login/?next={url}")


def test_a_leader_posting_a_card_changes_nothing(login, users, soldiers) -> None:
    response = login(users[Role.LEADER]).post(
        reverse("training:support_card_issue", args=[soldiers["own"].pk]),
        {"card_number": "THN-99", "issued_on": "05/09/2025"},
    )

    assert response.status_code == 403
    assert TrainingSupport.objects.count() == 0


# -- the card --


def test_an_officer_issues_a_card_worth_twelve_base_salaries(login, officer, soldiers) -> None:
    soldier = soldiers["own"]
    course = CourseFactory()
    registration = services.registration_create(
        user=officer, soldier=soldier, course=course, on=dt.date(2025, 8, 1)
    )

    response = login(officer).post(
        reverse("training:support_card_issue", args=[soldier.pk]),
        {"card_number": " THN-01 ", "issued_on": "05/09/2025", "registration": registration.pk},
    )

    assert last_message(response) == "Đã cấp Thẻ học nghề cho Trần Văn An."
    card = TrainingSupport.objects.get()
    assert (
        card.regime,
        card.card_number,
        card.issued_on,
        card.valid_until,
        card.cap_vnd,
        card.card_status,
        card.registration,
    ) == (
        "card",
        "THN-01",
        dt.date(2025, 9, 5),
        dt.date(2026, 9, 5),
        28_080_000,
        "issued",
        registration,
    )


def test_a_card_is_refused_to_a_soldier_discharged_from_2026(login, officer, tree) -> None:
    soldier = SoldierFactory(unit=tree.pk02, enlistment_date=dt.date(2024, 3, 1))

    response = login(officer).post(
        reverse("training:support_card_issue", args=[soldier.pk]),
        {"card_number": "THN-02", "issued_on": "05/09/2026"},
    )

    assert response.context["form"].non_field_errors() == [
        "Thẻ học nghề chỉ dành cho chiến sĩ xuất ngũ đến hết năm 2025; "
        "chiến sĩ này thuộc Nghị định 338/2025."
    ]
    assert TrainingSupport.objects.count() == 0


def test_a_card_number_is_recorded_once(login, officer, soldiers) -> None:
    issue(officer, soldiers["own"], "THN-03")

    response = login(officer).post(
        reverse("training:support_card_issue", args=[soldiers["own"].pk]),
        {"card_number": "THN-03", "issued_on": "06/09/2025"},
    )

    assert response.context["form"].errors == {"card_number": ["Số thẻ này đã được ghi nhận."]}
    assert TrainingSupport.objects.count() == 1


def test_a_card_dated_before_any_base_salary_is_refused_on_the_form(
    login, officer, soldiers
) -> None:
    response = login(officer).post(
        reverse("training:support_card_issue", args=[soldiers["own"].pk]),
        {"card_number": "THN-04", "issued_on": "30/06/2024"},
    )

    assert response.context["form"].non_field_errors() == [
        "Chưa có mức lương cơ sở áp dụng cho ngày 30/06/2024."
    ]
    assert TrainingSupport.objects.count() == 0


def test_the_institution_settles_the_card_within_its_validity(login, officer, soldiers) -> None:
    card = issue(officer, soldiers["own"], "THN-05")

    response = login(officer).post(
        reverse("training:support_card_settle", args=[card.pk]),
        {"on": "05/09/2026", "amount_vnd": "6.000.000 đ"},
    )

    assert last_message(response) == "Đã thanh quyết toán Thẻ học nghề của Trần Văn An."
    card.refresh_from_db()
    assert (card.card_status, card.settled_on, card.settled_vnd) == (
        "settled",
        dt.date(2026, 9, 5),
        6_000_000,
    )


def test_a_card_used_after_it_expired_is_refused(login, officer, soldiers) -> None:
    card = issue(officer, soldiers["own"], "THN-06")

    response = login(officer).post(
        reverse("training:support_card_settle", args=[card.pk]),
        {"on": "06/09/2026", "amount_vnd": "6000000"},
    )

    assert response.context["form"].non_field_errors() == [
        "Thẻ đã hết hạn ngày 05/09/2026, không thể sử dụng."
    ]
    card.refresh_from_db()
    assert (card.card_status, card.settled_on, card.settled_vnd) == ("issued", None, None)


def test_an_amount_that_is_not_a_number_is_refused(login, officer, soldiers) -> None:
    card = issue(officer, soldiers["own"], "THN-07")

    response = login(officer).post(
        reverse("training:support_card_settle", args=[card.pk]),
        {"on": "01/09/2026", "amount_vnd": "sáu triệu"},
    )

    assert response.context["form"].errors == {
        "amount_vnd": ["Nhập số tiền bằng đồng, ví dụ 5.000.000."]
    }
    assert TrainingSupport.objects.get().card_status == "issued"


# -- the application at the commune --


def test_a_commune_officer_records_the_application_and_the_decision(login, users, soldiers) -> None:
    client = login(users[Role.COMMUNE_OFFICER])
    soldier = soldiers["own"]

    applied = client.post(
        reverse("training:support_apply", args=[soldier.pk]), {"applied_on": "01/09/2026"}
    )
    support = TrainingSupport.objects.get()
    decided = client.post(
        reverse("training:support_decide", args=[support.pk]),
        {"decided_on": "08/09/2026", "amount_vnd": "18.500.000"},
    )

    assert [last_message(applied), last_message(decided)] == [
        "Đã ghi nhận hồ sơ đề nghị hỗ trợ của Trần Văn An tại UBND xã.",
        "Đã ghi nhận quyết định hỗ trợ cho Trần Văn An.",
    ]
    support.refresh_from_db()
    assert (
        support.regime,
        support.applied_on,
        support.cap_vnd,
        support.decided_on,
        support.amount_vnd,
        support.created_by,
    ) == (
        "commune_application",
        dt.date(2026, 9, 1),
        30_360_000,
        dt.date(2026, 9, 8),
        18_500_000,
        users[Role.COMMUNE_OFFICER],
    )


def test_a_second_commune_regime_support_is_refused(login, officer, soldiers) -> None:
    apply(officer, soldiers["own"])

    response = login(officer).post(
        reverse("training:support_apply", args=[soldiers["own"].pk]),
        {"applied_on": "02/09/2026"},
    )

    assert response.context["form"].non_field_errors() == [
        "Hỗ trợ theo Nghị định 338/2025 chỉ được hưởng một lần."
    ]
    assert TrainingSupport.objects.count() == 1


def test_a_decision_above_the_cap_is_refused(login, officer, soldiers) -> None:
    support = apply(officer, soldiers["own"])

    response = login(officer).post(
        reverse("training:support_decide", args=[support.pk]),
        {"decided_on": "08/09/2026", "amount_vnd": "30.360.001"},
    )

    assert response.context["form"].errors == {
        "amount_vnd": ["Số tiền vượt mức tối đa 30.360.000 đ."]
    }
    support.refresh_from_db()
    assert (support.decided_on, support.amount_vnd) == (None, None)


def test_support_for_an_archived_soldier_is_refused(login, officer, soldiers) -> None:
    soldier = soldiers["own"]
    soldier_services.soldier_archive(user=officer, soldier=soldier, reason="Chuyển công tác")

    response = login(officer).post(
        reverse("training:support_apply", args=[soldier.pk]), {"applied_on": "01/09/2026"}
    )

    assert response.context["form"].non_field_errors() == [
        "Hồ sơ chiến sĩ này đã được lưu trữ; hãy khôi phục trước."
    ]
    assert TrainingSupport.objects.count() == 0


# -- on the soldier's file --


def test_the_soldiers_file_shows_his_support_with_the_actions_left(
    login, officer, soldiers
) -> None:
    soldier = soldiers["own"]
    card = issue(officer, soldier, "THN-08")
    support = apply(officer, soldier)

    html = login(officer).get(reverse("soldiers:detail", args=[soldier.pk])).content.decode()

    rows = html[html.index('data-testid="supports"') :]
    rows = rows[: rows.index("</table>")]
    for text in (
        "Thẻ học nghề (Nghị định 61/2015)",
        "Thẻ số THN-08, giá trị từ 05/09/2025 đến 05/09/2026",
        '<td class="num">28.080.000 đ</td>',
        "<td>Đã cấp</td>",
        "Hồ sơ đề nghị tại UBND xã (Nghị định 338/2025)",
        "Nộp hồ sơ ngày 01/09/2026",
        '<td class="num">30.360.000 đ</td>',
        "<td>Chờ UBND xã quyết định</td>",
        f'href="{reverse("training:support_card_settle", args=[card.pk])}"',
        f'href="{reverse("training:support_decide", args=[support.pk])}"',
    ):
        assert text in rows, text
    for name in SOLDIER_PAGES:
        assert f'href="{reverse(name, args=[soldier.pk])}"' in html


def test_a_leader_reads_the_support_without_actions(login, users, soldiers) -> None:
    soldier = soldiers["own"]
    card = issue(users[Role.HQ_STAFF], soldier, "THN-09")

    html = login(users[Role.LEADER]).get(reverse("soldiers:detail", args=[soldier.pk]))
    html = html.content.decode()

    assert "Thẻ số THN-09" in html
    assert reverse("training:support_card_settle", args=[card.pk]) not in html
    assert reverse("training:support_card_issue", args=[soldier.pk]) not in html
