from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.factories import SoldierFactory
from training import services
from training.models import TrainingSupport
from training.selectors import NoBaseSalary, support_cap_on
from units.models import User


@pytest.fixture
def officer(users) -> User:
    return users[User.Role.UNIT_OFFICER]


def test_the_cap_is_twelve_base_salaries_in_force_on_the_day(db) -> None:
    assert support_cap_on(dt.date(2026, 6, 30)) == 12 * 2_340_000
    assert support_cap_on(dt.date(2026, 7, 1)) == 12 * 2_530_000


def test_a_day_before_any_base_salary_is_an_error_naming_it(db) -> None:
    with pytest.raises(NoBaseSalary) as caught:
        support_cap_on(dt.date(2024, 6, 30))

    assert str(caught.value) == "Chưa có mức lương cơ sở áp dụng cho ngày 30/06/2024."


def test_a_card_for_the_2025_cohort_is_worth_twelve_base_salaries_and_valid_a_year(
    tree, officer
) -> None:
    soldier = SoldierFactory(unit=tree.pk02, enlistment_date=dt.date(2023, 9, 1))

    card = services.support_issue_card(
        user=officer, soldier=soldier, card_number="THN-01", issued_on=dt.date(2025, 9, 5)
    )

    assert (card.cap_vnd, card.valid_until, card.card_status) == (
        28_080_000,
        dt.date(2026, 9, 5),
        "issued",
    )


def test_a_card_is_not_for_soldiers_discharged_from_2026(tree, officer) -> None:
    soldier = SoldierFactory(unit=tree.pk02, enlistment_date=dt.date(2024, 3, 1))

    with pytest.raises(ValidationError) as caught:
        services.support_issue_card(
            user=officer, soldier=soldier, card_number="THN-02", issued_on=dt.date(2026, 3, 5)
        )

    assert caught.value.messages == [
        "Thẻ học nghề chỉ dành cho chiến sĩ xuất ngũ đến hết năm 2025; "
        "chiến sĩ này thuộc Nghị định 338/2025."
    ]


def test_a_card_used_after_it_expired_is_refused(tree, officer) -> None:
    soldier = SoldierFactory(unit=tree.pk02, enlistment_date=dt.date(2023, 9, 1))
    card = services.support_issue_card(
        user=officer, soldier=soldier, card_number="THN-03", issued_on=dt.date(2025, 9, 5)
    )

    with pytest.raises(ValidationError) as caught:
        services.support_settle_card(
            user=officer, support=card, on=dt.date(2026, 9, 6), amount_vnd=5_000_000
        )

    assert caught.value.messages == ["Thẻ đã hết hạn ngày 05/09/2026, không thể sử dụng."]
    card.refresh_from_db()
    assert (card.card_status, card.settled_vnd) == ("issued", None)


def test_a_card_settles_once_within_its_value(tree, officer) -> None:
    soldier = SoldierFactory(unit=tree.pk02, enlistment_date=dt.date(2023, 9, 1))
    card = services.support_issue_card(
        user=officer, soldier=soldier, card_number="THN-04", issued_on=dt.date(2025, 9, 5)
    )

    with pytest.raises(ValidationError):
        services.support_settle_card(
            user=officer, support=card, on=dt.date(2026, 1, 6), amount_vnd=28_080_001
        )
    services.support_settle_card(
        user=officer, support=card, on=dt.date(2026, 1, 6), amount_vnd=6_000_000
    )

    card.refresh_from_db()
    assert (card.card_status, card.settled_vnd) == ("settled", 6_000_000)


def test_the_commune_regime_uses_the_new_base_salary_and_is_granted_once(tree, officer) -> None:
    soldier = SoldierFactory(unit=tree.pk02, enlistment_date=dt.date(2024, 8, 1))

    first = services.support_apply_at_commune(
        user=officer, soldier=soldier, applied_on=dt.date(2026, 9, 1)
    )
    with pytest.raises(ValidationError) as caught:
        services.support_apply_at_commune(
            user=officer, soldier=soldier, applied_on=dt.date(2026, 10, 1)
        )

    assert first.cap_vnd == 12 * 2_530_000
    assert caught.value.messages == ["Hỗ trợ theo Nghị định 338/2025 chỉ được hưởng một lần."]
    assert TrainingSupport.objects.count() == 1


def test_the_commune_application_is_refused_after_sixty_months(tree, officer) -> None:
    soldier = SoldierFactory(unit=tree.pk02, enlistment_date=dt.date(2024, 8, 1))

    with pytest.raises(ValidationError) as caught:
        services.support_apply_at_commune(
            user=officer, soldier=soldier, applied_on=dt.date(2031, 8, 2)
        )

    assert caught.value.messages == [
        "Hồ sơ nộp quá 60 tháng kể từ ngày xuất ngũ (hạn cuối 01/08/2031)."
    ]


def test_a_commune_decision_stays_within_the_cap(tree, officer) -> None:
    soldier = SoldierFactory(unit=tree.pk02, enlistment_date=dt.date(2024, 8, 1))
    application = services.support_apply_at_commune(
        user=officer, soldier=soldier, applied_on=dt.date(2026, 9, 1)
    )

    with pytest.raises(ValidationError) as caught:
        services.support_decide_application(
            user=officer,
            support=application,
            decided_on=dt.date(2026, 9, 20),
            amount_vnd=30_360_001,
        )
    services.support_decide_application(
        user=officer, support=application, decided_on=dt.date(2026, 9, 20), amount_vnd=30_360_000
    )

    assert caught.value.message_dict == {"amount_vnd": ["Số tiền vượt mức tối đa 30.360.000 đ."]}
    application.refresh_from_db()
    assert application.amount_vnd == 30_360_000
