from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from soldiers import services
from soldiers.models import CitizenIdView, Soldier, SoldierChange
from soldiers.selectors import ServiceDates
from tests.factories import HOME_PROVINCE, HOME_WARD, SoldierFactory
from training.models import Occupation
from training.services import career_wish_record
from units.models import User

NOW = dt.datetime(2026, 8, 1, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
CONFLICT = (
    "Người khác đã lưu hồ sơ này sau khi đồng chí mở. Chưa lưu gì: hãy tải lại trang để xem "
    "thay đổi của họ rồi sửa lại."
)
INVALID_CHOICE = "Hãy chọn một lựa chọn hợp lệ. {} không phải là một trong các lựa chọn khả thi."


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def officer(users) -> User:
    return users[User.Role.UNIT_OFFICER]


@pytest.fixture
def soldier(tree) -> Soldier:
    return SoldierFactory(
        unit=tree.pk02_d1,
        full_name="Trần Văn An",
        citizen_id="037205001234",
        enlistment_date=dt.date(2025, 2, 15),
    )


def new_soldier_data(unit, **overrides: str) -> dict[str, str]:
    """The create form as an officer fills it, with spaces where people type them."""
    return {
        "full_name": "  Nguyễn  Văn Hùng ",
        "date_of_birth": "10/03/2005",
        "gender": "male",
        "citizen_id": "037 205 000 042",
        "phone": "0912 345 678",
        "home_province_code": str(HOME_PROVINCE),
        "home_ward_code": str(HOME_WARD),
        "unit": str(unit.pk),
        "rank": "binh_nhat",
        "enlistment_date": "15/02/2025",
        "expected_discharge_date": "",
        "actual_discharge_date": "",
    } | overrides


def edit_data(soldier: Soldier, **overrides: str) -> dict[str, str]:
    """The edit form as it opens (the citizen ID left empty: it keeps the number on file)."""
    return {
        "full_name": soldier.full_name,
        "date_of_birth": f"{soldier.date_of_birth:%d/%m/%Y}",
        "gender": soldier.gender,
        "citizen_id": "",
        "phone": soldier.phone,
        "home_province_code": str(soldier.home_province_code),
        "home_ward_code": str(soldier.home_ward_code),
        "unit": str(soldier.unit_id),
        "rank": soldier.rank,
        "enlistment_date": f"{soldier.enlistment_date:%d/%m/%Y}",
        "expected_discharge_date": f"{soldier.expected_discharge_date:%d/%m/%Y}",
        "actual_discharge_date": "",
        "version": str(soldier.version),
    } | overrides


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# -- create --


def test_officer_adds_a_soldier_through_the_form(login, tree, officer) -> None:
    response = login(officer).post(reverse("soldiers:create"), new_soldier_data(tree.pk02_d1))

    soldier = Soldier.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("soldiers:detail", args=[soldier.pk])
    assert messages_of(response) == ["Đã lưu hồ sơ chiến sĩ Nguyễn Văn Hùng."]
    assert (soldier.full_name, soldier.citizen_id, soldier.phone) == (
        "Nguyễn Văn Hùng",
        "037205000042",
        "0912345678",
    )
    assert (soldier.unit, soldier.enlistment_date, soldier.expected_discharge_date) == (
        tree.pk02_d1,
        dt.date(2025, 2, 15),
        dt.date(2027, 2, 15),
    )
    assert list(soldier.changes.values_list("action", "by")) == [
        (SoldierChange.Action.CREATED, officer.pk)
    ]


def test_the_services_errors_come_back_on_their_fields_and_nothing_is_saved(
    login, tree, officer
) -> None:
    data = new_soldier_data(tree.pk02, citizen_id="037204000001", enlistment_date="01/01/2023")

    response = login(officer).post(reverse("soldiers:create"), data)

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "citizen_id": ["Số CCCD ghi năm sinh 2004, nhưng ngày sinh thuộc năm 2005."],
        "enlistment_date": ["Chiến sĩ phải đủ 18 tuổi vào ngày nhập ngũ."],
    }
    assert "Số CCCD ghi năm sinh 2004, nhưng ngày sinh thuộc năm 2005." in (
        response.content.decode()
    )
    assert Soldier.objects.count() == 0


def test_the_form_checks_dates_and_phone_before_the_service(login, tree, officer) -> None:
    data = new_soldier_data(tree.pk02, date_of_birth="31/02/2005", phone="09-12")

    response = login(officer).post(reverse("soldiers:create"), data)

    assert response.context["form"].errors == {
        "date_of_birth": ["Nhập một ngày hợp lệ."],
        "phone": ["Số điện thoại gồm từ 8 đến 15 chữ số."],
    }
    assert Soldier.objects.count() == 0


def test_a_commune_of_another_province_is_not_a_choice(login, tree, officer) -> None:
    data = new_soldier_data(tree.pk02, home_ward_code="4")  # Phường Ba Đình, Hà Nội

    response = login(officer).post(reverse("soldiers:create"), data)

    assert response.context["form"].errors == {"home_ward_code": [INVALID_CHOICE.format(4)]}


def test_an_officer_may_not_put_a_soldier_in_a_unit_outside_his_own(login, tree, officer) -> None:
    response = login(officer).post(reverse("soldiers:create"), new_soldier_data(tree.pc07))

    assert response.context["form"].errors == {"unit": [INVALID_CHOICE.format("Lựa chọn đó")]}
    assert Soldier.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (User.Role.UNIT_OFFICER, ["PK02", "PK02-D1", "PK02-D1-T1"]),
        (User.Role.HQ_STAFF, ["PK02", "PK02-D1", "PK02-D1-T1", "PC07"]),
    ],
)
def test_the_unit_choices_are_the_managing_units_the_user_covers(
    login, users, role, expected
) -> None:
    response = login(users[role]).get(reverse("soldiers:create"))

    assert [u.code for u in response.context["form"].fields["unit"].queryset] == expected


def test_the_form_offers_the_34_provinces_and_the_wards_of_the_chosen_one(
    login, tree, officer
) -> None:
    data = new_soldier_data(tree.pk02, home_province_code="1", home_ward_code="")

    response = login(officer).post(reverse("soldiers:create"), data)

    form = response.context["form"]
    provinces = form.fields["home_province_code"].choices
    wards = form.fields["home_ward_code"].choices
    assert (len(provinces), provinces[0], (37, "Tỉnh Ninh Bình") in provinces) == (
        35,
        ("", "Chọn tỉnh, thành phố"),
        True,
    )
    assert (wards[0], wards[1], (HOME_WARD, "Phường Phủ Lý") in wards) == (
        ("", "Chọn xã, phường"),
        (4, "Phường Ba Đình"),
        False,
    )
    assert form.errors == {"home_ward_code": ["Trường này là bắt buộc."]}


def test_the_ward_list_refills_from_the_province(login, users) -> None:
    client = login(users[User.Role.UNIT_OFFICER])

    wards = client.get(reverse("soldiers:wards"), {"province": HOME_PROVINCE}).json()["wards"]
    unknown = client.get(reverse("soldiers:wards"), {"province": "abc"}).json()["wards"]

    assert (len(wards), wards[0]) == (129, {"code": HOME_WARD, "name": "Phường Phủ Lý"})
    assert unknown == []


def test_the_form_loads_its_script_from_a_file(login, users) -> None:
    html = login(users[User.Role.UNIT_OFFICER]).get(reverse("soldiers:create")).content.decode()

    assert '<script src="/static/js/ward_select.js" defer></script>' in html
    assert 'data-wards-url="/soldiers/wards/"' in html
    assert "<script>" not in html


# -- edit --


def test_officer_edits_a_file_and_sees_the_change_in_its_history(login, officer, soldier) -> None:
    client = login(officer)

    response = client.post(
        reverse("soldiers:edit", args=[soldier.pk]), edit_data(soldier, phone="0987 654 321")
    )

    soldier.refresh_from_db()
    assert response.status_code == 302
    assert messages_of(response) == ["Đã lưu thay đổi hồ sơ chiến sĩ Trần Văn An."]
    assert (soldier.phone, soldier.citizen_id, soldier.version) == ("0987654321", "037205001234", 2)
    entry = soldier.changes.first()
    assert (entry.action, entry.by, entry.changes) == (
        SoldierChange.Action.UPDATED,
        officer,
        {"phone": ["0912345678", "0987654321"]},
    )
    detail = client.get(reverse("soldiers:detail", args=[soldier.pk])).content.decode()
    assert '<span class="text-muted">Số điện thoại:</span> 0912345678 → 0987654321' in detail


def test_the_edit_form_never_shows_the_whole_citizen_id(login, officer, soldier) -> None:
    html = login(officer).get(reverse("soldiers:edit", args=[soldier.pk])).content.decode()

    assert "037205001234" not in html
    assert 'placeholder="********1234"' in html


def test_a_new_citizen_id_typed_in_the_edit_form_replaces_the_old_one(
    login, officer, soldier
) -> None:
    data = edit_data(soldier, citizen_id="037205009999")

    login(officer).post(reverse("soldiers:edit", args=[soldier.pk]), data)

    soldier.refresh_from_db()
    assert soldier.citizen_id == "037205009999"
    assert soldier.changes.first().changes == {"citizen_id": ["********1234", "********9999"]}


def test_saving_an_unchanged_file_says_so_and_records_nothing(login, officer, soldier) -> None:
    response = login(officer).post(reverse("soldiers:edit", args=[soldier.pk]), edit_data(soldier))

    assert messages_of(response) == ["Không có thông tin nào thay đổi."]
    assert soldier.changes.count() == 1


def test_the_second_of_two_open_forms_is_refused_and_changes_nothing(
    login, users, officer, soldier
) -> None:
    url = reverse("soldiers:edit", args=[soldier.pk])
    hq = users[User.Role.HQ_STAFF]
    first_form = login(officer).get(url).context["form"]
    second_form = login(hq).get(url).context["form"]
    assert (first_form["version"].value(), second_form["version"].value()) == (1, 1)
    login(officer).post(url, edit_data(soldier, phone="0987654321"))

    response = login(hq).post(url, edit_data(soldier, rank="ha_si"))

    soldier.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [CONFLICT]
    assert response.context["conflict"] is True
    html = response.content.decode()
    assert CONFLICT in html
    assert f'<a class="alert-link" href="{url}">Mở hồ sơ theo bản mới nhất</a>' in html
    assert (soldier.phone, soldier.rank, soldier.version) == ("0987654321", "binh_nhat", 2)
    assert list(soldier.changes.values_list("action", flat=True)) == ["updated", "created"]


# -- archive and restore --


def test_officer_archives_a_file_with_a_reason(login, officer, soldier) -> None:
    client = login(officer)
    url = reverse("soldiers:archive", args=[soldier.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, {"reason": "  Chuyển đơn vị ngoài tỉnh "})

    soldier.refresh_from_db()
    assert response.url == reverse("soldiers:detail", args=[soldier.pk])
    assert messages_of(response) == ["Đã lưu trữ hồ sơ chiến sĩ Trần Văn An."]
    assert (soldier.archived, soldier.archived_reason) == (True, "Chuyển đơn vị ngoài tỉnh")
    detail = client.get(response.url).content.decode()
    assert "Hồ sơ này đã được lưu trữ. Lý do: Chuyển đơn vị ngoài tỉnh" in detail
    assert f'action="/soldiers/{soldier.pk}/restore/"' in detail


def test_archiving_needs_a_reason(login, officer, soldier) -> None:
    response = login(officer).post(
        reverse("soldiers:archive", args=[soldier.pk]), {"reason": "   "}
    )

    soldier.refresh_from_db()
    assert response.context["form"].errors == {"reason": ["Trường này là bắt buộc."]}
    assert soldier.archived is False


def test_officer_restores_an_archived_file(login, officer, soldier) -> None:
    services.soldier_archive(user=officer, soldier=soldier, reason="Nhập nhầm đơn vị")

    response = login(officer).post(reverse("soldiers:restore", args=[soldier.pk]))

    soldier.refresh_from_db()
    assert messages_of(response) == ["Đã khôi phục hồ sơ chiến sĩ Trần Văn An."]
    assert (soldier.archived, soldier.archived_reason) == (False, "")
    assert list(soldier.changes.values_list("action", flat=True)) == [
        "restored",
        "archived",
        "created",
    ]


def test_restore_is_a_post_only(login, officer, soldier) -> None:
    response = login(officer).get(reverse("soldiers:restore", args=[soldier.pk]))

    assert response.status_code == 405


# -- the soldier's page --


def test_the_page_masks_the_citizen_id_until_asked_and_logs_each_showing(
    login, officer, soldier
) -> None:
    client = login(officer)
    url = reverse("soldiers:detail", args=[soldier.pk])

    before = client.get(url).content.decode()
    revealed = client.post(reverse("soldiers:reveal_id", args=[soldier.pk]))
    after = client.get(url).content.decode()

    assert "********1234" in before
    assert "037205001234" not in before
    assert revealed.status_code == 200
    assert '<span class="font-monospace">037205001234</span>' in revealed.content.decode()
    assert "lần xem này đã được ghi lại" in revealed.content.decode()
    assert "037205001234" not in after
    assert list(CitizenIdView.objects.values_list("soldier", "user")) == [(soldier.pk, officer.pk)]


def test_the_citizen_id_is_never_shown_on_a_get(login, officer, soldier) -> None:
    response = login(officer).get(reverse("soldiers:reveal_id", args=[soldier.pk]))

    assert response.status_code == 405
    assert CitizenIdView.objects.count() == 0


def test_the_page_shows_the_dates_that_drive_his_path(login, officer, soldier) -> None:
    response = login(officer).get(reverse("soldiers:detail", args=[soldier.pk]))

    assert response.context["dates"] == ServiceDates(
        on=dt.date(2026, 8, 1),
        month=18,
        survey_month=15,
        survey_starts=dt.date(2026, 4, 15),
        registration_month=18,
        registration_starts=dt.date(2026, 7, 15),
        discharge=dt.date(2027, 2, 15),
        notice_days=30,
        notice_on=dt.date(2027, 1, 16),
        milestone="registration_due",
        milestone_label="Tháng thứ 18: cần đăng ký học nghề",
    )
    html = response.content.decode()
    for line in [
        '<dt class="col-sm-6">Tháng phục vụ thứ (tính đến 01/08/2026)</dt>'
        '<dd class="col-sm-6">18</dd>',
        '<dt class="col-sm-6">Bắt đầu tháng thứ 15</dt><dd class="col-sm-6">15/04/2026</dd>',
        '<dt class="col-sm-6">Bắt đầu tháng thứ 18</dt><dd class="col-sm-6">15/07/2026</dd>',
        '<dt class="col-sm-6">Ngày thông báo xuất ngũ (trước 30 ngày)</dt>'
        '<dd class="col-sm-6">16/01/2027</dd>',
        '<dd class="col-sm-7">Phường Phủ Lý</dd>',
    ]:
        assert line in html


def add_path(soldier: Soldier, officer: User, days: range) -> None:
    """A survey, a counselling session and an edit on each day: the page must not grow in
    queries with them."""
    occupations = list(Occupation.objects.order_by("code"))
    for day in days:
        career_wish_record(
            user=officer,
            soldier=soldier,
            surveyed_on=dt.date(2026, 5, day),
            wants_training="yes",
            occupation=occupations[day - 1],
        )
        services.counselling_record(
            user=officer, soldier=soldier, date=dt.date(2026, 4, day), kind="career_guidance"
        )
        soldier.refresh_from_db()
        services.soldier_update(
            user=officer,
            soldier=soldier,
            version=soldier.version,
            **{name: getattr(soldier, name) for name in services.EDITABLE_FIELDS}
            | {"phone": f"09123456{day:02d}"},
        )


def test_the_page_shows_his_whole_path_in_a_fixed_number_of_queries(
    login, officer, soldier, django_assert_max_num_queries, django_assert_num_queries
) -> None:
    client = login(officer)
    url = reverse("soldiers:detail", args=[soldier.pk])
    add_path(soldier, officer, range(1, 2))
    client.get(url)
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    add_path(soldier, officer, range(2, 6))

    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)

    assert response.context["current_wish"].occupation.code == "DDD"
    assert [w.surveyed_on.day for w in response.context["earlier_wishes"]] == [4, 3, 2, 1]
    html = response.content.decode()
    assert html.count("<td>Hướng nghiệp</td>") == 5
    assert [entry.change.action for entry in response.context["history"]][:3] == [
        "updated",
        "counselling",
        "wish",
    ]


def test_the_survey_and_counselling_links_show_only_to_who_may_write(login, users, soldier) -> None:
    survey = reverse("training:survey", args=[soldier.pk])
    counselling = reverse("soldiers:counselling_add", args=[soldier.pk])
    url = reverse("soldiers:detail", args=[soldier.pk])

    officer_page = login(users[User.Role.UNIT_OFFICER]).get(url).content.decode()
    leader_page = login(users[User.Role.LEADER]).get(url).content.decode()

    assert (f'href="{survey}"' in officer_page, f'href="{counselling}"' in officer_page) == (
        True,
        True,
    )
    assert (f'href="{survey}"' in leader_page, f'href="{counselling}"' in leader_page) == (
        False,
        False,
    )
    assert ">Sửa</a>" not in leader_page


# -- the admin --


def test_the_admin_shows_files_read_only_with_the_citizen_id_masked(client, soldier) -> None:
    client.force_login(User.objects.create_superuser("quantri", "q@congan.local", "x"))

    changelist = client.get(reverse("admin:soldiers_soldier_changelist"))
    change = client.get(reverse("admin:soldiers_soldier_change", args=[soldier.pk]))
    add = client.get(reverse("admin:soldiers_soldier_add"))
    delete = client.get(reverse("admin:soldiers_soldier_delete", args=[soldier.pk]))

    assert (changelist.status_code, change.status_code) == (200, 200)
    assert (add.status_code, delete.status_code) == (403, 403)
    for page in (changelist, change):
        html = page.content.decode()
        assert "********1234" in html
        assert "037205001234" not in html
    assert 'name="_save"' not in change.content.decode()


def test_history_lines_of_training_and_job_outcomes_have_vietnamese_labels() -> None:
    from soldiers.selectors import _history_line

    assert [
        _history_line(key, ["", "x"]).label
        for key in ("registration", "support", "referral", "placement", "loan", "job_fair")
    ] == [
        "Đăng ký học nghề",
        "Hỗ trợ đào tạo",
        "Giới thiệu việc làm",
        "Việc làm",
        "Vay vốn",
        "Tham gia ngày hội việc làm",
    ]
