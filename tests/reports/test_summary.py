"""The leadership summary workbook: its sheets read back with openpyxl, streamed for small
cohorts, built by a background job for large ones."""

from __future__ import annotations

import datetime as dt
import io
import json
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from reports import summary, tasks
from reports.models import ExportJob, ReportObligation
from reports.submissions import submission_for, submission_submit
from reports.targets import figures_by_unit
from tests.factories import JobOpeningFactory
from tests.reports.paths import YEAR, counsel, province_cohort, soldier, wish
from units.models import User

Role = User.Role
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = dt.date(2026, 8, 1)
SUMMARY = "/reports/summary.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_NAME = '=HYPERLINK("http://example.com","Bấm vào đây")'


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 8, 1, 9, tzinfo=HANOI), tick=False):
        yield


@pytest.fixture
def people(users) -> dict[str, User]:
    superuser = User.objects.create_superuser("quantri", "quantri@congan.local", "Mat-khau-2026!")
    return users | {"superuser": superuser}


@pytest.fixture
def hq(users) -> User:
    return users[Role.HQ_STAFF]


@pytest.fixture
def cohort(tree, hq) -> dict[str, object]:
    people = province_cohort(tree, hq)
    # A name typed as a formula: it must reach the sheet as text.
    people["formula"] = soldier(tree.pc07, full_name=FORMULA_NAME)
    counsel(hq, people["formula"], dt.date(2026, 2, 1))
    return people


def cell_date(year: int, month: int, day: int) -> dt.datetime:
    """A date as openpyxl reads it back: a naive datetime at midnight (Excel has no zones)."""
    return dt.datetime(year, month, day)  # noqa: DTZ001


def workbook(response) -> Workbook:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(content))


def values(sheet) -> list[list[object]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def book(client, hq, cohort) -> Workbook:
    client.force_login(hq)
    response = client.get(SUMMARY, {"year": 2026})
    assert (response.status_code, response["Content-Type"]) == (200, XLSX)
    assert response["Content-Disposition"] == 'attachment; filename="tong-hop-2026.xlsx"'
    return workbook(response)


def test_the_workbook_has_five_sheets_with_vietnamese_headers(book) -> None:
    assert book.sheetnames == [
        "Tổng hợp",
        "Theo đơn vị",
        "Theo nghề",
        "Tiến độ báo cáo",
        "Danh sách",
    ]
    assert {name: values(book[name])[0] for name in book.sheetnames} == {
        "Tổng hợp": [
            "Chỉ tiêu",
            "Số chiến sĩ",
            "Tổng số",
            "Tỷ lệ",
            "Mục tiêu",
            "Đánh giá",
            "Năm",
            "Tính đến ngày",
        ],
        "Theo đơn vị": [
            "Mã đơn vị",
            "Tên đơn vị",
            "Xuất ngũ trong năm",
            "Được tư vấn",
            "Tỷ lệ được tư vấn",
            "Có nhu cầu học nghề",
            "Được đào tạo",
            "Tỷ lệ được đào tạo",
            "Có việc làm sau đào tạo",
            "Tỷ lệ có việc làm",
        ],
        "Theo nghề": [
            "Nghề",
            "Chiến sĩ có nguyện vọng học",
            "Chỗ học năm 2026",
            "Chỉ tiêu tuyển dụng còn mở",
            "Chênh lệch nguyện vọng – chỗ học",
            "Đăng ký học nghề",
            "Đang học",
            "Đã hoàn thành",
        ],
        "Tiến độ báo cáo": [
            "Mã đơn vị",
            "Tên đơn vị",
            "Chương trình Ngày hội việc làm, Ngày hội thanh niên (hạn 30/01/2026)",
            "Danh sách doanh nghiệp có nhu cầu tuyển dụng (hạn 15/04/2026)",
            "Danh sách cơ sở đào tạo nghề (hạn 15/04/2026)",
            "Báo cáo sơ kết 6 tháng (hạn 10/06/2026)",
            "Báo cáo nhu cầu học nghề của chiến sĩ nghĩa vụ (hạn 15/08/2026)",
            "Báo cáo tổng kết năm (hạn 10/12/2026)",
            "Báo cáo kết quả năm của cơ sở đào tạo, doanh nghiệp (hạn 10/12/2026)",
        ],
        "Danh sách": [
            "Họ và tên",
            "Số CCCD",
            "Ngày sinh",
            "Đơn vị",
            "Ngày xuất ngũ",
            "Ngày tư vấn",
            "Nhu cầu học nghề",
            "Ngày nhập học",
            "Ngày có việc làm",
        ],
    }
    assert {name: book[name].freeze_panes for name in book.sheetnames} == dict.fromkeys(
        book.sheetnames, "A2"
    )


def test_the_totals_equal_compute_targets_for_the_same_year(book) -> None:
    out = StringIO()
    call_command("compute_targets", "--year", "2026", "--as-of", "2026-08-01", "--json", stdout=out)
    expected = json.loads(out.getvalue())
    sheet = book["Tổng hợp"]

    assert values(sheet)[1:] == [
        [
            "Được tư vấn",
            expected["counselled"],
            expected["cohort"],
            expected["counselled_rate"],
            expected["targets"]["counselled"],
            "Chưa đạt",
            2026,
            cell_date(2026, 8, 1),
        ],
        [
            "Được đào tạo",
            expected["trained"],
            expected["need_training"],
            expected["trained_rate"],
            expected["targets"]["trained"],
            "Đạt",
            2026,
            cell_date(2026, 8, 1),
        ],
        [
            "Có việc làm sau đào tạo",
            expected["employed_after_training"],
            expected["need_training"],
            expected["employed_rate"],
            expected["targets"]["employed"],
            "Chưa đạt",
            2026,
            cell_date(2026, 8, 1),
        ],
    ]
    assert (expected["cohort"], expected["counselled"], expected["trained"]) == (8, 7, 4)
    assert [sheet.cell(2, c).number_format for c in (2, 4, 5, 8)] == [
        "#,##0",
        "0.0%",
        "0%",
        "DD/MM/YYYY",
    ]


def test_by_unit_is_figures_by_unit_for_every_managing_unit(book, tree) -> None:
    by_unit = figures_by_unit(year=YEAR, as_of=TODAY)

    rows = values(book["Theo đơn vị"])[1:]

    # The tree of managing units, siblings by code, each unit counting its sub-units.
    assert [row[0] for row in rows] == ["PC07", "PK02", "PK02-D1", "PK02-D1-T1"]
    for row in rows:
        unit = getattr(tree, row[0].lower().replace("-", "_"))
        f = by_unit[unit.pk]
        assert row[1:] == [
            unit.name,
            f.cohort,
            f.counselled,
            f.counselled_rate,
            f.need_training,
            f.trained,
            f.trained_rate,
            f.employed_after_training,
            f.employed_rate,
        ]


def test_by_occupation_puts_needs_next_to_seats_openings_and_registrations(
    client, hq, cohort, tree
) -> None:
    wish(hq, soldier(tree.pc07, full_name="Đinh Văn Phong"), occupation="HAN")
    JobOpeningFactory(headcount=4)  # Điện công nghiệp
    client.force_login(hq)

    rows = values(workbook(client.get(SUMMARY))["Theo nghề"])[1:]

    # Điện công nghiệp: the 2026 cohort's 5 current wishes (not the 2027 soldier's nor the
    # archived one's), six 30-seat courses of 2026 made by the enrolments; 4 registered, studying.
    assert rows == [
        ["Hàn", 1, 0, 0, 1, 0, 0, 0],
        ["Điện công nghiệp", 5, 180, 4, -175, 4, 4, 0],
    ]


def test_timeliness_sheet_is_the_matrix_of_units_and_deadlines(
    client, hq, cohort, tree, make_user
) -> None:
    semi_annual = ReportObligation.objects.get(code="semi-annual-report")
    officer = make_user(Role.UNIT_OFFICER, tree.pk02)
    with time_machine.travel(dt.datetime(2026, 6, 5, 9, tzinfo=HANOI), tick=False):
        report = submission_for(unit=tree.pk02, obligation=semi_annual, year=YEAR)
        submission_submit(user=officer, submission=report)
    client.force_login(hq)

    rows = values(workbook(client.get(SUMMARY))["Tiến độ báo cáo"])[1:]

    assert rows == [
        [
            "PC07",
            tree.pc07.name,
            None,
            None,
            None,
            "Chưa nộp, quá hạn",
            "Chưa đến hạn",
            "Chưa đến hạn",
            None,  # the partners' yearly report: owed by institutions and employers only
        ],
        [
            "PK02",
            tree.pk02.name,
            None,
            None,
            None,
            "Đúng hạn",
            "Chưa đến hạn",
            "Chưa đến hạn",
            None,
        ],
    ]


def test_the_list_has_every_soldier_of_the_cohort_with_masked_ids_and_real_dates(
    book, cohort
) -> None:
    sheet = book["Danh sách"]

    rows = values(sheet)[1:]

    an, giang = cohort["An"], cohort["Giang"]
    # By unit (in the tree's order), then by given name; the formula's "given name" is `đây")`.
    assert [row[0] for row in rows] == [
        "Trần Văn An",
        "Lê Văn Bình",
        "Đỗ Văn Cường",
        "Vũ Văn Dũng",
        FORMULA_NAME,
        "Hoàng Văn Em",
        "Lý Văn Giang",
        "Mai Văn Hà",
    ]
    assert rows[0] == [
        "Trần Văn An",
        f"********{an.citizen_id[-4:]}",
        cell_date(2005, 3, 10),
        "PK02",
        cell_date(2026, 3, 1),
        cell_date(2025, 10, 1),
        "Có",
        cell_date(2026, 4, 1),
        cell_date(2026, 6, 1),
    ]
    assert rows[6] == [
        "Lý Văn Giang",
        f"********{giang.citizen_id[-4:]}",
        cell_date(2005, 3, 10),
        "PC07",
        cell_date(2026, 3, 1),
        None,
        None,
        None,
        None,
    ]
    assert [sheet.cell(2, c).number_format for c in (3, 5, 6, 8, 9)] == ["DD/MM/YYYY"] * 5


def test_a_name_written_as_a_formula_stays_text(book) -> None:
    sheet = book["Danh sách"]

    cell = sheet.cell(6, 1)

    assert (cell.value, cell.data_type) == (FORMULA_NAME, "s")


def test_as_of_an_earlier_day_the_list_hides_what_came_later(client, hq, cohort) -> None:
    client.force_login(hq)

    book = workbook(client.get(SUMMARY, {"year": 2026, "as_of": "15/05/2026"}))

    an = values(book["Danh sách"])[1]
    assert an[5:] == [cell_date(2025, 10, 1), "Có", cell_date(2026, 4, 1), None]
    assert values(book["Tổng hợp"])[3][1:4] == [0, 5, 0.0]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.HQ_STAFF, 200),
        (Role.LEADER, 200),
        ("superuser", 200),
        # The summary is the province's: a unit officer has his unit's figures on his dashboard.
        (Role.UNIT_OFFICER, 403),
        (Role.COMMUNE_OFFICER, 403),
    ],
)
def test_who_may_download_the_summary(client, people, role, status) -> None:
    client.force_login(people[role])

    assert client.get(SUMMARY).status_code == status


def test_anonymous_visitors_are_sent_to_log_in(client, db) -> None:
    response = client.get(SUMMARY)

    assert (response.status_code, response.url) == (302, f"/accounts/login/?next={SUMMARY}")


def test_a_small_cohort_is_streamed_without_a_job(client, hq, cohort) -> None:
    client.force_login(hq)

    response = client.get(SUMMARY)

    assert (response.status_code, ExportJob.objects.count()) == (200, 0)


# -- large cohorts: a background job --


@pytest.fixture
def low_limit(monkeypatch) -> None:
    """Three soldiers count as "large" here, instead of 5,000."""
    monkeypatch.setattr(summary, "STREAM_LIMIT", 3)


def test_a_large_cohort_is_built_by_a_job_and_downloaded_by_its_owner(
    client, hq, cohort, low_limit, django_capture_on_commit_callbacks
) -> None:
    client.force_login(hq)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.get(SUMMARY, {"year": 2026})

    job = ExportJob.objects.get()
    assert (response.status_code, response.url, len(callbacks)) == (
        302,
        f"/reports/exports/{job.pk}/",
        1,
    )
    assert (job.user, job.kind, job.params, job.status, job.progress) == (
        hq,
        "summary",
        {
            "year": 2026,
            "as_of": "2026-08-01",
            # The rows of each sheet, kept for the audit log's entry of the download.
            "rows": {
                "Tổng hợp": 3,
                "Theo đơn vị": 4,
                "Theo nghề": 1,
                "Tiến độ báo cáo": 2,
                "Danh sách": 8,
            },
        },
        "done",
        100,
    )
    page = client.get(response.url).content.decode()
    assert f'<a class="btn btn-primary" href="/reports/exports/{job.pk}.xlsx"' in page
    assert 'http-equiv="refresh"' not in page
    download = client.get(f"/reports/exports/{job.pk}.xlsx")
    assert download["Content-Disposition"] == 'attachment; filename="tong-hop-2026.xlsx"'
    book = workbook(download)
    assert book.sheetnames[-1] == "Danh sách"
    assert len(values(book["Danh sách"])) == 1 + 8


def test_the_progress_page_refreshes_itself_while_the_job_waits(
    client, hq, cohort, low_limit
) -> None:
    client.force_login(hq)

    response = client.get(SUMMARY, {"year": 2026}, follow=True)  # no commit: the job waits

    html = response.content.decode()
    assert '<meta http-equiv="refresh" content="3">' in html
    assert '<progress class="w-100" max="100" value="0">0%</progress>' in html
    assert "Bảng tổng hợp có nhiều dữ liệu nên đang được chuẩn bị" in html
    job = ExportJob.objects.get()
    assert client.get(f"/reports/exports/{job.pk}.xlsx").status_code == 404


@pytest.mark.parametrize("role", [Role.LEADER, "superuser", Role.HQ_STAFF])
def test_nobody_but_the_owner_may_see_a_job_or_its_file(
    client, people, make_user, tree, cohort, low_limit, django_capture_on_commit_callbacks, role
) -> None:
    owner = make_user(Role.HQ_STAFF, tree.root)
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(SUMMARY)
    job = ExportJob.objects.get()
    client.force_login(people[role])

    responses = [
        client.get(f"/reports/exports/{job.pk}/"),
        client.get(f"/reports/exports/{job.pk}.xlsx"),
    ]

    assert [r.status_code for r in responses] == [404, 404]


def test_a_job_already_built_is_not_built_again(
    client, hq, cohort, low_limit, django_capture_on_commit_callbacks
) -> None:
    client.force_login(hq)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(SUMMARY)
    job = ExportJob.objects.get()

    again = tasks.build_summary(job.pk)

    job_after = ExportJob.objects.get()
    assert again is False
    assert (job_after.file.name, job_after.finished_at) == (job.file.name, job.finished_at)


def test_a_failed_job_says_so_and_offers_to_try_again(
    client, hq, cohort, low_limit, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(summary, "summary_write", broken)
    client.force_login(hq)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(SUMMARY)

    job = ExportJob.objects.get()
    html = client.get(response.url).content.decode()
    assert (job.status, job.error, job.file.name) == ("failed", "disk full", "")
    assert "Không tạo được tệp Excel. Đồng chí hãy thử lại" in html
    assert 'href="/reports/summary.xlsx?year=2026&amp;as_of=2026-08-01">Thử lại</a>' in html
    assert 'http-equiv="refresh"' not in html
    assert client.get(f"/reports/exports/{job.pk}.xlsx").status_code == 404


def test_the_writer_reports_its_progress_through_the_soldier_list(hq, cohort, monkeypatch) -> None:
    monkeypatch.setattr(summary, "PROGRESS_EVERY", 3)
    seen: list[int] = []

    summary.summary_write(io.BytesIO(), user=hq, year=YEAR, as_of=TODAY, progress=seen.append)

    assert seen == [3, 6]
