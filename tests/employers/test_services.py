from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from employers import services
from employers.models import Employer, JobFair, Loan, Placement, Referral
from soldiers.models import Counselling, SoldierChange
from tests.factories import EmployerFactory, JobOpeningFactory, SoldierFactory, UnitFactory
from units.models import Unit, User


@pytest.fixture(autouse=True)
def _frozen_clock():
    # Outcomes may not be dated in the future: these cases are told from mid-2027.
    with time_machine.travel(dt.datetime(2027, 6, 1, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def pa04(tree, make_user) -> User:
    return make_user(
        User.Role.HQ_STAFF, UnitFactory(code="PA04", parent=tree.root, kind="hq_department")
    )


@pytest.fixture
def px03(tree, make_user) -> User:
    return make_user(
        User.Role.HQ_STAFF, UnitFactory(code="PX03", parent=tree.root, kind="hq_department")
    )


def test_pa04_adds_an_employer_with_a_ten_or_thirteen_digit_tax_code(pa04) -> None:
    employer = services.employer_save(
        user=pa04, name="Công ty CP Điện Ninh Bình", tax_code="2700 123 456"
    )

    assert (employer.tax_code, Employer.objects.count()) == ("2700123456", 1)


@pytest.mark.parametrize("tax_code", ["12345", "27001234567", "27001234560001x"])
def test_a_bad_tax_code_is_refused(pa04, tax_code) -> None:
    with pytest.raises(ValidationError) as caught:
        services.employer_save(user=pa04, name="Công ty", tax_code=tax_code)

    assert caught.value.message_dict == {"tax_code": ["Mã số thuế phải gồm 10 hoặc 13 chữ số."]}
    assert Employer.objects.count() == 0


def test_a_unit_officer_may_not_keep_the_employers_list(users) -> None:
    with pytest.raises(PermissionDenied):
        services.employer_save(user=users[User.Role.UNIT_OFFICER], name="X", tax_code="2700123456")


def test_a_placement_cannot_start_before_enlistment(tree, users) -> None:
    soldier = SoldierFactory(unit=tree.pk02)

    with pytest.raises(ValidationError) as caught:
        services.placement_record(
            user=users[User.Role.UNIT_OFFICER],
            soldier=soldier,
            kind="enterprise",
            started_on=soldier.enlistment_date - dt.timedelta(days=1),
            workplace="Xưởng may",
        )

    assert caught.value.message_dict == {
        "started_on": ["Ngày bắt đầu làm việc không được trước ngày nhập ngũ."]
    }
    assert Placement.objects.count() == 0


def test_a_placement_from_an_opening_takes_its_employer_marks_the_referral_hired_and_is_in_history(
    tree, users
) -> None:
    soldier = SoldierFactory(unit=tree.pk02)
    opening = JobOpeningFactory()
    officer = users[User.Role.UNIT_OFFICER]
    services.referral_create(user=officer, soldier=soldier, opening=opening, on=dt.date(2027, 3, 1))

    placement = services.placement_record(
        user=officer,
        soldier=soldier,
        kind="enterprise",
        opening=opening,
        started_on=dt.date(2027, 3, 10),
        evidence="labour_contract",
        source="unit",
    )

    assert (placement.employer, placement.occupation.code) == (opening.employer, "DCN")
    assert Referral.objects.get().status == Referral.Status.HIRED
    assert list(soldier.changes.filter(action="placement").values_list("changes", flat=True)) == [
        {"placement": ["", f"Làm việc tại doanh nghiệp – {opening.employer.name} – 10/03/2027"]}
    ]


def test_a_soldier_is_referred_to_an_opening_only_once(tree, users) -> None:
    soldier, opening = SoldierFactory(unit=tree.pk02), JobOpeningFactory()
    officer = users[User.Role.UNIT_OFFICER]
    services.referral_create(user=officer, soldier=soldier, opening=opening, on=dt.date(2027, 3, 1))

    with pytest.raises(ValidationError) as caught:
        services.referral_create(
            user=officer, soldier=soldier, opening=opening, on=dt.date(2027, 3, 2)
        )

    assert caught.value.messages == ["Chiến sĩ đã được giới thiệu vào vị trí này."]
    assert Referral.objects.count() == 1


def test_commune_officer_records_a_job_for_a_soldier_of_his_commune_only(tree, users) -> None:
    commune_officer = users[User.Role.COMMUNE_OFFICER]
    home = SoldierFactory(unit=tree.pk02, home_ward_code=tree.commune.ward_code)
    elsewhere = SoldierFactory(unit=tree.pk02)

    services.placement_record(
        user=commune_officer, soldier=home, kind="self_employed", started_on=dt.date(2027, 4, 1)
    )
    with pytest.raises(PermissionDenied):
        services.placement_record(
            user=commune_officer,
            soldier=elsewhere,
            kind="self_employed",
            started_on=dt.date(2027, 4, 1),
        )

    assert list(Placement.objects.values_list("soldier", flat=True)) == [home.pk]


def test_loans_move_only_forward(tree, users) -> None:
    officer = users[User.Role.UNIT_OFFICER]
    loan = services.loan_record(
        user=officer,
        soldier=SoldierFactory(unit=tree.pk02),
        purpose="start_up",
        amount_vnd=50_000_000,
        bank_branch="NHCSXH Ninh Bình",
        applied_on=dt.date(2027, 3, 1),
    )

    services.loan_set_status(user=officer, loan=loan, status="approved", on=dt.date(2027, 3, 15))
    with pytest.raises(ValidationError) as caught:
        services.loan_set_status(user=officer, loan=loan, status="applied", on=dt.date(2027, 3, 16))

    assert caught.value.messages == ["Khoản vay không thể chuyển sang trạng thái này."]
    assert Loan.objects.get().status == "approved"


def test_job_fair_attendance_records_one_counselling_per_soldier_once(tree, users, px03) -> None:
    fair = services.job_fair_save(
        user=px03,
        kind="job_fair",
        name="Ngày hội việc làm 2026",
        date=dt.date(2026, 9, 20),
        place="Nhà văn hóa tỉnh",
        organiser=Unit.objects.get(code="PX03"),
        employers=[EmployerFactory()],
    )
    soldiers = [SoldierFactory(unit=tree.pk02), SoldierFactory(unit=tree.pk02_d1)]

    first = services.job_fair_record_attendance(user=px03, fair=fair, soldiers=soldiers)
    second = services.job_fair_record_attendance(user=px03, fair=fair, soldiers=soldiers)

    assert (first, second) == (2, 0)
    assert JobFair.objects.get().soldiers.count() == 2
    assert list(Counselling.objects.order_by().values_list("kind", "date").distinct()) == [
        ("job_fair", dt.date(2026, 9, 20))
    ]
    assert Counselling.objects.count() == 2
    assert SoldierChange.objects.filter(action="job_fair").count() == 2


def test_a_loan_cannot_be_dated_in_the_future(tree, users) -> None:
    with pytest.raises(ValidationError) as caught:
        services.loan_record(
            user=users[User.Role.UNIT_OFFICER],
            soldier=SoldierFactory(unit=tree.pk02),
            purpose="start_up",
            amount_vnd=10_000_000,
            bank_branch="NHCSXH Ninh Bình",
            applied_on=dt.date(2027, 6, 2),
        )

    assert caught.value.message_dict == {"applied_on": ["Ngày này ở tương lai."]}
    assert Loan.objects.count() == 0


def test_attendance_waits_for_the_fair_to_take_place(tree, px03) -> None:
    fair = services.job_fair_save(
        user=px03,
        kind="job_exchange",
        name="Phiên giao dịch việc làm tháng 7",
        date=dt.date(2027, 7, 10),
        place="Trung tâm dịch vụ việc làm",
        organiser=Unit.objects.get(code="PX03"),
    )

    with pytest.raises(ValidationError) as caught:
        services.job_fair_record_attendance(
            user=px03, fair=fair, soldiers=[SoldierFactory(unit=tree.pk02)]
        )

    assert caught.value.messages == ["Chỉ ghi nhận tham gia sau khi ngày hội đã diễn ra."]
    assert fair.soldiers.count() == 0
