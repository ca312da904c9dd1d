from __future__ import annotations

import datetime as dt

import pytest

from soldiers.dates import add_months, latest_enlistment_for_month, month_of_service, month_start


def test_month_one_starts_on_the_enlistment_day() -> None:
    assert month_of_service(dt.date(2025, 2, 10), dt.date(2025, 2, 10)) == 1
    assert month_of_service(dt.date(2025, 2, 10), dt.date(2025, 2, 9)) == 0


def test_the_day_before_and_the_day_of_month_fifteen() -> None:
    enlisted = dt.date(2025, 2, 10)

    assert month_start(enlisted, 15) == dt.date(2026, 4, 10)
    assert month_of_service(enlisted, dt.date(2026, 4, 9)) == 14
    assert month_of_service(enlisted, dt.date(2026, 4, 10)) == 15


def test_enlisted_on_the_31st_reaches_the_next_month_on_its_last_day() -> None:
    enlisted = dt.date(2025, 1, 31)

    assert month_start(enlisted, 2) == dt.date(2025, 2, 28)
    assert month_of_service(enlisted, dt.date(2025, 2, 27)) == 1
    assert month_of_service(enlisted, dt.date(2025, 2, 28)) == 2
    assert month_start(enlisted, 15) == dt.date(2026, 3, 31)
    assert month_of_service(enlisted, dt.date(2026, 3, 30)) == 14


def test_leap_years() -> None:
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    enlisted = dt.date(2022, 12, 29)
    assert month_start(enlisted, 15) == dt.date(2024, 2, 29)
    assert month_of_service(enlisted, dt.date(2024, 2, 28)) == 14
    assert month_of_service(enlisted, dt.date(2024, 2, 29)) == 15


def test_expected_discharge_is_twenty_four_months_later() -> None:
    assert add_months(dt.date(2024, 8, 31), 24) == dt.date(2026, 8, 31)
    assert add_months(dt.date(2024, 2, 29), 24) == dt.date(2026, 2, 28)


@pytest.mark.parametrize("month", [15, 18])
def test_latest_enlistment_agrees_with_month_of_service_on_every_day(month: int) -> None:
    """The query threshold is exact: checked against the definition for two years of days."""
    start = dt.date(2024, 1, 1)
    enlistments = [start - dt.timedelta(days=d) for d in range(380, 800)]
    for offset in range(0, 730, 1):
        on = start + dt.timedelta(days=offset)
        threshold = latest_enlistment_for_month(month, on)
        for enlisted in enlistments:
            assert (month_of_service(enlisted, on) >= month) == (enlisted <= threshold), (
                on,
                enlisted,
            )
