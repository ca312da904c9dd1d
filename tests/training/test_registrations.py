from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from soldiers import services as soldier_services
from tests.factories import CourseFactory, SoldierFactory
from training import services
from training.models import Occupation, Registration, RegistrationList
from units.models import User


@pytest.fixture(autouse=True)
def _frozen_clock():
    # Outcomes may not be dated in the future: these cases are told from mid-2027.
    with time_machine.travel(dt.datetime(2027, 6, 1, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def officer(users) -> User:
    return users[User.Role.UNIT_OFFICER]


@pytest.fixture
def registered(tree, officer) -> Registration:
    course = CourseFactory()
    soldier = SoldierFactory(unit=tree.pk02, full_name="Phạm Văn Đức")
    return services.registration_create(
        user=officer, soldier=soldier, course=course, on=dt.date(2026, 8, 1)
    )


def test_the_full_path_moves_forward_with_dates_and_history(registered, officer) -> None:
    [sent_list] = services.registrations_send(
        user=officer, registrations=[registered], on=dt.date(2026, 8, 15)
    )
    services.registration_enrol(user=officer, registration=registered, on=dt.date(2026, 9, 5))
    services.registration_complete(
        user=officer, registration=registered, on=dt.date(2026, 12, 5), certificate_number="SC-001"
    )

    registered.refresh_from_db()
    assert (
        registered.status,
        registered.sent_on,
        registered.enrolled_on,
        registered.completed_on,
    ) == (
        "completed",
        dt.date(2026, 8, 15),
        dt.date(2026, 9, 5),
        dt.date(2026, 12, 5),
    )
    assert sent_list.institution == registered.course.institution
    assert list(sent_list.rows.all()) == [registered]
    summaries = list(
        registered.soldier.changes.filter(action="registration")
        .order_by("pk")
        .values_list("changes", flat=True)
    )
    institution = registered.course.institution.name
    assert summaries == [
        {"registration": ["", f"Điện công nghiệp – {institution}: Có nguyện vọng"]},
        {
            "registration": [
                "Có nguyện vọng",
                f"Điện công nghiệp – {institution}: Đã gửi cơ sở đào tạo",
            ]
        },
        {"registration": ["Đã gửi cơ sở đào tạo", f"Điện công nghiệp – {institution}: Đang học"]},
        {"registration": ["Đang học", f"Điện công nghiệp – {institution}: Đã hoàn thành"]},
    ]


def test_enrolment_before_sending_is_refused(registered, officer) -> None:
    with pytest.raises(ValidationError) as caught:
        services.registration_enrol(user=officer, registration=registered, on=dt.date(2026, 9, 5))

    assert caught.value.messages == [
        "Chỉ ghi nhận nhập học sau khi đã gửi danh sách cho cơ sở đào tạo."
    ]
    registered.refresh_from_db()
    assert (registered.status, registered.enrolled_on) == ("wished", None)


def test_completion_before_enrolment_is_refused(registered, officer) -> None:
    services.registrations_send(user=officer, registrations=[registered], on=dt.date(2026, 8, 15))

    with pytest.raises(ValidationError) as caught:
        services.registration_complete(
            user=officer, registration=registered, on=dt.date(2026, 12, 1)
        )

    assert caught.value.messages == ["Chỉ ghi nhận hoàn thành sau khi đã nhập học."]
    assert Registration.objects.get().status == "sent"


def test_dates_cannot_go_backwards(registered, officer) -> None:
    services.registrations_send(user=officer, registrations=[registered], on=dt.date(2026, 8, 15))

    with pytest.raises(ValidationError) as caught:
        services.registration_enrol(user=officer, registration=registered, on=dt.date(2026, 8, 14))

    assert caught.value.message_dict == {"on": ["Ngày nhập học trước ngày gửi danh sách."]}


def test_a_registration_for_an_archived_soldier_is_refused(tree, officer) -> None:
    soldier = SoldierFactory(unit=tree.pk02)
    soldier_services.soldier_archive(user=officer, soldier=soldier, reason="Chuyển công tác")

    with pytest.raises(ValidationError) as caught:
        services.registration_create(
            user=officer, soldier=soldier, course=CourseFactory(), on=dt.date(2026, 8, 1)
        )

    assert caught.value.messages == ["Hồ sơ chiến sĩ này đã được lưu trữ; hãy khôi phục trước."]
    assert Registration.objects.count() == 0


def test_only_one_registration_in_progress(registered, officer) -> None:
    with pytest.raises(ValidationError) as caught:
        services.registration_create(
            user=officer, soldier=registered.soldier, course=CourseFactory(), on=dt.date(2026, 8, 2)
        )

    assert caught.value.messages == ["Chiến sĩ đang có một đăng ký học nghề chưa kết thúc."]


def test_a_certificate_number_is_used_once_per_institution(tree, officer, registered) -> None:
    other = services.registration_create(
        user=officer,
        soldier=SoldierFactory(unit=tree.pk02),
        course=registered.course,
        on=dt.date(2026, 8, 1),
    )
    services.registrations_send(
        user=officer, registrations=[registered, other], on=dt.date(2026, 8, 15)
    )
    for registration in (registered, other):
        services.registration_enrol(user=officer, registration=registration, on=dt.date(2026, 9, 1))
    services.registration_complete(
        user=officer, registration=registered, on=dt.date(2026, 12, 1), certificate_number="SC-9"
    )

    with pytest.raises(ValidationError) as caught:
        services.registration_complete(
            user=officer, registration=other, on=dt.date(2026, 12, 1), certificate_number="SC-9"
        )

    assert caught.value.message_dict == {
        "certificate_number": ["Số chứng chỉ này đã được dùng ở cơ sở đào tạo này."]
    }
    assert Registration.objects.get(pk=other.pk).status == "enrolled"


def test_a_ledger_registration_without_course_waits_for_one_before_sending(tree, officer) -> None:
    soldier = SoldierFactory(unit=tree.pk02, full_name="Lê Văn Sơn")
    registration = services.registration_create(
        user=officer,
        soldier=soldier,
        occupation=Occupation.objects.get(code="HAN"),
        on=dt.date(2026, 8, 1),
    )

    with pytest.raises(ValidationError) as caught:
        services.registrations_send(
            user=officer, registrations=[registration], on=dt.date(2026, 8, 15)
        )
    services.registration_choose_course(
        user=officer, registration=registration, course=CourseFactory()
    )
    services.registrations_send(user=officer, registrations=[registration], on=dt.date(2026, 8, 15))

    assert caught.value.messages == ["Hãy chọn khóa đào tạo cho Lê Văn Sơn trước khi gửi."]
    assert RegistrationList.objects.count() == 1


def test_withdrawal_needs_a_reason(registered, officer) -> None:
    with pytest.raises(ValidationError):
        services.registration_withdraw(
            user=officer, registration=registered, on=dt.date(2026, 8, 5), reason=" "
        )
    services.registration_withdraw(
        user=officer, registration=registered, on=dt.date(2026, 8, 5), reason="Đi làm"
    )

    registered.refresh_from_db()
    assert (registered.status, registered.withdrawal_reason) == ("withdrawn", "Đi làm")


def test_sending_makes_one_list_per_institution(tree, officer) -> None:
    first, second = CourseFactory(), CourseFactory()
    registrations = [
        services.registration_create(
            user=officer, soldier=SoldierFactory(unit=tree.pk02), course=c, on=dt.date(2026, 8, 1)
        )
        for c in (first, second, first)
    ]

    lists = services.registrations_send(
        user=officer, registrations=registrations, on=dt.date(2026, 8, 15)
    )

    assert sorted((sl.institution_id, sl.rows.count()) for sl in lists) == sorted(
        [(first.institution_id, 2), (second.institution_id, 1)]
    )
