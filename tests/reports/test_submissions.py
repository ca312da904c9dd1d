"""Unit reports: the content generated from the data, and draft → submitted → accepted or
returned (reports.submissions)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import Storage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from employers import services as job_services
from reports import submissions
from reports.models import ReportObligation, ReportSubmission
from soldiers import services as soldier_services
from soldiers.models import Soldier
from tests.factories import (
    CourseFactory,
    InstitutionFactory,
    JobOpeningFactory,
    SoldierFactory,
    UnitFactory,
)
from training import services as training_services
from training.models import Occupation
from units.models import Notification, Unit, User

Role = User.Role
Status = ReportSubmission.Status
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 8, 10, 9, tzinfo=HANOI)
NOW_ISO = "2026-08-10T02:00:00+00:00"
# Cohorts by enlistment: 24 months of service, so discharge (and cohort) two years later.
COHORT_2026 = dt.date(2024, 3, 1)
COHORT_2027 = dt.date(2025, 3, 1)
COHORT_2028 = dt.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def storage(settings) -> Storage:
    """A fresh, empty in-memory file storage for each test (the test settings use one)."""
    settings.STORAGES = {**settings.STORAGES}
    return default_storage


def stored(storage: Storage) -> list[str]:
    try:
        return sorted(storage.listdir("reports/2026")[1])
    except FileNotFoundError:
        return []


@pytest.fixture
def officer(users) -> User:
    return users[Role.UNIT_OFFICER]


@pytest.fixture
def px01(tree, make_user) -> User:
    unit = UnitFactory(code="PX01", parent=tree.root, kind=Unit.Kind.HQ_DEPARTMENT)
    return make_user(Role.HQ_STAFF, unit, full_name="Trưởng ban PX01")


def obligation(code: str) -> ReportObligation:
    return ReportObligation.objects.get(code=code)


def occupation(code: str) -> Occupation:
    return Occupation.objects.get(code=code)


def soldier(unit: Unit, enlisted: dt.date = COHORT_2026, **kwargs) -> Soldier:
    return SoldierFactory(unit=unit, enlistment_date=enlisted, **kwargs)


def wish(user: User, s: Soldier, code: str | None, day: dt.date = dt.date(2026, 6, 1)) -> None:
    training_services.career_wish_record(
        user=user,
        soldier=s,
        surveyed_on=day,
        wants_training="yes" if code else "no",
        occupation=occupation(code) if code else None,
    )


def register(user: User, s: Soldier, code: str, enrolled: dt.date, completed=None) -> None:
    course = CourseFactory(occupation=occupation(code), list_year=enrolled.year)
    registration = training_services.registration_create(
        user=user, soldier=s, course=course, on=enrolled - dt.timedelta(days=20)
    )
    training_services.registrations_send(
        user=user, registrations=[registration], on=enrolled - dt.timedelta(days=10)
    )
    training_services.registration_enrol(user=user, registration=registration, on=enrolled)
    if completed:
        training_services.registration_complete(user=user, registration=registration, on=completed)


def draft(unit: Unit, code: str = "training-needs", year: int = 2026) -> ReportSubmission:
    return submissions.submission_for(unit=unit, obligation=obligation(code), year=year)


def submitted(officer: User, unit: Unit) -> ReportSubmission:
    return submissions.submission_submit(user=officer, submission=draft(unit), note="Đã rà soát")


def pdf(name: str = "bao-cao.pdf", size: int = 0) -> SimpleUploadedFile:
    body = b"%PDF-1.7\n" + b"0" * max(size - 9, 0)
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def office_file(name: str, part: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(part, "<xml/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def state(submission: ReportSubmission) -> tuple:
    submission.refresh_from_db()
    return (
        submission.status,
        submission.submitted_at,
        submission.submitted_by,
        submission.reviewed_at,
        submission.reviewed_by,
        submission.return_reason,
    )


# ---- the content ----


def test_training_needs_count_the_units_next_two_cohorts_by_wished_occupation(
    tree, officer, users
) -> None:
    hq = users[Role.HQ_STAFF]
    wish(officer, soldier(tree.pk02), "DCN")
    wish(officer, soldier(tree.pk02_d1_t1, COHORT_2027), "DCN")
    wish(officer, soldier(tree.pk02_d1, COHORT_2027), "HAN")
    wish(officer, soldier(tree.pk02, COHORT_2027), "HAN")
    wish(officer, soldier(tree.pk02, COHORT_2027), "OTO")
    wish(officer, soldier(tree.pk02), None)  # does not want training
    wish(officer, soldier(tree.pk02, COHORT_2028), "DCN")  # a later cohort
    wish(hq, soldier(tree.pc07), "DCN")  # another unit
    archived = soldier(tree.pk02)
    wish(officer, archived, "OTO")
    soldier_services.soldier_archive(user=officer, soldier=archived, reason="Chuyển công tác")
    changed_mind = soldier(tree.pk02)
    wish(officer, changed_mind, "OTO", day=dt.date(2026, 5, 1))
    wish(officer, changed_mind, None, day=dt.date(2026, 7, 1))

    report = submissions.submission_generate(user=officer, submission=draft(tree.pk02))

    assert report.data == {
        "content": "training_needs",
        "generated_at": NOW_ISO,
        "as_of": "2026-08-10",
        "occupations": [
            {"occupation": "Điện công nghiệp", "this_year": 1, "next_year": 1, "count": 2},
            {"occupation": "Hàn", "this_year": 0, "next_year": 2, "count": 2},
            {"occupation": "Công nghệ ô tô", "this_year": 0, "next_year": 1, "count": 1},
        ],
        "total": {"this_year": 1, "next_year": 4, "count": 5},
    }


def test_semi_annual_report_gives_the_figures_as_of_30_06_and_the_half_years_activity(
    tree, officer
) -> None:
    trained = soldier(tree.pk02)
    soldier_services.counselling_record(
        user=officer, soldier=trained, date=dt.date(2025, 10, 1), kind="career_guidance"
    )
    wish(officer, trained, "DCN", day=dt.date(2025, 11, 1))
    register(officer, trained, "DCN", dt.date(2026, 3, 2), completed=dt.date(2026, 5, 29))
    job_services.placement_record(
        user=officer, soldier=trained, kind="self_employed", started_on=dt.date(2026, 6, 15)
    )
    carried_over = soldier(tree.pk02_d1)
    wish(officer, carried_over, "HAN", day=dt.date(2025, 11, 1))
    register(officer, carried_over, "HAN", dt.date(2025, 12, 1), completed=dt.date(2026, 2, 27))
    job_services.placement_record(
        user=officer, soldier=carried_over, kind="enterprise", started_on=dt.date(2025, 12, 20)
    )
    late = soldier(tree.pk02)
    wish(officer, late, "HAN", day=dt.date(2026, 1, 5))
    register(officer, late, "HAN", dt.date(2026, 7, 6))  # after 30/06: not in this report
    job_services.placement_record(
        user=officer, soldier=late, kind="abroad", started_on=dt.date(2026, 7, 20)
    )

    report = submissions.submission_generate(
        user=officer, submission=draft(tree.pk02, "semi-annual-report")
    )

    assert report.data == {
        "content": "semi_annual",
        "generated_at": NOW_ISO,
        "as_of": "2026-06-30",
        "period": ["2026-01-01", "2026-06-30"],
        "figures": {
            "year": 2026,
            "as_of": "2026-06-30",
            "unit": "PK02",
            "cohort": 3,
            "counselled": 1,
            "need_training": 3,
            "trained": 2,
            "employed_after_training": 2,
            "targets": {"counselled": 1.0, "trained": 0.6, "employed": 0.7},
            "counselled_rate": 0.3333,
            "trained_rate": 0.6667,
            "employed_rate": 0.6667,
        },
        "training": [
            {"occupation": "Điện công nghiệp", "enrolled": 1, "completed": 1},
            {"occupation": "Hàn", "enrolled": 0, "completed": 1},
        ],
        "placements": [{"kind": "self_employed", "count": 1}],
    }


def test_annual_report_before_the_year_ends_is_as_of_today(tree, officer) -> None:
    report = submissions.submission_generate(
        user=officer, submission=draft(tree.pk02, "annual-report")
    )

    assert (report.data["as_of"], report.data["period"]) == (
        "2026-08-10",
        ["2026-01-01", "2026-08-10"],
    )
    assert report.data["figures"]["counselled_rate"] is None


def test_pa03_list_counts_the_years_approved_courses_by_occupation(tree, make_user) -> None:
    pa03 = make_user(
        Role.HQ_STAFF, UnitFactory(code="PA03", parent=tree.root, kind="hq_department")
    )
    first, second = InstitutionFactory(), InstitutionFactory()
    CourseFactory(institution=first, occupation=occupation("DCN"), seats=30)
    CourseFactory(institution=second, occupation=occupation("DCN"), seats=20)
    CourseFactory(institution=second, occupation=occupation("HAN"), seats=40)
    CourseFactory(institution=first, occupation=occupation("OTO"), seats=25, approved=False)
    CourseFactory(institution=first, occupation=occupation("OTO"), seats=25, list_year=2027)

    report = submissions.submission_generate(
        user=pa03, submission=draft(pa03.unit, "institutions-list")
    )

    assert report.data == {
        "content": "institutions_list",
        "generated_at": NOW_ISO,
        "as_of": "2026-08-10",
        "occupations": [
            {"occupation": "Điện công nghiệp", "courses": 2, "seats": 50},
            {"occupation": "Hàn", "courses": 1, "seats": 40},
        ],
        "total": {"courses": 3, "seats": 90, "institutions": 2},
    }


def test_pa04_list_counts_the_years_openings_by_occupation_even_without_one(
    tree, make_user
) -> None:
    pa04 = make_user(
        Role.HQ_STAFF, UnitFactory(code="PA04", parent=tree.root, kind="hq_department")
    )
    opening = JobOpeningFactory(occupation=occupation("HAN"), headcount=4)
    JobOpeningFactory(employer=opening.employer, occupation=occupation("HAN"), headcount=6)
    JobOpeningFactory(occupation=None, title="Bảo vệ", headcount=12)
    JobOpeningFactory(occupation=occupation("DCN"), headcount=3, list_year=2025)

    report = submissions.submission_generate(
        user=pa04, submission=draft(pa04.unit, "employers-list")
    )

    assert report.data == {
        "content": "employers_list",
        "generated_at": NOW_ISO,
        "as_of": "2026-08-10",
        "occupations": [
            {"occupation": "Hàn", "openings": 2, "headcount": 10},
            {"occupation": "", "openings": 1, "headcount": 12},
        ],
        "total": {"openings": 3, "headcount": 22, "employers": 2},
    }


def test_px03_programme_lists_the_years_job_fairs_in_date_order(tree, make_user) -> None:
    px03 = make_user(
        Role.HQ_STAFF, UnitFactory(code="PX03", parent=tree.root, kind="hq_department")
    )
    employer = JobOpeningFactory().employer
    for name, day in (
        ("Phiên giao dịch tháng 9", dt.date(2026, 9, 20)),
        ("Ngày hội 2025", dt.date(2025, 9, 1)),
    ):
        job_services.job_fair_save(
            user=px03, kind="job_exchange", name=name, date=day, place="Hoa Lư", organiser=px03.unit
        )
    job_services.job_fair_save(
        user=px03,
        kind="job_fair",
        name="Ngày hội việc làm CSNV",
        date=dt.date(2026, 3, 26),
        place="Nhà văn hóa tỉnh",
        organiser=tree.pk02,
        employers=[employer],
    )

    report = submissions.submission_generate(
        user=px03, submission=draft(px03.unit, "job-fair-programme")
    )

    assert report.data["fairs"] == [
        {
            "date": "2026-03-26",
            "name": "Ngày hội việc làm CSNV",
            "kind": "job_fair",
            "place": "Nhà văn hóa tỉnh",
            "organiser": "PK02",
            "employers": 1,
        },
        {
            "date": "2026-09-20",
            "name": "Phiên giao dịch tháng 9",
            "kind": "job_exchange",
            "place": "Hoa Lư",
            "organiser": "PX03",
            "employers": 0,
        },
    ]


def test_a_unit_that_does_not_owe_a_report_gets_no_draft(tree) -> None:
    with pytest.raises(ValidationError) as caught:
        draft(tree.pk02_d1)

    assert caught.value.messages == [
        "Đơn vị PK02-D1 không phải nộp báo cáo Báo cáo nhu cầu học nghề của chiến sĩ nghĩa vụ."
    ]
    assert ReportSubmission.objects.count() == 0


def test_the_draft_is_made_once(tree) -> None:
    assert draft(tree.pk02).pk == draft(tree.pk02).pk
    assert ReportSubmission.objects.count() == 1


# ---- the moves ----


def test_draft_is_submitted_then_accepted_and_the_units_officers_are_told(
    tree, officer, px01, make_user
) -> None:
    colleague = make_user(Role.UNIT_OFFICER, tree.pk02)
    report = draft(tree.pk02)

    submissions.submission_submit(user=officer, submission=report, note="  Đã rà soát  ")
    submissions.submission_accept(user=px01, submission=report)

    assert state(report) == (Status.ACCEPTED, NOW, officer, NOW, px01, "")
    assert report.note == "Đã rà soát"
    assert report.data["content"] == "training_needs"  # generated at submission, never empty
    assert list(Notification.objects.filter(user=px01).values_list("title", flat=True)) == [
        "Đơn vị nộp báo cáo: Báo cáo nhu cầu học nghề của chiến sĩ nghĩa vụ – PK02"
    ]
    told = Notification.objects.filter(user__in=[officer, colleague]).order_by("user_id")
    assert [(n.user, n.title, n.body, n.url) for n in told] == [
        (
            person,
            "Báo cáo đã được duyệt: Báo cáo nhu cầu học nghề của chiến sĩ nghĩa vụ",
            'PX01 đã duyệt báo cáo "Báo cáo nhu cầu học nghề của chiến sĩ nghĩa vụ" năm 2026 '
            "của đơn vị đồng chí.",
            "/reports/training-needs/2026/PK02/",
        )
        for person in (officer, colleague)
    ]


def test_a_returned_report_needs_a_reason_and_is_submitted_again(tree, officer, px01) -> None:
    report = submitted(officer, tree.pk02)

    with pytest.raises(ValidationError) as caught:
        submissions.submission_return(user=px01, submission=report, reason="   ")
    assert caught.value.message_dict == {"reason": ["Đề nghị ghi rõ lý do trả lại báo cáo."]}
    assert state(report)[0] == Status.SUBMITTED

    submissions.submission_return(user=px01, submission=report, reason="Thiếu số liệu nghề Hàn")
    assert state(report) == (Status.RETURNED, NOW, officer, NOW, px01, "Thiếu số liệu nghề Hàn")
    assert Notification.objects.get(user=officer).body == (
        'PX01 đã trả lại báo cáo "Báo cáo nhu cầu học nghề của chiến sĩ nghĩa vụ" năm 2026 của '
        "đơn vị đồng chí. Lý do: Thiếu số liệu nghề Hàn. Đề nghị đồng chí chỉnh sửa và nộp lại."
    )

    later = NOW + dt.timedelta(days=2)
    with time_machine.travel(later, tick=False):
        submissions.submission_generate(user=officer, submission=report)
        submissions.submission_submit(user=officer, submission=report, note="Đã bổ sung")
    assert state(report) == (Status.SUBMITTED, later, officer, NOW, px01, "Thiếu số liệu nghề Hàn")
    assert report.note == "Đã bổ sung"


@pytest.mark.parametrize(
    ("move", "message"),
    [
        ("accept", "Chỉ duyệt được báo cáo đã nộp."),
        ("return", "Chỉ trả lại được báo cáo đã nộp."),
    ],
)
def test_a_draft_cannot_be_accepted_or_returned(tree, px01, move, message) -> None:
    report = draft(tree.pk02)
    before = state(report)

    moves = {
        "accept": lambda: submissions.submission_accept(user=px01, submission=report),
        "return": lambda: submissions.submission_return(
            user=px01, submission=report, reason="Sai mẫu"
        ),
    }

    with pytest.raises(ValidationError) as caught:
        moves[move]()

    assert caught.value.messages == [message]
    assert state(report) == before


@pytest.mark.parametrize("role", [Role.UNIT_OFFICER, Role.LEADER, Role.HQ_STAFF])
def test_only_px01_accepts_or_returns(tree, users, px01, role) -> None:
    report = submitted(users[Role.UNIT_OFFICER], tree.pk02)
    before = state(report)

    for move in (
        lambda: submissions.submission_accept(user=users[role], submission=report),
        lambda: submissions.submission_return(user=users[role], submission=report, reason="x"),
    ):
        with pytest.raises(PermissionDenied) as caught:
            move()
        assert str(caught.value) == "Chỉ Phòng PX01 mới được duyệt hoặc trả lại báo cáo của đơn vị."

    assert state(report) == before


@pytest.mark.parametrize("who", ["leader", "hq", "px01", "sibling_officer", "sub_unit_officer"])
def test_only_the_units_own_officers_submit_its_report(tree, users, px01, make_user, who) -> None:
    user = {
        "leader": users[Role.LEADER],
        "hq": users[Role.HQ_STAFF],
        "px01": px01,
        "sibling_officer": make_user(Role.UNIT_OFFICER, tree.pc07),
        "sub_unit_officer": make_user(Role.UNIT_OFFICER, tree.pk02_d1),
    }[who]
    report = draft(tree.pk02)

    with pytest.raises(PermissionDenied) as caught:
        submissions.submission_submit(user=user, submission=report)
    with pytest.raises(PermissionDenied):
        submissions.submission_generate(user=user, submission=report)

    assert (
        str(caught.value) == "Chỉ cán bộ của chính đơn vị mới được lập và nộp báo cáo của đơn vị."
    )
    assert state(report) == (Status.DRAFT, None, None, None, None, "")
    assert report.data == {}


def test_a_double_click_submits_and_accepts_once(tree, officer, px01) -> None:
    report = submitted(officer, tree.pk02)
    with (
        time_machine.travel(NOW + dt.timedelta(seconds=1), tick=False),
        pytest.raises(ValidationError) as again,
    ):
        submissions.submission_submit(user=officer, submission=report, note="Lần hai")
    assert again.value.messages == ["Báo cáo này đã được nộp."]
    assert (state(report)[:2], report.note) == ((Status.SUBMITTED, NOW), "Đã rà soát")

    submissions.submission_accept(user=px01, submission=report)
    with pytest.raises(ValidationError) as twice:
        submissions.submission_accept(user=px01, submission=report)
    assert twice.value.messages == ["Báo cáo này đã được duyệt."]
    assert Notification.objects.filter(user=officer).count() == 1


def test_a_stale_copy_cannot_move_a_report_someone_else_moved(tree, officer, px01) -> None:
    report = submitted(officer, tree.pk02)
    stale = ReportSubmission.objects.get(pk=report.pk)
    submissions.submission_return(user=px01, submission=report, reason="Thiếu chữ ký")

    with pytest.raises(ValidationError) as caught:
        submissions.submission_accept(user=px01, submission=stale)

    assert caught.value.messages == ["Chỉ duyệt được báo cáo đã nộp."]
    assert state(report)[0] == Status.RETURNED


def test_a_submitted_report_keeps_the_content_it_was_sent_with(tree, officer) -> None:
    report = submitted(officer, tree.pk02)
    sent = report.data
    wish(officer, soldier(tree.pk02), "DCN")

    with pytest.raises(ValidationError) as caught:
        submissions.submission_generate(user=officer, submission=report)

    assert caught.value.messages == ["Báo cáo đã nộp thì không thể thay đổi nữa."]
    report.refresh_from_db()
    assert report.data == sent


# ---- the attached file ----


@pytest.mark.parametrize(
    ("upload", "extension"),
    [
        (pdf(), "pdf"),
        (office_file("bao-cao.DOCX", "word/document.xml"), "docx"),
    ],
)
def test_a_pdf_or_docx_is_stored_under_reports_with_our_own_name(
    tree, officer, storage, upload, extension
) -> None:
    report = draft(tree.pk02)

    submissions.submission_submit(user=officer, submission=report, attachment=upload)

    report.refresh_from_db()
    assert report.attachment.name == f"reports/2026/training-needs-PK02-2026.{extension}"
    assert report.attachment.read(4) in (b"%PDF", b"PK\x03\x04")
    assert stored(storage) == [f"training-needs-PK02-2026.{extension}"]


def test_a_real_xlsx_is_accepted(tree, officer) -> None:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    upload = SimpleUploadedFile("so-lieu.xlsx", buffer.getvalue())

    submissions.submission_submit(user=officer, submission=draft(tree.pk02), attachment=upload)

    assert ReportSubmission.objects.get().attachment.name.endswith(".xlsx")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (pdf(size=10 * 1024 * 1024 + 1), "Tệp đính kèm không được vượt quá 10 MB."),
        (
            SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),
            "Nội dung tệp không đúng là tệp .pdf.",
        ),
        (
            office_file("bao-cao.docx", "xl/workbook.xml"),
            "Nội dung tệp không đúng là tệp .docx.",
        ),
        (
            SimpleUploadedFile("bao-cao.xlsx", b"PK\x03\x04 not a zip at all"),
            "Nội dung tệp không đúng là tệp .xlsx.",
        ),
        (
            SimpleUploadedFile("chuong-trinh.exe", b"MZ\x90\x00"),
            "Chỉ được đính kèm tệp PDF, Word (.docx) hoặc Excel (.xlsx).",
        ),
        (
            SimpleUploadedFile("bao-cao", b"%PDF-1.7"),
            "Chỉ được đính kèm tệp PDF, Word (.docx) hoặc Excel (.xlsx).",
        ),
    ],
    ids=["too-big", "exe-renamed-pdf", "xlsx-named-docx", "broken-zip", "exe", "no-extension"],
)
def test_an_unacceptable_attachment_refuses_the_whole_submission(
    tree, officer, storage, upload, message
) -> None:
    report = draft(tree.pk02)

    with pytest.raises(ValidationError) as caught:
        submissions.submission_submit(user=officer, submission=report, attachment=upload)

    assert caught.value.message_dict == {"attachment": [message]}
    assert state(report)[0] == Status.DRAFT
    assert not report.attachment
    assert stored(storage) == []


def test_a_new_attachment_replaces_the_old_file_once_committed(
    tree, officer, px01, storage, django_capture_on_commit_callbacks
) -> None:
    report = draft(tree.pk02)
    with django_capture_on_commit_callbacks(execute=True):
        submissions.submission_submit(user=officer, submission=report, attachment=pdf())
        submissions.submission_return(user=px01, submission=report, reason="Sai mẫu")
        submissions.submission_submit(
            user=officer, submission=report, attachment=office_file("b.docx", "word/document.xml")
        )

    assert stored(storage) == ["training-needs-PK02-2026.docx"]
