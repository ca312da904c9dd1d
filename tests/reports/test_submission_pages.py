"""The unit reports pages: who may reach each URL, and what each page shows and does."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports import submissions
from reports.models import ReportObligation, ReportSubmission
from tests.factories import SoldierFactory, UnitFactory
from training import services as training_services
from training.models import Occupation
from units.models import Unit, User

Role = User.Role
Status = ReportSubmission.Status
NOW = dt.datetime(2026, 8, 10, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
PX01 = "px01"
ANONYMOUS = "anonymous"
PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def storage(settings) -> None:
    """A fresh, empty in-memory file storage for each test (the test settings use one)."""
    settings.STORAGES = {**settings.STORAGES}


@pytest.fixture
def people(tree, users, make_user) -> dict[str, User]:
    px01 = UnitFactory(code="PX01", parent=tree.root, kind=Unit.Kind.HQ_DEPARTMENT)
    return users | {
        PX01: make_user(Role.HQ_STAFF, px01),
        "pc07_officer": make_user(Role.UNIT_OFFICER, tree.pc07),
    }


def obligation(code: str) -> ReportObligation:
    return ReportObligation.objects.get(code=code)


def submitted_with_file(officer: User, unit: Unit) -> ReportSubmission:
    report = submissions.submission_for(
        unit=unit, obligation=obligation("training-needs"), year=2026
    )
    upload = SimpleUploadedFile("bao-cao.pdf", PDF)
    return submissions.submission_submit(user=officer, submission=report, attachment=upload)


@pytest.fixture
def reports(tree, people) -> dict[str, ReportSubmission]:
    """PK02's and PC07's 15/08 reports, submitted with a file by their own officers."""
    return {
        "own": submitted_with_file(people[Role.UNIT_OFFICER], tree.pk02),
        "other": submitted_with_file(people["pc07_officer"], tree.pc07),
    }


def url(name: str, code: str, unit: str, year: int = 2026) -> str:
    return reverse(name, args=[code, year, unit])


# ---- who may reach each URL ----


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    code: str  # the deadline: moves of a draft use one not started yet
    ok: int
    who: frozenset[str]  # roles that may use it on a report they can see
    data: tuple[tuple[str, str], ...] = ()


READERS = frozenset({Role.UNIT_OFFICER, Role.HQ_STAFF, Role.LEADER, PX01})
PREPARERS = frozenset({Role.UNIT_OFFICER})
REVIEWERS = frozenset({PX01})
ENDPOINTS = [
    Endpoint("reports:submission", "get", "training-needs", 200, READERS),
    Endpoint("reports:submission_file", "get", "training-needs", 200, READERS),
    Endpoint("reports:submission_generate", "post", "annual-report", 302, PREPARERS),
    Endpoint("reports:submission_submit", "post", "annual-report", 302, PREPARERS),
    Endpoint("reports:submission_accept", "post", "training-needs", 302, REVIEWERS),
    Endpoint(
        "reports:submission_return",
        "post",
        "training-needs",
        302,
        REVIEWERS,
        (("reason", "Thiếu số liệu"),),
    ),
]
# The officer of PK02 sees PK02's reports only; everyone else with reports pages sees all.
SEES_OTHER = READERS - {Role.UNIT_OFFICER}


def expected(role: str, endpoint: Endpoint, whose: str) -> int:
    if role == ANONYMOUS:
        return 302
    if role == Role.COMMUNE_OFFICER:
        return 403
    if whose == "other" and role not in SEES_OTHER:
        return 404
    return endpoint.ok if role in endpoint.who else 403


@pytest.mark.parametrize("whose", ["own", "other"])
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name.split(":")[1])
@pytest.mark.parametrize(
    "role",
    [Role.UNIT_OFFICER, Role.COMMUNE_OFFICER, Role.HQ_STAFF, Role.LEADER, PX01, ANONYMOUS],
)
def test_who_may_reach_each_report_url(
    client, tree, people, reports, role, endpoint, whose
) -> None:
    if role != ANONYMOUS:
        client.force_login(people[role])
    unit = tree.pk02 if whose == "own" else tree.pc07
    target = url(endpoint.name, endpoint.code, unit.code)

    response = getattr(client, endpoint.method)(target, dict(endpoint.data))

    assert response.status_code == expected(role, endpoint, whose)
    if role == ANONYMOUS:
        assert response.url == f"/accounts/login/?next={target}"


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.UNIT_OFFICER, 200),
        (Role.COMMUNE_OFFICER, 403),
        (Role.HQ_STAFF, 200),
        (Role.LEADER, 200),
        (PX01, 200),
    ],
)
def test_who_may_open_the_reports_list(client, people, role, status) -> None:
    client.force_login(people[role])

    assert client.get(reverse("reports:submissions")).status_code == status


def test_the_reports_list_sends_anonymous_visitors_to_log_in(client, db) -> None:
    response = client.get(reverse("reports:submissions"))

    assert (response.status_code, response.url) == (302, "/accounts/login/?next=/reports/")


@pytest.mark.parametrize(
    ("code", "year", "unit"),
    [
        ("training-needs", 2026, "PK02-D1"),  # a sub-unit reports through PK02
        ("institutions-list", 2026, "PK02"),  # PA03's list, not PK02's
        ("no-such-report", 2026, "PK02"),
        ("training-needs", 2026, "NO-SUCH-UNIT"),
        ("training-needs", 1999, "PK02"),
    ],
)
def test_a_report_nobody_owes_is_not_found(client, people, code, year, unit) -> None:
    client.force_login(people[Role.HQ_STAFF])

    assert client.get(url("reports:submission", code, unit, year)).status_code == 404


def test_a_sub_unit_officer_cannot_open_his_parents_report(client, tree, make_user) -> None:
    client.force_login(make_user(Role.UNIT_OFFICER, tree.pk02_d1))

    response = client.get(url("reports:submission", "training-needs", "PK02"))

    assert response.status_code == 404


# ---- the list ----


def test_a_unit_officer_sees_the_reports_his_unit_owes_this_year(client, people, reports) -> None:
    client.force_login(people[Role.UNIT_OFFICER])

    response = client.get(reverse("reports:submissions"))

    rows = [
        (o.due, o.obligation.code, o.unit.code, o.state_label, o.submission and o.submission.status)
        for o in response.context["owed"]
    ]
    assert rows == [
        (dt.date(2026, 6, 10), "semi-annual-report", "PK02", "Chưa nộp, quá hạn", None),
        (dt.date(2026, 8, 15), "training-needs", "PK02", "Đúng hạn", Status.SUBMITTED),
        (dt.date(2026, 12, 10), "annual-report", "PK02", "Chưa đến hạn", None),
    ]
    assert "rows" not in response.context  # no province matrix for a unit officer
    assert 'href="/reports/training-needs/2026/PK02/"' in response.content.decode()


def test_the_list_shows_another_year_on_request(client, people) -> None:
    client.force_login(people[Role.UNIT_OFFICER])

    response = client.get(reverse("reports:submissions"), {"year": "2025"})

    assert [o.state for o in response.context["owed"]] == ["missing"] * 3
    assert response.context["year"] == 2025


def test_a_department_sees_its_own_list_and_the_province_matrix(client, tree, make_user) -> None:
    pa03 = make_user(
        Role.HQ_STAFF, UnitFactory(code="PA03", parent=tree.root, kind="hq_department")
    )
    client.force_login(pa03)

    response = client.get(reverse("reports:submissions"))

    assert [(o.obligation.code, o.unit.code) for o in response.context["owed"]] == [
        ("institutions-list", "PA03")
    ]
    assert [row.unit.code for row in response.context["rows"]] == ["PA03", "PC07", "PK02"]


def test_headquarters_see_the_upcoming_deadlines_of_the_next_60_days(client, people) -> None:
    client.force_login(people[PX01])

    response = client.get(reverse("reports:submissions"))

    assert [(u["due"], u["obligation"].code, u["days"]) for u in response.context["upcoming"]] == [
        (dt.date(2026, 8, 15), "training-needs", 5)
    ]
    assert "còn 5 ngày" in response.content.decode()


# ---- one report ----


def wish(officer: User, unit: Unit, code: str) -> None:
    training_services.career_wish_record(
        user=officer,
        soldier=SoldierFactory(unit=unit, enlistment_date=dt.date(2024, 3, 1)),
        surveyed_on=dt.date(2026, 6, 1),
        wants_training="yes",
        occupation=Occupation.objects.get(code=code),
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_officer_generates_the_content_and_sees_it_as_tables(client, tree, people) -> None:
    officer = people[Role.UNIT_OFFICER]
    wish(officer, tree.pk02, "DCN")
    wish(officer, tree.pk02_d1, "DCN")
    client.force_login(officer)

    response = client.post(
        url("reports:submission_generate", "training-needs", "PK02"), follow=True
    )

    assert messages_of(response) == ["Đã lập nội dung báo cáo từ số liệu hiện có."]
    [table] = response.context["tables"]
    assert table.title == "Chiến sĩ có nhu cầu học nghề, theo nghề"
    assert [c.label for c in table.columns] == [
        "Nghề",
        "Xuất ngũ năm 2026",
        "Xuất ngũ năm 2027",
        "Tổng cộng",
    ]
    assert [[c.value for c in row] for row in table.body] == [["Điện công nghiệp", 2, 0, 2]]
    assert [c.value for c in table.footer] == ["Tổng cộng", 2, 0, 2]
    assert ReportSubmission.objects.get().status == Status.DRAFT


def test_the_officer_submits_with_a_note_and_a_file_then_px01_accepts(client, tree, people) -> None:
    client.force_login(people[Role.UNIT_OFFICER])
    target = url("reports:submission_submit", "training-needs", "PK02")
    upload = SimpleUploadedFile("Báo cáo 15-8.pdf", PDF)

    response = client.post(target, {"note": "Kèm bản ký", "attachment": upload}, follow=True)

    assert messages_of(response) == ["Đã nộp báo cáo cho PX01."]
    report = ReportSubmission.objects.get()
    assert (report.status, report.note, report.submitted_at) == (
        Status.SUBMITTED,
        "Kèm bản ký",
        NOW,
    )
    assert response.context["submit_form"] is None

    client.force_login(people[PX01])
    response = client.post(url("reports:submission_accept", "training-needs", "PK02"), follow=True)

    assert messages_of(response) == ["Đã duyệt báo cáo; đơn vị đã được thông báo."]
    report.refresh_from_db()
    assert (report.status, report.reviewed_by) == (Status.ACCEPTED, people[PX01])


def test_a_renamed_program_is_refused_with_the_form_shown_again(client, tree, people) -> None:
    client.force_login(people[Role.UNIT_OFFICER])
    upload = SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00\x03\x00\x00\x00")

    response = client.post(
        url("reports:submission_submit", "training-needs", "PK02"),
        {"note": "Lần một", "attachment": upload},
    )

    assert response.status_code == 200
    assert response.context["submit_form"].errors == {
        "attachment": ["Nội dung tệp không đúng là tệp .pdf."]
    }
    assert ReportSubmission.objects.get().status == Status.DRAFT


def test_returning_needs_a_reason_then_the_unit_sees_it(client, tree, people, reports) -> None:
    client.force_login(people[PX01])
    target = url("reports:submission_return", "training-needs", "PK02")

    empty = client.post(target, {"reason": "  "})
    returned = client.post(target, {"reason": "Thiếu số liệu nghề Hàn"}, follow=True)

    assert empty.status_code == 200
    assert empty.context["return_form"].errors == {"reason": ["Trường này là bắt buộc."]}
    assert messages_of(returned) == ["Đã trả lại báo cáo để đơn vị chỉnh sửa."]
    client.force_login(people[Role.UNIT_OFFICER])
    page = client.get(url("reports:submission", "training-needs", "PK02"))
    assert page.context["can_prepare"] is True
    assert "Thiếu số liệu nghề Hàn" in page.content.decode()


def test_a_second_accept_says_it_was_already_accepted(client, people, reports) -> None:
    client.force_login(people[PX01])
    target = url("reports:submission_accept", "training-needs", "PK02")
    client.post(target, follow=True)

    response = client.post(target, follow=True)

    assert messages_of(response) == ["Báo cáo này đã được duyệt."]


def test_the_leader_reads_a_report_without_any_action(client, people, reports) -> None:
    client.force_login(people[Role.LEADER])

    response = client.get(url("reports:submission", "training-needs", "PK02"))

    context = response.context
    assert (context["can_prepare"], context["can_review"]) == (False, False)
    assert (context["submit_form"], context["return_form"]) == (None, None)
    assert 'data-testid="read-only"' in response.content.decode()


def test_the_attached_file_downloads_under_a_plain_name(client, people, reports) -> None:
    client.force_login(people[PX01])

    response = client.get(url("reports:submission_file", "training-needs", "PK02"))

    assert response["Content-Disposition"] == (
        'attachment; filename="training-needs-PK02-2026.pdf"'
    )
    assert b"".join(response.streaming_content) == PDF


def test_a_report_without_a_file_has_no_download(client, tree, people) -> None:
    client.force_login(people[Role.UNIT_OFFICER])
    submissions.submission_submit(
        user=people[Role.UNIT_OFFICER],
        submission=submissions.submission_for(
            unit=tree.pk02, obligation=obligation("training-needs"), year=2026
        ),
    )

    response = client.get(url("reports:submission_file", "training-needs", "PK02"))

    assert response.status_code == 404
