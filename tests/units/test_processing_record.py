"""The record of processing: generated from the models' declarations, complete by the rule in
units/personal_data.py, and shown to those who answer for the province."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory
from units import personal_data
from units.models import User
from units.personal_data import Basis, PersonalField, Retention

Role = User.Role
PAGE = reverse("units:processing_record")


# -- the rule: a field that looks personal cannot be added without its entry --


def test_every_field_that_looks_personal_in_every_local_model_has_its_entry() -> None:
    assert personal_data.undeclared_fields() == []


def test_every_entry_names_a_field_its_model_has() -> None:
    assert personal_data.unknown_declarations() == []


@isolate_apps("units")
def test_a_new_model_with_a_phone_and_no_entry_fails_the_rule() -> None:
    class Contact(models.Model):
        title = models.CharField(max_length=20)
        phone = models.CharField(max_length=20)
        reply_to = models.EmailField()

        class Meta:
            app_label = "units"

        def __str__(self) -> str:
            return self.title

    assert personal_data.undeclared_fields([Contact]) == [
        "units.Contact.phone",
        "units.Contact.reply_to",
    ]


@isolate_apps("units")
def test_a_field_is_passed_by_its_entry_or_by_a_reason_it_is_not_personal() -> None:
    class Office(models.Model):
        contact_name = models.CharField(max_length=20)
        address = models.CharField(max_length=20)

        PERSONAL_DATA = {
            "contact_name": PersonalField(
                purpose="liên hệ",
                basis=Basis.CONTACT,
                audience="mọi người",
                retention=Retention.CONTACT,
            )
        }
        NOT_PERSONAL_DATA = {"address": "địa chỉ trụ sở"}

        class Meta:
            app_label = "units"

        def __str__(self) -> str:
            return self.contact_name

    assert personal_data.undeclared_fields([Office]) == []


@pytest.mark.parametrize(
    ("field", "personal"),
    [
        (models.CharField(name="full_name"), True),
        (models.CharField(name="contact_name"), True),
        (models.DateField(name="date_of_birth"), True),
        (models.CharField(name="citizen_id"), True),
        (models.CharField(name="phone"), True),
        (models.CharField(name="home_phone_number"), True),
        (models.PositiveIntegerField(name="home_ward_code"), True),
        (models.CharField(name="address"), True),
        (models.CharField(name="ip_address"), True),
        (models.CharField(name="user_agent"), True),
        (models.CharField(name="username"), True),
        (models.EmailField(name="reply_to"), True),
        (models.GenericIPAddressField(name="origin"), True),
        # The names of things, and a unit's own commune, are not a person's.
        (models.CharField(name="name"), False),
        (models.PositiveIntegerField(name="ward_code"), False),
        (models.CharField(name="title"), False),
        (models.CharField(name="shipping"), False),
    ],
)
def test_the_rule_looks_at_the_words_of_the_name_and_the_type(field, personal) -> None:
    assert personal_data.looks_personal(field) is personal


# -- what the record holds --


def test_the_record_lists_every_declared_field_of_every_model_that_keeps_personal_data() -> None:
    record = personal_data.processing_record()

    assert [model.label for model in record] == [
        "units.user",
        "units.notification",
        "units.auditevent",
        "units.usersession",
        "soldiers.soldier",
        "soldiers.soldierchange",
        "soldiers.citizenidview",
        "soldiers.counselling",
        "training.careerwish",
        "training.institution",
        "training.registration",
        "training.trainingsupport",
        "employers.employer",
        "employers.referral",
        "employers.placement",
        "employers.loan",
        "reports.reportsubmission",
        "reports.exportjob",
        "reports.sheetprint",
        "axes.accessattempt",
        "axes.accesslog",
    ]
    for model in record:
        declared = personal_data.declarations(apps.get_model(model.label))
        assert sorted(line.name for line in model.lines) == sorted(declared), model.label


def test_a_soldiers_fields_are_listed_in_the_models_order_with_what_the_law_asks() -> None:
    [soldier] = [m for m in personal_data.processing_record() if m.label == "soldiers.soldier"]

    assert [(line.label, line.name) for line in soldier.lines] == [
        ("Họ và tên", "full_name"),
        ("Khóa sắp xếp theo tên", "sort_key"),
        ("Ngày sinh", "date_of_birth"),
        ("Giới tính", "gender"),
        ("Số CCCD", "citizen_id"),
        ("Số điện thoại", "phone"),
        ("Quê quán (tỉnh)", "home_province_code"),
        ("Quê quán (xã/phường)", "home_ward_code"),
        ("Đơn vị", "unit"),
        ("Cấp bậc", "rank"),
        ("Ngày nhập ngũ", "enlistment_date"),
        ("Ngày xuất ngũ dự kiến", "expected_discharge_date"),
        ("Ngày xuất ngũ thực tế", "actual_discharge_date"),
        ("Lý do lưu trữ", "archived_reason"),
    ]
    citizen_id = soldier.lines[4].entry
    assert (str(citizen_id.audience), str(citizen_id.retention)) == (
        "Được che, chỉ hiện 4 chữ số cuối với mọi người xem được chiến sĩ; chỉ hiện đầy đủ khi "
        "người đó yêu cầu trên trang hồ sơ (mỗi lần đều được ghi nhật ký) và trong sổ theo dõi "
        "xuất bằng dòng lệnh",
        "Đến khi được ẩn danh: khi thời hạn hỗ trợ của chiến sĩ đã hết quá thời gian lưu giữ "
        "(5 năm, trừ khi PX01 đặt thời gian khác), PX01 phê duyệt xóa họ tên, số CCCD, ngày và "
        "tháng sinh, số điện thoại",
    )


# -- the page --


@pytest.fixture
def accounts(users, db) -> dict[str, User]:
    return users | {
        "superuser": User.objects.create_superuser("quantri", "q@congan.local", TEST_PASSWORD),
        Role.INSTITUTION_STAFF: UserFactory(role=Role.INSTITUTION_STAFF, unit=None),
        Role.EMPLOYER_STAFF: UserFactory(role=Role.EMPLOYER_STAFF, unit=None),
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (Role.HQ_STAFF, 200),
        (Role.LEADER, 200),
        ("superuser", 200),
        (Role.UNIT_OFFICER, 403),
        (Role.COMMUNE_OFFICER, 403),
        (Role.INSTITUTION_STAFF, 403),
        (Role.EMPLOYER_STAFF, 403),
    ],
)
def test_headquarters_leadership_and_superusers_read_the_record(
    login, accounts, who, status
) -> None:
    assert login(accounts[who]).get(PAGE).status_code == status


def test_signed_out_visitors_are_sent_to_sign_in(client, db) -> None:
    response = client.get(PAGE)

    assert (response.status_code, response.url) == (302, f"/accounts/login/?next={PAGE}")


def test_the_page_shows_one_row_per_declared_field(login, users) -> None:
    response = login(users[Role.LEADER]).get(PAGE)

    html = response.content.decode()
    lines = sum(len(model.lines) for model in personal_data.processing_record())
    assert html.count('<tr data-testid="field">') == lines
    assert '<section class="mb-4" data-testid="model" id="soldiers.soldier">' in html
    assert "<td>Số CCCD<div" in html


@pytest.mark.parametrize(
    ("who", "linked"),
    [
        (Role.HQ_STAFF, True),
        (Role.LEADER, True),
        ("superuser", True),
        (Role.UNIT_OFFICER, False),
        (Role.COMMUNE_OFFICER, False),
    ],
)
def test_the_home_page_links_the_record_for_those_who_may_read_it(
    login, accounts, who, linked
) -> None:
    html = login(accounts[who]).get(reverse("home")).content.decode()

    link = f'<a href="{PAGE}" data-testid="processing-record">Hồ sơ xử lý dữ liệu</a>'
    assert (link in html) is linked
