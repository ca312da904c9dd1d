"""PX01 in a real browser (issue 6, journey 2): the province's three figures on the dashboard, the
soldiers behind one unit's "trained" figure, and two unit reports reviewed, one accepted and one
returned with its reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from django.urls import reverse

from reports import submissions
from reports.charts import percent_text
from reports.models import ReportObligation
from reports.targets import figures
from tests.browser.conftest import Journey, sign_in
from tests.browser.pages import FIGURES, figure_cards
from tests.conftest import Tree
from tests.factories import TEST_PASSWORD, UnitFactory
from tests.reports.paths import YEAR, province_cohort
from units.models import Notification, Unit, User

if TYPE_CHECKING:
    from playwright.sync_api import Locator

pytestmark = [
    # Transactional, so that the live server's thread sees the data (tests/conftest.py puts the
    # seeded reference rows back for such tests).
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("journey_day"),
    pytest.mark.services,
]

Role = User.Role
NEEDS = "training-needs"
REPORT = "Báo cáo nhu cầu học nghề của chiến sĩ nghĩa vụ"
REASON = "Thiếu số chiến sĩ có nhu cầu học nghề hàn."


def submitted(officer: User, unit: Unit) -> None:
    report = submissions.submission_for(
        unit=unit, obligation=ReportObligation.objects.get(code=NEEDS), year=YEAR
    )
    submissions.submission_submit(user=officer, submission=report, note="Gửi PX01.")


def report_link(journey: Journey, unit: str) -> Locator:
    """The cell of the timeliness matrix that opens a unit's report."""
    url = reverse("reports:submission", args=[NEEDS, YEAR, unit])
    return journey.page.get_by_test_id("matrix").locator(f'a[href="{url}"]')


def review(journey: Journey, unit: str, act: Callable[[], None]) -> tuple[list[str], str]:
    """Open the unit's report from the matrix, act on it; the messages and status shown."""
    page = journey.page
    page.get_by_test_id("menu").get_by_role("link", name="Báo cáo").click()
    report_link(journey, unit).click()
    act()
    return page.get_by_role("alert").all_inner_texts(), page.get_by_test_id("status").inner_text()


def test_px01_reads_the_figures_drills_down_and_reviews_two_reports(
    journey: Journey,
    tree: Tree,
    users: dict[str, User],
    make_user: Callable[..., User],
    journey_day: dt.date,
) -> None:
    px01 = UnitFactory(code="PX01", parent=tree.root, kind=Unit.Kind.HQ_DEPARTMENT)
    reviewer = make_user(Role.HQ_STAFF, px01)
    province_cohort(tree, users[Role.HQ_STAFF])
    pk02_officer = users[Role.UNIT_OFFICER]
    pc07_officer = make_user(Role.UNIT_OFFICER, tree.pc07)
    submitted(pk02_officer, tree.pk02)
    submitted(pc07_officer, tree.pc07)
    page = journey.page
    sign_in(journey, reviewer.username, TEST_PASSWORD)

    page.get_by_test_id("menu").get_by_role("link", name="Tổng quan").click()
    shown = {key: (c.count, c.total, c.rate) for key, c in figure_cards(journey).items()}
    result = figures(year=YEAR, as_of=journey_day)
    assert shown == {
        key: (
            str(getattr(result, count)),
            str(getattr(result, total)),
            percent_text(getattr(result, f"{key}_rate")),
        )
        for key, (count, total) in FIGURES.items()
    }
    assert shown == {
        "counselled": ("6", "7", "85,7%"),
        "trained": ("4", "5", "80%"),
        "employed": ("2", "5", "40%"),
    }

    page.get_by_test_id("drill-trained-PK02").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Được đào tạo"
    assert page.get_by_test_id("total").inner_text() == "2 chiến sĩ"
    names = page.get_by_test_id("soldier-row").locator("td:first-child")
    assert names.all_inner_texts() == ["Trần Văn An", "Lê Văn Bình"]

    accepted = review(journey, "PK02", page.get_by_role("button", name="Duyệt").click)
    assert accepted == (["Đã duyệt báo cáo; đơn vị đã được thông báo."], "Đã duyệt")

    def send_back() -> None:
        page.get_by_label("Lý do trả lại").fill(REASON)
        page.get_by_role("button", name="Trả lại để chỉnh sửa").click()

    returned = review(journey, "PC07", send_back)
    assert returned == (["Đã trả lại báo cáo để đơn vị chỉnh sửa."], "Trả lại để chỉnh sửa")
    assert page.get_by_test_id("return-reason").inner_text() == (
        f"Bị trả lại để chỉnh sửa. {REASON}"
    )

    page.get_by_role("link", name="Báo cáo của đơn vị").click()
    statuses = {
        unit: report_link(journey, unit).locator("xpath=..").locator(".small").inner_text()
        for unit in ("PK02", "PC07")
    }
    today = f"{journey_day:%d/%m/%Y}"
    assert statuses == {"PK02": f"Đã duyệt · {today}", "PC07": f"Trả lại để chỉnh sửa · {today}"}
    told = Notification.objects.filter(user__in=[pk02_officer, pc07_officer])
    assert sorted(told.values_list("user__unit__code", "title", "url")) == [
        (
            "PC07",
            f"Báo cáo bị trả lại: {REPORT}",
            reverse("reports:submission", args=[NEEDS, YEAR, "PC07"]),
        ),
        (
            "PK02",
            f"Báo cáo đã được duyệt: {REPORT}",
            reverse("reports:submission", args=[NEEDS, YEAR, "PK02"]),
        ),
    ]
    journey.screenshot("journey-px01")
    journey.assert_clean()
