from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from soldiers import services
from soldiers.models import Soldier, SoldierChange
from tests.factories import HOME_PROVINCE, HOME_WARD, SoldierFactory, citizen_id_for
from units.models import User


def valid_fields(unit, **overrides):
    fields = {
        "full_name": "Nguyễn Văn Hùng",
        "date_of_birth": dt.date(2005, 3, 10),
        "gender": "male",
        "citizen_id": citizen_id_for(dt.date(2005, 3, 10), "male", 42),
        "phone": "0912 345 678",
        "home_province_code": HOME_PROVINCE,
        "home_ward_code": HOME_WARD,
        "unit": unit,
        "rank": "binh_nhat",
        "enlistment_date": dt.date(2025, 2, 15),
        "expected_discharge_date": None,
        "actual_discharge_date": None,
    }
    return fields | overrides


def errors_of(caught: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return caught.value.message_dict


def test_officer_adds_a_soldier_with_default_discharge_and_a_history_entry(tree, users) -> None:
    officer = users[User.Role.UNIT_OFFICER]

    soldier = services.soldier_create(user=officer, **valid_fields(tree.pk02_d1))

    assert soldier.expected_discharge_date == dt.date(2027, 2, 15)
    assert soldier.phone == "0912345678"
    assert soldier.version == 1
    entry = soldier.changes.get()
    assert (entry.action, entry.by) == (SoldierChange.Action.CREATED, officer)
    assert entry.changes["full_name"] == ["", "Nguyễn Văn Hùng"]
    assert entry.changes["citizen_id"] == ["", "********0042"]
    assert entry.changes["enlistment_date"] == ["", "15/02/2025"]


def test_citizen_id_must_be_twelve_digits(tree, users) -> None:
    with pytest.raises(ValidationError) as caught:
        services.soldier_create(
            user=users[User.Role.UNIT_OFFICER], **valid_fields(tree.pk02, citizen_id="03720512345")
        )

    assert errors_of(caught) == {"citizen_id": ["Số CCCD phải gồm đúng 12 chữ số."]}
    assert Soldier.objects.count() == 0


def test_citizen_id_province_gender_and_year_must_agree(tree, users) -> None:
    fields = valid_fields(tree.pk02, citizen_id="003305000001", gender="male")

    with pytest.raises(ValidationError) as caught:
        services.soldier_create(user=users[User.Role.UNIT_OFFICER], **fields)

    assert errors_of(caught) == {
        "citizen_id": [
            "Số CCCD bắt đầu bằng 003, không phải mã tỉnh.",
            "Chữ số thứ tư của số CCCD không khớp với giới tính.",
        ]
    }


def test_citizen_id_birth_year_must_match_date_of_birth(tree, users) -> None:
    fields = valid_fields(tree.pk02, citizen_id="037204000001")

    with pytest.raises(ValidationError) as caught:
        services.soldier_create(user=users[User.Role.UNIT_OFFICER], **fields)

    assert errors_of(caught) == {
        "citizen_id": ["Số CCCD ghi năm sinh 2004, nhưng ngày sinh thuộc năm 2005."]
    }


def test_enlistment_before_eighteen_and_discharge_before_enlistment_are_refused(
    tree, users
) -> None:
    fields = valid_fields(
        tree.pk02,
        enlistment_date=dt.date(2023, 3, 9),
        expected_discharge_date=dt.date(2023, 3, 1),
    )

    with pytest.raises(ValidationError) as caught:
        services.soldier_create(user=users[User.Role.UNIT_OFFICER], **fields)

    assert errors_of(caught) == {
        "enlistment_date": ["Chiến sĩ phải đủ 18 tuổi vào ngày nhập ngũ."],
        "expected_discharge_date": ["Ngày xuất ngũ phải sau ngày nhập ngũ."],
    }


def test_a_duplicate_citizen_id_names_the_existing_record_only_to_who_may_see_it(
    tree, users, make_user
) -> None:
    existing = SoldierFactory(unit=tree.pc07, full_name="Trần Văn Cường")
    fields = valid_fields(tree.pk02, citizen_id=existing.citizen_id)

    with pytest.raises(ValidationError) as hidden:
        services.soldier_create(user=users[User.Role.UNIT_OFFICER], **fields)
    with pytest.raises(ValidationError) as shown:
        services.soldier_create(user=users[User.Role.HQ_STAFF], **fields)

    assert errors_of(hidden) == {
        "citizen_id": ["Số CCCD này đã thuộc về một chiến sĩ của đơn vị khác."]
    }
    assert errors_of(shown) == {"citizen_id": ["Số CCCD này đã thuộc về Trần Văn Cường (PC07)."]}


def test_officer_cannot_add_a_soldier_to_a_unit_outside_his_scope(tree, users) -> None:
    with pytest.raises(ValidationError) as caught:
        services.soldier_create(user=users[User.Role.UNIT_OFFICER], **valid_fields(tree.pc07))

    assert errors_of(caught) == {
        "unit": ["Đơn vị này nằm ngoài đơn vị của đồng chí và các đơn vị trực thuộc."]
    }


@pytest.mark.parametrize("role", [User.Role.LEADER, User.Role.COMMUNE_OFFICER])
def test_leaders_and_commune_officers_cannot_change_a_file(tree, users, role) -> None:
    with pytest.raises(PermissionDenied):
        services.soldier_create(user=users[role], **valid_fields(tree.pk02))


def test_the_second_of_two_concurrent_edits_is_refused_and_overwrites_nothing(tree, users) -> None:
    soldier = SoldierFactory(unit=tree.pk02)
    first, second = users[User.Role.UNIT_OFFICER], users[User.Role.HQ_STAFF]
    opened_at = soldier.version
    fields = {name: getattr(soldier, name) for name in services.EDITABLE_FIELDS}

    services.soldier_update(
        user=first, soldier=soldier, version=opened_at, **fields | {"phone": "0987654321"}
    )
    with pytest.raises(services.EditConflict) as caught:
        services.soldier_update(
            user=second, soldier=soldier, version=opened_at, **fields | {"rank": "ha_si"}
        )

    soldier.refresh_from_db()
    assert caught.value.messages == [
        "Người khác đã lưu hồ sơ này sau khi đồng chí mở. Chưa lưu gì: hãy tải lại trang để xem "
        "thay đổi của họ rồi sửa lại."
    ]
    assert (soldier.phone, soldier.rank, soldier.version) == ("0987654321", "binh_nhat", 2)


def test_an_edit_keeps_before_and_after_in_history(tree, users) -> None:
    soldier = SoldierFactory(unit=tree.pk02, full_name="Lê Văn Nam")
    officer = users[User.Role.UNIT_OFFICER]
    fields = {name: getattr(soldier, name) for name in services.EDITABLE_FIELDS}

    services.soldier_update(
        user=officer,
        soldier=soldier,
        version=1,
        **fields | {"full_name": "Lê Văn Năm", "rank": "ha_si"},
    )

    entry = soldier.changes.filter(action=SoldierChange.Action.UPDATED).get()
    assert entry.by == officer
    assert entry.changes == {
        "full_name": ["Lê Văn Nam", "Lê Văn Năm"],
        "rank": ["Binh nhất", "Hạ sĩ"],
    }


def test_archive_needs_a_reason_and_can_be_undone(tree, users) -> None:
    soldier = SoldierFactory(unit=tree.pk02)
    officer = users[User.Role.UNIT_OFFICER]

    with pytest.raises(ValidationError):
        services.soldier_archive(user=officer, soldier=soldier, reason="  ")
    services.soldier_archive(user=officer, soldier=soldier, reason="Chuyển ngành")
    assert (soldier.archived, soldier.archived_reason) == (True, "Chuyển ngành")
    services.soldier_restore(user=officer, soldier=soldier)

    assert soldier.archived is False
    assert list(soldier.changes.values_list("action", flat=True)[:2]) == ["restored", "archived"]
