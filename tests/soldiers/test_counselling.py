from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from soldiers import services
from soldiers.models import Counselling, SoldierChange
from tests.factories import HOME_WARD, CommuneFactory, SoldierFactory
from units.models import User

TODAY = dt.datetime(2026, 5, 20, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
pytestmark = pytest.mark.usefixtures("frozen_today")


@pytest.fixture
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def soldier(tree):
    return SoldierFactory(unit=tree.pk02_d1, full_name="Lê Văn Bình")


def add_url(soldier) -> str:
    return reverse("soldiers:counselling_add", args=[soldier.pk])


def form_data(**overrides):
    return {"date": "18/05/2026", "kind": "career_guidance", "note": " Giới thiệu nghề hàn. "} | (
        overrides
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (User.Role.UNIT_OFFICER, 200),
        (User.Role.HQ_STAFF, 200),
        (User.Role.LEADER, 403),
        (User.Role.COMMUNE_OFFICER, 404),
    ],
)
def test_who_may_open_the_counselling_form(login, users, soldier, role, status):
    response = login(users[role]).get(add_url(soldier))

    assert response.status_code == status


@pytest.mark.parametrize(
    ("role", "status"), [(User.Role.LEADER, 403), (User.Role.COMMUNE_OFFICER, 404)]
)
def test_roles_that_may_not_record_counselling_are_refused_on_post(
    login, users, soldier, role, status
):
    response = login(users[role]).post(add_url(soldier), form_data())

    assert response.status_code == status
    assert Counselling.objects.count() == 0


def test_the_commune_officer_of_his_home_commune_sees_him_but_may_not_record(
    login, tree, make_user, soldier
):
    officer = make_user(
        User.Role.COMMUNE_OFFICER, CommuneFactory(parent=tree.root, ward_code=HOME_WARD)
    )

    response = login(officer).post(add_url(soldier), form_data())

    assert response.status_code == 403
    assert Counselling.objects.count() == 0


def test_anonymous_visitors_are_sent_to_sign_in(client, soldier):
    response = client.get(add_url(soldier))

    assert (response.status_code, response["Location"]) == (
        302,
        f"/accounts/login/?next={add_url(soldier)}",
    )


def test_another_units_soldier_is_not_found(login, tree, make_user, soldier):
    outsider = login(make_user(User.Role.UNIT_OFFICER, tree.pc07))

    assert outsider.get(add_url(soldier)).status_code == 404
    assert outsider.post(add_url(soldier), form_data()).status_code == 404
    assert Counselling.objects.count() == 0


def test_the_form_opens_on_today_with_the_kinds_as_choices(login, users, soldier):
    form = login(users[User.Role.UNIT_OFFICER]).get(add_url(soldier)).context["form"]

    assert form["date"].value() == dt.date(2026, 5, 20)
    assert [value for value, _ in form.fields["kind"].choices] == [
        "information",
        "career_guidance",
        "training_advice",
        "job_advice",
        "job_fair",
    ]


def test_recording_counselling_saves_it_with_history_and_returns_to_the_soldier(
    login, users, soldier
):
    officer = users[User.Role.UNIT_OFFICER]

    response = login(officer).post(add_url(soldier), form_data(), follow=True)

    assert response.redirect_chain == [(reverse("soldiers:detail", args=[soldier.pk]), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Đã ghi nhận buổi tư vấn cho Lê Văn Bình."
    ]
    counselling = Counselling.objects.get()
    assert (counselling.soldier, counselling.officer, counselling.date) == (
        soldier,
        officer,
        dt.date(2026, 5, 18),
    )
    assert (counselling.kind, counselling.note) == ("career_guidance", "Giới thiệu nghề hàn.")
    entry = soldier.changes.get(action=SoldierChange.Action.COUNSELLING)
    assert (entry.by, entry.changes) == (officer, {"counselling": ["", "Hướng nghiệp 18/05/2026"]})


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"date": "21/05/2026"}, {"date": ["Ngày tư vấn ở tương lai."]}),
        ({"date": "14/02/2025"}, {"date": ["Ngày tư vấn trước ngày nhập ngũ."]}),
        ({"date": "2026-05-40"}, {"date": ["Nhập một ngày hợp lệ."]}),
        ({"kind": ""}, {"kind": ["Trường này là bắt buộc."]}),
    ],
    ids=["future", "before-enlistment", "not-a-date", "no-kind"],
)
def test_bad_counselling_is_refused_with_the_reason_and_nothing_saved(
    login, users, soldier, data, errors
):
    response = login(users[User.Role.UNIT_OFFICER]).post(add_url(soldier), form_data(**data))

    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert Counselling.objects.count() == 0


def test_an_archived_soldiers_counselling_is_refused(login, users, soldier):
    officer = users[User.Role.UNIT_OFFICER]
    services.soldier_archive(user=officer, soldier=soldier, reason="Chuyển đơn vị")

    response = login(officer).post(add_url(soldier), form_data())

    assert response.context["form"].non_field_errors() == [
        "Hồ sơ chiến sĩ này đã được lưu trữ; hãy khôi phục trước."
    ]
    assert Counselling.objects.count() == 0
