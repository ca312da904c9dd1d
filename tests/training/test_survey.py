from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from soldiers import services as soldier_services
from soldiers.models import SoldierChange
from tests.factories import HOME_WARD, CommuneFactory, SoldierFactory
from training import services
from training.models import CareerWish, Occupation
from units.models import User

# Month 16 of service for a soldier enlisted on 15/02/2025 (the factory's default).
TODAY = dt.datetime(2026, 5, 20, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
pytestmark = pytest.mark.usefixtures("frozen_today")

FIRST_SURVEY_SUMMARY = (
    "Ngày khảo sát: 20/05/2026; Có nhu cầu học nghề: Có; Nghề mong muốn: Hàn; "
    "Cơ sở đào tạo mong muốn: Trường Cao đẳng Cơ giới Ninh Bình; "
    "Muốn được giới thiệu việc làm: Có; Nơi làm việc mong muốn: Nơi khác trong nước; "
    "Nguyện vọng ở lại CAND: Không; Muốn vay vốn: Có; "
    "Mục đích vay vốn: Sản xuất, kinh doanh hộ gia đình; "
    "Muốn tham gia lực lượng bảo vệ an ninh, trật tự ở cơ sở: Không"
)


@pytest.fixture
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def welding(db) -> Occupation:
    return Occupation.objects.get(code="HAN")


@pytest.fixture
def soldier(tree):
    return SoldierFactory(unit=tree.pk02_d1, full_name="Lê Văn Bình")


def answers(**overrides):
    fields = {
        "surveyed_on": dt.date(2026, 5, 20),
        "wants_training": CareerWish.Training.YES,
        "occupation": Occupation.objects.get(code="HAN"),
        "preferred_institution": "  Trường Cao đẳng   Cơ giới Ninh Bình ",
        "wants_job_referral": True,
        "preferred_work_place": CareerWish.WorkPlace.ELSEWHERE,
        "stay_in_police": CareerWish.StayInPolice.NO,
        "wants_loan": True,
        "loan_purpose": CareerWish.LoanPurpose.PRODUCTION,
        "wants_grassroots_security": False,
        "note": " Muốn học gần nhà. ",
    }
    return fields | overrides


def wish_history(soldier):
    return list(
        soldier.changes.filter(action=SoldierChange.Action.WISH)
        .order_by("pk")
        .values_list("by__username", "changes")
    )


# -- the service --


def test_first_survey_is_the_current_wish_and_is_written_to_history(soldier, users, welding):
    officer = users[User.Role.UNIT_OFFICER]

    wish = services.career_wish_record(user=officer, soldier=soldier, **answers())

    assert (wish.is_current, wish.occupation, wish.recorded_by) == (True, welding, officer)
    assert wish.preferred_institution == "Trường Cao đẳng Cơ giới Ninh Bình"
    assert wish.note == "Muốn học gần nhà."
    assert wish_history(soldier) == [(officer.username, {"wish": ["", FIRST_SURVEY_SUMMARY]})]


def test_a_new_survey_replaces_the_current_wish_and_keeps_the_old_one(soldier, users, welding):
    officer, hq = users[User.Role.UNIT_OFFICER], users[User.Role.HQ_STAFF]
    first = services.career_wish_record(user=officer, soldier=soldier, **answers())

    second = services.career_wish_record(
        user=hq,
        soldier=soldier,
        **answers(
            surveyed_on=dt.date(2026, 5, 20),
            wants_training=CareerWish.Training.NO,
            occupation=None,
            wants_loan=False,
            loan_purpose="",
        ),
    )

    assert list(
        CareerWish.objects.filter(soldier=soldier).order_by("pk").values_list("pk", "is_current")
    ) == [(first.pk, False), (second.pk, True)]
    assert wish_history(soldier) == [
        (officer.username, {"wish": ["", FIRST_SURVEY_SUMMARY]}),
        (
            hq.username,
            {
                "wish": [
                    "Có nhu cầu học nghề: Có; Nghề mong muốn: Hàn; Muốn vay vốn: Có; "
                    "Mục đích vay vốn: Sản xuất, kinh doanh hộ gia đình",
                    "Có nhu cầu học nghề: Không; Nghề mong muốn: —; Muốn vay vốn: Không; "
                    "Mục đích vay vốn: —",
                ]
            },
        ),
    ]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"surveyed_on": dt.date(2026, 5, 21)},
            {"surveyed_on": ["Ngày khảo sát ở tương lai."]},
        ),
        (
            {"surveyed_on": dt.date(2025, 2, 14)},
            {"surveyed_on": ["Ngày khảo sát trước ngày nhập ngũ."]},
        ),
        (
            {"occupation": None},
            {"occupation": ["Hãy chọn nghề muốn học."]},
        ),
        (
            {"wants_loan": False},
            {"loan_purpose": ["Chỉ ghi mục đích vay khi có nguyện vọng vay vốn."]},
        ),
        (
            {"wants_training": "maybe", "surveyed_on": dt.date(2026, 5, 21)},
            {
                "surveyed_on": ["Ngày khảo sát ở tương lai."],
                "wants_training": ["Giá trị 'maybe' không phải là lựa chọn hợp lệ."],
            },
        ),
    ],
    ids=[
        "future",
        "before-enlistment",
        "training-without-occupation",
        "purpose-without-loan",
        "several-at-once",
    ],
)
def test_bad_answers_are_refused_by_field_and_nothing_is_saved(soldier, users, overrides, expected):
    with pytest.raises(ValidationError) as caught:
        services.career_wish_record(
            user=users[User.Role.UNIT_OFFICER], soldier=soldier, **answers(**overrides)
        )

    assert caught.value.message_dict == expected
    assert CareerWish.objects.count() == 0
    assert wish_history(soldier) == []


def test_a_survey_dated_before_the_current_wish_is_refused(soldier, users):
    officer = users[User.Role.UNIT_OFFICER]
    services.career_wish_record(user=officer, soldier=soldier, **answers())

    with pytest.raises(ValidationError) as caught:
        services.career_wish_record(
            user=officer, soldier=soldier, **answers(surveyed_on=dt.date(2026, 5, 1))
        )

    assert caught.value.message_dict == {
        "surveyed_on": [
            "Nguyện vọng hiện tại được khảo sát ngày 20/05/2026; "
            "không thể ghi khảo sát mới có ngày sớm hơn."
        ]
    }
    assert CareerWish.objects.filter(soldier=soldier, is_current=True).count() == 1
    assert len(wish_history(soldier)) == 1


def test_an_occupation_taken_off_the_list_is_refused_unless_already_his(soldier, users, welding):
    officer = users[User.Role.UNIT_OFFICER]
    services.career_wish_record(user=officer, soldier=soldier, **answers())
    Occupation.objects.filter(code__in=["HAN", "MOC"]).update(active=False)

    kept = services.career_wish_record(user=officer, soldier=soldier, **answers())
    with pytest.raises(ValidationError) as caught:
        services.career_wish_record(
            user=officer, soldier=soldier, **answers(occupation=Occupation.objects.get(code="MOC"))
        )

    assert kept.occupation == welding
    assert caught.value.message_dict == {"occupation": ["Nghề này không còn trong danh mục."]}


def test_an_archived_soldier_cannot_be_surveyed(soldier, users):
    officer = users[User.Role.UNIT_OFFICER]
    soldier_services.soldier_archive(user=officer, soldier=soldier, reason="Chuyển đơn vị")

    with pytest.raises(ValidationError) as caught:
        services.career_wish_record(user=officer, soldier=soldier, **answers())

    assert caught.value.messages == ["Hồ sơ chiến sĩ này đã được lưu trữ; hãy khôi phục trước."]
    assert CareerWish.objects.count() == 0


@pytest.mark.parametrize("role", [User.Role.LEADER, User.Role.COMMUNE_OFFICER])
def test_roles_that_only_read_may_not_record_a_survey(soldier, users, role):
    with pytest.raises(PermissionDenied):
        services.career_wish_record(user=users[role], soldier=soldier, **answers())

    assert CareerWish.objects.count() == 0


def test_an_officer_of_another_unit_may_not_record_a_survey(soldier, tree, make_user):
    outsider = make_user(User.Role.UNIT_OFFICER, tree.pc07)

    with pytest.raises(ValidationError) as caught:
        services.career_wish_record(user=outsider, soldier=soldier, **answers())

    assert caught.value.message_dict == {
        "unit": ["Đơn vị này nằm ngoài đơn vị của đồng chí và các đơn vị trực thuộc."]
    }
    assert CareerWish.objects.count() == 0


# -- the page --


def survey_url(soldier) -> str:
    return reverse("training:survey", args=[soldier.pk])


def form_data(**overrides):
    data = {
        "surveyed_on": "20/05/2026",
        "wants_training": "yes",
        "occupation": str(Occupation.objects.get(code="HAN").pk),
        "preferred_institution": "",
        "preferred_work_place": "home_province",
        "stay_in_police": "school_exam",
        "loan_purpose": "",
        "note": "",
    }
    return data | overrides


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (User.Role.UNIT_OFFICER, 200),
        (User.Role.HQ_STAFF, 200),
        (User.Role.LEADER, 403),
        (User.Role.COMMUNE_OFFICER, 404),
    ],
)
def test_who_may_open_the_survey(login, users, soldier, role, status):
    response = login(users[role]).get(survey_url(soldier))

    assert response.status_code == status


def test_the_commune_officer_of_his_home_commune_sees_him_but_may_not_survey(
    login, tree, make_user, soldier
):
    home_commune = CommuneFactory(parent=tree.root, ward_code=HOME_WARD)
    officer = make_user(User.Role.COMMUNE_OFFICER, home_commune)

    response = login(officer).get(survey_url(soldier))

    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, soldier):
    response = client.get(survey_url(soldier))

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={survey_url(soldier)}"


def test_another_units_soldier_is_not_found(login, tree, make_user, soldier):
    outsider = make_user(User.Role.UNIT_OFFICER, tree.pc07)

    get = login(outsider).get(survey_url(soldier))
    post = login(outsider).post(survey_url(soldier), form_data())

    assert (get.status_code, post.status_code) == (404, 404)
    assert CareerWish.objects.count() == 0


def test_the_form_opens_on_the_current_wish_with_todays_date(login, users, soldier, welding):
    officer = users[User.Role.UNIT_OFFICER]
    services.career_wish_record(
        user=officer, soldier=soldier, **answers(surveyed_on=dt.date(2026, 5, 2))
    )
    Occupation.objects.filter(code="HAN").update(active=False)

    form = login(officer).get(survey_url(soldier)).context["form"]

    assert form["surveyed_on"].value() == dt.date(2026, 5, 20)
    assert form["wants_training"].value() == "yes"
    assert form["occupation"].value() == welding.pk
    assert form["loan_purpose"].value() == "production"
    assert welding in form.fields["occupation"].queryset
    assert list(form.fields["wants_training"].choices) == [
        ("yes", "Có"),
        ("no", "Không"),
        ("undecided", "Chưa quyết định"),
    ]


def test_the_occupation_list_offers_only_active_occupations(login, users, soldier):
    Occupation.objects.filter(code="MOC").update(active=False)

    form = login(users[User.Role.UNIT_OFFICER]).get(survey_url(soldier)).context["form"]

    offered = set(form.fields["occupation"].queryset.values_list("code", flat=True))
    assert offered == set(Occupation.objects.filter(active=True).values_list("code", flat=True))
    assert "MOC" not in offered


def test_saving_the_survey_records_the_wish_and_returns_to_the_soldiers_page(
    login, users, soldier, welding
):
    client = login(users[User.Role.UNIT_OFFICER])

    response = client.post(survey_url(soldier), form_data(wants_job_referral="on"), follow=True)

    assert response.redirect_chain == [(reverse("soldiers:detail", args=[soldier.pk]), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Đã ghi nhận nguyện vọng của Lê Văn Bình."
    ]
    wish = CareerWish.objects.get(soldier=soldier)
    assert (wish.wants_training, wish.occupation, wish.stay_in_police) == (
        "yes",
        welding,
        "school_exam",
    )
    assert (wish.wants_job_referral, wish.wants_loan, wish.surveyed_on) == (
        True,
        False,
        dt.date(2026, 5, 20),
    )


def test_the_form_shows_the_services_refusal_on_the_field_and_saves_nothing(login, users, soldier):
    response = login(users[User.Role.UNIT_OFFICER]).post(
        survey_url(soldier), form_data(occupation="", loan_purpose="start_up")
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "occupation": ["Hãy chọn nghề muốn học."],
        "loan_purpose": ["Chỉ ghi mục đích vay khi có nguyện vọng vay vốn."],
    }
    assert CareerWish.objects.count() == 0
