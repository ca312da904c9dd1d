"""An employer's own staff confirms the hire of a soldier referred to it (the hire becomes his
Placement, through employers.services.placement_record) or declines him with a reason, and
keeps its openings, which wait for PA04's approval. A hire for a soldier never referred to the
employer is refused; every change lands in the soldier's history under the partner's name and
is told to his unit's officers."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from employers import services
from employers.models import JobOpening, Placement, Referral
from tests.factories import EmployerFactory, InstitutionFactory, JobOpeningFactory, SoldierFactory
from tests.partners import department, employer_staff, referred_to, sent_to
from training import services as training_services
from training.models import Occupation
from units.models import Notification, User

Role = User.Role
NOW = dt.datetime(2027, 3, 1, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
STARTED = dt.date(2026, 10, 1)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def pa04(tree, make_user) -> User:
    return department(make_user, tree.root, "PA04")


@pytest.fixture
def company(db):
    return EmployerFactory(name="Công ty CP Ô tô Thành An Ninh Bình")


@pytest.fixture
def opening(company) -> JobOpening:
    return JobOpeningFactory(employer=company, title="Kỹ thuật viên điện")


@pytest.fixture
def other_opening(db) -> JobOpening:
    return JobOpeningFactory(employer=EmployerFactory(name="Công ty TNHH May Hoa Lư"))


@pytest.fixture
def partner(pa04, company) -> User:
    return employer_staff(pa04, company, "thanh.thanhan")


@pytest.fixture
def officer(users) -> User:
    return users[Role.UNIT_OFFICER]


def hire(partner: User, referral: Referral, **kwargs: object) -> Placement:
    return services.referral_hire(
        user=partner,
        referral=referral,
        started_on=STARTED,
        evidence=Placement.Evidence.LABOUR_CONTRACT,
        **kwargs,
    )


def test_a_confirmed_hire_becomes_the_soldiers_placement(
    partner, officer, opening, company, tree
) -> None:
    # Trained first, so that the job counts in the employed-after-training figure.
    soldier = SoldierFactory(unit=tree.pk02)
    registration = sent_to(InstitutionFactory(), officer, soldier)
    training_services.registration_enrol(
        user=officer, registration=registration, on=dt.date(2026, 9, 1)
    )
    referral = referred_to(opening, officer, soldier)

    placement = hire(partner, referral, salary_vnd=8_000_000)

    referral.refresh_from_db()
    assert (referral.status, referral.decided_on) == ("hired", STARTED)
    assert (
        placement.kind,
        placement.employer,
        placement.opening,
        placement.occupation.code,
        placement.started_on,
        placement.salary_vnd,
        placement.evidence,
        placement.source,
        placement.recorded_by,
    ) == (
        "enterprise",
        company,
        opening,
        "DCN",
        STARTED,
        8_000_000,
        "labour_contract",
        "unit",
        partner,
    )
    soldier = referral.soldier
    soldier.refresh_from_db()
    assert soldier.employed_on == STARTED
    latest = soldier.changes.order_by("-pk").first()
    assert (latest.by, latest.action, latest.changes) == (
        partner,
        "placement",
        {
            "placement": [
                "",
                "Làm việc tại doanh nghiệp – Công ty CP Ô tô Thành An Ninh Bình – 01/10/2026",
            ]
        },
    )


def test_the_soldiers_unit_officers_are_told_of_the_hire(partner, officer, opening) -> None:
    referral = referred_to(opening, officer)

    hire(partner, referral)

    name = referral.soldier.full_name
    assert list(Notification.objects.values_list("user", "title")) == [
        (officer.pk, f"Công ty CP Ô tô Thành An Ninh Bình đã cập nhật hồ sơ của {name}")
    ]


def test_a_hire_for_a_soldier_never_referred_is_refused(partner, tree, opening) -> None:
    soldier = SoldierFactory(unit=tree.pk02, full_name="Đỗ Văn Nam")

    with pytest.raises(ValidationError) as caught:
        services.placement_record(
            user=partner,
            soldier=soldier,
            kind="enterprise",
            opening=opening,
            started_on=STARTED,
            evidence="labour_contract",
        )

    assert caught.value.messages == [
        "Đỗ Văn Nam không có giới thiệu nào đang chờ vào vị trí này của doanh nghiệp: chỉ xác "
        "nhận tuyển dụng được chiến sĩ đã được giới thiệu đến doanh nghiệp."
    ]
    assert Placement.objects.count() == 0


def test_a_hire_without_an_opening_of_his_own_is_refused(partner, officer, other_opening) -> None:
    referral = referred_to(other_opening, officer)

    for opening in (None, other_opening):
        with pytest.raises(ValidationError):
            services.placement_record(
                user=partner,
                soldier=referral.soldier,
                kind="enterprise",
                opening=opening,
                started_on=STARTED,
            )

    referral.refresh_from_db()
    assert (referral.status, Placement.objects.count()) == ("referred", 0)


def test_a_referral_is_hired_once(partner, officer, opening) -> None:
    referral = referred_to(opening, officer)
    hire(partner, referral)

    with pytest.raises(ValidationError):
        hire(partner, referral)

    assert Placement.objects.count() == 1


def test_the_partner_declines_with_a_reason(partner, officer, opening) -> None:
    referral = referred_to(opening, officer)

    services.referral_decline(
        user=partner, referral=referral, on=dt.date(2026, 9, 20), reason="Chưa có bằng lái"
    )

    referral.refresh_from_db()
    assert (referral.status, referral.decided_on, referral.reason) == (
        "declined",
        dt.date(2026, 9, 20),
        "Chưa có bằng lái",
    )
    latest = referral.soldier.changes.order_by("-pk").first()
    assert (latest.by, latest.changes) == (
        partner,
        {
            "referral": [
                "Đã giới thiệu",
                "Kỹ thuật viên điện – Công ty CP Ô tô Thành An Ninh Bình: Không tuyển "
                "(Chưa có bằng lái)",
            ]
        },
    )


def test_a_decline_needs_its_reason(partner, officer, opening) -> None:
    referral = referred_to(opening, officer)

    with pytest.raises(ValidationError) as caught:
        services.referral_decline(user=partner, referral=referral, on=STARTED, reason="  ")

    assert caught.value.message_dict == {"reason": ["Nêu lý do không tuyển dụng."]}
    referral.refresh_from_db()
    assert referral.status == "referred"


def test_another_employers_referral_is_not_his_to_decline(partner, officer, other_opening) -> None:
    referral = referred_to(other_opening, officer)

    with pytest.raises(PermissionDenied):
        services.referral_decline(user=partner, referral=referral, on=STARTED, reason="Không")


def test_an_opening_the_partner_keeps_waits_for_pa04(partner, company, pa04) -> None:
    opening = services.opening_propose(
        user=partner,
        title="Thợ sơn ô tô",
        occupation=Occupation.objects.get(code="OTO"),
        headcount=4,
        open_until=dt.date(2027, 6, 30),
        list_year=2027,
    )

    assert (opening.employer, opening.approved, opening.proposed_by) == (company, False, partner)
    services.opening_approve(user=pa04, opening=opening)
    opening.refresh_from_db()
    assert opening.approved is True
    assert list(partner.notifications.values_list("title", flat=True)) == [
        "Nhu cầu tuyển dụng đã được duyệt: Thợ sơn ô tô"
    ]
    # A change by the employer takes it off the list until PA04 approves it again.
    services.opening_propose(user=partner, opening=opening, headcount=6)
    opening.refresh_from_db()
    assert (opening.headcount, opening.approved) == (6, False)


def test_the_partner_may_not_change_another_employers_opening(partner, other_opening) -> None:
    with pytest.raises(PermissionDenied):
        services.opening_propose(user=partner, opening=other_opening, headcount=1)

    other_opening.refresh_from_db()
    assert (other_opening.headcount, other_opening.approved) == (5, True)
