"""An institution's own staff records what becomes of the registrations sent to it: enrolment,
completion with a certificate number, withdrawal, the settlement of a training card. The same
services the police use decide (training.services); the rule of who may is generalised in one
place (training.selectors.may_record_for_institution). Each change lands in the soldier's
history under the partner's name and is told to the officers of his unit and the units above."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import CourseFactory, InstitutionFactory, SoldierFactory
from tests.partners import SENT, department, institution_staff
from tests.partners import sent_to as send
from training import services
from training.models import Registration, TrainingSupport
from units.models import Notification, Unit, User

Role = User.Role
NOW = dt.datetime(2027, 3, 1, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def px01(tree, make_user) -> User:
    return department(make_user, tree.root, "PX01")


@pytest.fixture
def school(db):
    return InstitutionFactory(name="Trường Cao đẳng Cơ giới Ninh Bình")


@pytest.fixture
def other_school(db):
    return InstitutionFactory(name="Trường Trung cấp nghề số 13")


@pytest.fixture
def partner(px01, school) -> User:
    return institution_staff(px01, school, "hanh.cdcg")


@pytest.fixture
def officer(users) -> User:
    return users[Role.UNIT_OFFICER]


def sent_to(institution, officer: User, unit: Unit, name: str = "Phạm Văn Đức") -> Registration:
    return send(institution, officer, SoldierFactory(unit=unit, full_name=name))


def test_the_partner_enrols_a_soldier_sent_to_his_institution(
    partner, officer, tree, school
) -> None:
    registration = sent_to(school, officer, tree.pk02)

    services.registration_enrol(user=partner, registration=registration, on=dt.date(2026, 9, 5))

    registration.refresh_from_db()
    assert (registration.status, registration.enrolled_on) == ("enrolled", dt.date(2026, 9, 5))
    latest = registration.soldier.changes.order_by("-pk").first()
    assert (latest.by, latest.action, latest.changes) == (
        partner,
        "registration",
        {
            "registration": [
                "Đã gửi cơ sở đào tạo",
                "Điện công nghiệp – Trường Cao đẳng Cơ giới Ninh Bình: Đang học",
            ]
        },
    )


def test_the_unit_officers_of_his_unit_and_the_units_above_are_told(
    partner, officer, tree, school, make_user
) -> None:
    d1_officer = make_user(Role.UNIT_OFFICER, tree.pk02_d1)
    pc07_officer = make_user(Role.UNIT_OFFICER, tree.pc07)
    registration = sent_to(school, officer, tree.pk02_d1, name="Lê Văn Bình")
    Notification.objects.all().delete()

    services.registration_enrol(user=partner, registration=registration, on=dt.date(2026, 9, 5))

    notified = Notification.objects.order_by("user_id")
    assert [n.user for n in notified] == [officer, d1_officer]
    assert pc07_officer.notifications.count() == 0
    assert {(n.title, n.body, n.url) for n in notified} == {
        (
            "Trường Cao đẳng Cơ giới Ninh Bình đã cập nhật hồ sơ của Lê Văn Bình",
            "Đăng ký học nghề: Điện công nghiệp – Trường Cao đẳng Cơ giới Ninh Bình: Đang học "
            "(người ghi nhận: Cán bộ hanh.cdcg).",
            f"/soldiers/{registration.soldier_id}/",
        )
    }


def test_an_officers_own_change_notifies_nobody(officer, tree, school) -> None:
    registration = sent_to(school, officer, tree.pk02)

    services.registration_enrol(user=officer, registration=registration, on=dt.date(2026, 9, 5))

    assert Notification.objects.count() == 0


def test_completion_before_enrolment_is_refused_and_changes_nothing(
    partner, officer, tree, school
) -> None:
    registration = sent_to(school, officer, tree.pk02)

    with pytest.raises(ValidationError) as caught:
        services.registration_complete(
            user=partner, registration=registration, on=dt.date(2026, 12, 1)
        )

    assert caught.value.messages == ["Chỉ ghi nhận hoàn thành sau khi đã nhập học."]
    registration.refresh_from_db()
    assert (registration.status, registration.completed_on) == ("sent", None)


def test_a_certificate_number_is_used_once_in_an_institution(
    partner, officer, tree, school, other_school
) -> None:
    first = sent_to(school, officer, tree.pk02, name="Phạm Văn An")
    second = sent_to(school, officer, tree.pk02, name="Phạm Văn Bình")
    elsewhere = sent_to(other_school, officer, tree.pk02, name="Phạm Văn Cường")
    for registration in (first, second, elsewhere):
        services.registration_enrol(user=officer, registration=registration, on=SENT)
    services.registration_complete(
        user=partner, registration=first, on=dt.date(2026, 12, 1), certificate_number="SC-001"
    )

    with pytest.raises(ValidationError) as caught:
        services.registration_complete(
            user=partner, registration=second, on=dt.date(2026, 12, 1), certificate_number="SC-001"
        )

    assert caught.value.message_dict == {
        "certificate_number": ["Số chứng chỉ này đã được dùng ở cơ sở đào tạo này."]
    }
    second.refresh_from_db()
    assert (second.status, second.certificate_number) == ("enrolled", "")
    # Another institution may number its certificates as it likes.
    services.registration_complete(
        user=officer, registration=elsewhere, on=dt.date(2026, 12, 1), certificate_number="SC-001"
    )


def test_the_partner_may_not_touch_another_institutions_registration(
    partner, officer, tree, other_school
) -> None:
    registration = sent_to(other_school, officer, tree.pk02)

    with pytest.raises(PermissionDenied):
        services.registration_enrol(user=partner, registration=registration, on=SENT)

    registration.refresh_from_db()
    assert registration.status == "sent"


def test_a_registration_not_yet_sent_is_not_the_partners(partner, officer, tree, school) -> None:
    registration = services.registration_create(
        user=officer,
        soldier=SoldierFactory(unit=tree.pk02),
        course=CourseFactory(institution=school),
        on=dt.date(2026, 8, 1),
    )

    with pytest.raises(PermissionDenied):
        services.registration_withdraw(
            user=partner, registration=registration, on=SENT, reason="Không đến nhập học"
        )


def test_the_partner_records_a_withdrawal_with_its_reason(partner, officer, tree, school) -> None:
    registration = sent_to(school, officer, tree.pk02)

    services.registration_withdraw(
        user=partner, registration=registration, on=dt.date(2026, 9, 1), reason="Đi làm ở xa"
    )

    registration.refresh_from_db()
    assert (registration.status, registration.withdrawn_on, registration.withdrawal_reason) == (
        "withdrawn",
        dt.date(2026, 9, 1),
        "Đi làm ở xa",
    )


def card_for(registration: Registration, officer: User, number: str) -> TrainingSupport:
    # Cards are for cohorts discharged up to 2025.
    soldier = registration.soldier
    soldier.actual_discharge_date = dt.date(2025, 12, 20)
    soldier.save(update_fields=["actual_discharge_date"])
    return services.support_issue_card(
        user=officer,
        soldier=soldier,
        card_number=number,
        issued_on=dt.date(2026, 1, 5),
        registration=registration,
    )


def test_the_partner_settles_the_card_of_a_soldier_sent_to_it(
    partner, officer, tree, school, other_school
) -> None:
    ours = card_for(sent_to(school, officer, tree.pk02, name="Phạm Văn An"), officer, "THN-1")
    theirs = card_for(
        sent_to(other_school, officer, tree.pk02, name="Phạm Văn Bình"), officer, "THN-2"
    )

    services.support_settle_card(
        user=partner, support=ours, on=dt.date(2026, 12, 20), amount_vnd=6_000_000
    )
    with pytest.raises(PermissionDenied):
        services.support_settle_card(
            user=partner, support=theirs, on=dt.date(2026, 12, 20), amount_vnd=6_000_000
        )

    assert list(
        TrainingSupport.objects.order_by("card_number").values_list("card_status", "settled_vnd")
    ) == [("settled", 6_000_000), ("issued", None)]
    latest = ours.soldier.changes.order_by("-pk").first()
    assert (latest.by, latest.changes) == (
        partner,
        {"support": ["", "Thanh quyết toán thẻ THN-1"]},
    )


def test_a_deactivated_partner_account_records_nothing(partner, officer, tree, school) -> None:
    registration = sent_to(school, officer, tree.pk02)
    User.objects.filter(pk=partner.pk).update(is_active=False)
    partner.refresh_from_db()

    with pytest.raises(PermissionDenied):
        services.registration_enrol(user=partner, registration=registration, on=SENT)
