"""A leader in a real browser (issue 6, journey 3): the province dashboard as of a chosen day, then
the year's summary workbook downloaded, whose "Tổng hợp" sheet must hold the figures the
dashboard showed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reports.charts import percent_text
from tests.browser.conftest import Journey, download, sign_in
from tests.browser.pages import figure_cards
from tests.conftest import Tree
from tests.factories import TEST_PASSWORD
from tests.reports.paths import YEAR, province_cohort
from units.models import User

pytestmark = [
    # Transactional, so that the live server's thread sees the data (tests/conftest.py puts the
    # seeded reference rows back for such tests).
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("journey_day"),
    pytest.mark.services,
]

# Before the cohort's first job (01/06/2026, tests/reports/paths.py): employment is still 0 %.
AS_OF = dt.date(2026, 5, 31)


def test_leader_downloads_the_summary_holding_the_dashboards_figures(
    journey: Journey, tree: Tree, users: dict[str, User], tmp_path: Path
) -> None:
    province_cohort(tree, users[User.Role.HQ_STAFF])
    page = journey.page
    sign_in(journey, users[User.Role.LEADER].username, TEST_PASSWORD)

    page.get_by_test_id("menu").get_by_role("link", name="Tổng quan").click()
    page.get_by_label("Năm").fill(str(YEAR))
    page.get_by_label("Tính đến ngày").fill(f"{AS_OF:%d/%m/%Y}")
    page.get_by_role("button", name="Xem").click()
    cards = figure_cards(journey)
    assert [(c.count, c.total, c.rate, c.status) for c in cards.values()] == [
        ("6", "7", "85,7%", "Chưa đạt"),
        ("4", "5", "80%", "Đạt"),
        ("0", "5", "0%", "Chưa đạt"),
    ]

    workbook = download(
        journey, page.get_by_role("link", name="Tải bảng tổng hợp (Excel)"), tmp_path
    )
    assert workbook.name == f"tong-hop-{YEAR}.xlsx"
    sheet = load_workbook(workbook)["Tổng hợp"]
    # Columns as tests/reports/test_summary.py names them: indicator, count, total, rate,
    # target, assessment, year, as of.
    _header, *rows = sheet.iter_rows(values_only=True)
    assert [
        (label, str(count), str(total), percent_text(rate), status, year, as_of.date())
        for label, count, total, rate, _target, status, year, as_of in rows
    ] == [(c.label, c.count, c.total, c.rate, c.status, YEAR, AS_OF) for c in cards.values()]
    journey.screenshot("journey-leader")
    journey.assert_clean()
