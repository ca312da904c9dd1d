"""On time, late, missing: each unit report against its due date, one by one and as the province's
matrix of units × deadlines (reports.deadlines, shown on /reports/)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import submissions
from reports.deadlines import timeliness
from reports.models import ReportObligation, ReportSubmission
from tests.factories import UnitFactory
from units.models import Unit, User

Role = User.Role
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NEEDS = "training-needs"  # due 15/08


def at(day: int, month: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=HANOI)


@pytest.fixture
def px01(tree, make_user) -> User:
    unit = UnitFactory(code="PX01", parent=tree.root, kind=Unit.Kind.HQ_DEPARTMENT)
    return make_user(Role.HQ_STAFF, unit)


@pytest.fixture
def officer(users) -> User:
    return users[Role.UNIT_OFFICER]


def submit(user: User, unit: Unit, when: dt.datetime, code: str = NEEDS) -> ReportSubmission:
    with time_machine.travel(when, tick=False):
        report = submissions.submission_for(
            unit=unit, obligation=ReportObligation.objects.get(code=code), year=2026
        )
        return submissions.submission_submit(user=user, submission=report)


def state_of(report: ReportSubmission | None, on: dt.date) -> str:
    return timeliness(ReportObligation.objects.get(code=NEEDS), 2026, report, on)


@pytest.mark.parametrize(
    ("submitted", "expected"),
    [
        (at(12, 8), "on_time"),
        (at(15, 8, 23, 59), "on_time"),  # the whole due day, in Vietnamese time
        (at(16, 8, 0, 1), "late"),
        (at(3, 9), "late"),
    ],
)
def test_a_report_is_on_time_up_to_the_end_of_its_due_day(tree, officer, submitted, expected):
    report = submit(officer, tree.pk02, submitted)

    assert state_of(report, dt.date(2026, 9, 30)) == expected


def test_a_report_not_submitted_is_not_yet_due_then_missing(tree) -> None:
    draft = submissions.submission_for(
        unit=tree.pk02, obligation=ReportObligation.objects.get(code=NEEDS), year=2026
    )

    assert [state_of(r, dt.date(2026, 8, d)) for r in (None, draft) for d in (15, 16)] == [
        "pending",
        "missing",
        "pending",
        "missing",
    ]


def test_a_returned_report_is_missing_until_sent_again_and_then_late(tree, officer, px01) -> None:
    report = submit(officer, tree.pk02, at(14, 8))
    with time_machine.travel(at(17, 8), tick=False):
        submissions.submission_return(user=px01, submission=report, reason="Thiếu chữ ký")

    assert state_of(report, dt.date(2026, 8, 18)) == "missing"
    submit(officer, tree.pk02, at(19, 8))
    report.refresh_from_db()
    assert state_of(report, dt.date(2026, 8, 20)) == "late"


def test_an_accepted_report_keeps_its_timeliness(tree, officer, px01) -> None:
    report = submit(officer, tree.pk02, at(14, 8))
    with time_machine.travel(at(20, 8), tick=False):
        submissions.submission_accept(user=px01, submission=report)

    assert state_of(report, dt.date(2026, 8, 20)) == "on_time"


# ---- the matrix page ----


def test_the_matrix_shows_each_managing_unit_against_the_seeded_deadlines(
    client, tree, officer, px01, make_user
) -> None:
    submit(make_user(Role.UNIT_OFFICER, tree.pc07), tree.pc07, at(15, 6), "semi-annual-report")
    submit(officer, tree.pk02, at(12, 8))
    client.force_login(px01)

    with time_machine.travel(at(20, 8), tick=False):
        response = client.get(reverse("reports:submissions"))

    assert [o.code for o in response.context["obligations"]] == [
        "job-fair-programme",
        "employers-list",
        "institutions-list",
        "semi-annual-report",
        "training-needs",
        "annual-report",
        "partner-annual-report",
    ]
    # The partners' yearly report is owed by institutions and employers, not by units.
    assert [
        (row.unit.code, [cell.label if cell else None for cell in row.cells])
        for row in response.context["rows"]
    ] == [
        ("PC07", [None, None, None, "Chậm", "Chưa nộp, quá hạn", "Chưa đến hạn", None]),
        ("PK02", [None, None, None, "Chưa nộp, quá hạn", "Đúng hạn", "Chưa đến hạn", None]),
    ]
    html = response.content.decode()
    # Colour AND words in each cell, linked to the report.
    assert (
        '<a href="/reports/training-needs/2026/PK02/"><span class="badge text-bg-success" '
        'data-state="on_time">Đúng hạn</span></a>'
    ) in html
    assert (
        '<a href="/reports/semi-annual-report/2026/PC07/"><span class="badge text-bg-warning" '
        'data-state="late">Chậm</span></a>'
    ) in html


def test_the_matrix_page_costs_the_same_queries_for_3_or_15_units(client, db, make_user) -> None:
    root = UnitFactory(code="CAT", kind=Unit.Kind.HQ_DEPARTMENT)
    px01 = make_user(Role.HQ_STAFF, UnitFactory(code="PX01", parent=root, kind="hq_department"))

    def add_units(count: int) -> None:
        for _ in range(count):
            unit = UnitFactory(parent=root)
            submit(make_user(Role.UNIT_OFFICER, unit), unit, at(12, 8))

    def queries() -> int:
        client.force_login(px01)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("reports:submissions"))
        assert response.status_code == 200
        return len(captured)

    add_units(3)
    few = queries()
    add_units(12)
    many = queries()

    assert len(client.get(reverse("reports:submissions")).context["rows"]) == 15
    assert many == few
