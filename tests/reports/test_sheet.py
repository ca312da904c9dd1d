"""The counselling sheet (Phiếu tư vấn): its data, the printable page, the PDF read back, the
batch PDF of a unit's month-15 soldiers, the print log, and who may print whose sheet."""

from __future__ import annotations

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from pypdf import PdfReader

from employers import services as job_services
from reports import sheet
from reports.models import SheetPrint
from soldiers import services as soldier_services
from soldiers.models import Soldier
from tests.factories import (
    OTHER_WARD,
    CourseFactory,
    InstitutionFactory,
    JobOpeningFactory,
    SoldierFactory,
    UnitFactory,
    UserFactory,
)
from training import services as training_services
from training.models import Occupation
from units.models import Unit, User

Role = User.Role
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = dt.date(2026, 8, 1)
# Enlisted 10/05/2025: month 15 started on 10/07/2026, month 18 starts on 10/10/2026, discharge
# expected 10/05/2027 (the 2027 cohort: the commune regime, 60 months to use the support).
ENLISTED_MONTH_15 = dt.date(2025, 5, 10)
# The cap for a training after a discharge in 2027: 12 × 2.530.000 đ (base salary of 01/07/2026).
CAP_2027 = 30_360_000


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 8, 1, 9, tzinfo=HANOI), tick=False):
        yield


@pytest.fixture
def hq(users) -> User:
    return users[Role.HQ_STAFF]


@pytest.fixture
def officer(users) -> User:
    """An officer of PK02, whose scope holds PK02-D1 and PK02-D1-T1 too."""
    return users[Role.UNIT_OFFICER]


@pytest.fixture
def partner(db) -> User:
    return UserFactory(role=Role.INSTITUTION_STAFF, unit=None)


@pytest.fixture
def admin(db) -> User:
    return User.objects.create_superuser("quantri", "quantri@congan.local", "Mat-khau-2026!")


def electrician() -> Occupation:
    return Occupation.objects.get(code="DCN")


def at_month_15(unit: Unit, name: str, **kwargs: object) -> Soldier:
    kwargs.setdefault("enlistment_date", ENLISTED_MONTH_15)
    return SoldierFactory(unit=unit, full_name=name, **kwargs)


def wish_electrician(user: User, soldier: Soldier) -> None:
    training_services.career_wish_record(
        user=user,
        soldier=soldier,
        surveyed_on=dt.date(2026, 7, 20),
        wants_training="yes",
        occupation=electrician(),
        wants_job_referral=True,
        preferred_work_place="home_province",
    )


@pytest.fixture
def soldier(tree, hq, users) -> Soldier:
    """Lê Văn Tâm of PK02-D1-T1, at month 15, home in the commune of `tree.commune`, wishing to
    learn electrics, with four courses, two openings and three coming fairs for him."""
    tam = at_month_15(tree.pk02_d1_t1, "Lê Văn Tâm", home_ward_code=OTHER_WARD)
    wish_electrician(hq, tam)
    CourseFactory(institution=InstitutionFactory(name="Trường nghề Hoa Lư"), tuition_vnd=12_000_000)
    CourseFactory(
        institution=InstitutionFactory(name="Trường nghề Tam Điệp"), tuition_vnd=9_500_000
    )
    CourseFactory(
        institution=InstitutionFactory(name="Trường nghề Kim Sơn"), tuition_vnd=35_000_000
    )
    CourseFactory(
        institution=InstitutionFactory(name="Trường nghề Hà Nội", province_code=1),
        tuition_vnd=5_000_000,
    )
    JobOpeningFactory(title="Thợ điện công nghiệp", salary_max_vnd=11_000_000)
    JobOpeningFactory(title="Thợ điện dân dụng", salary_max_vnd=9_000_000)
    return tam


@pytest.fixture
def fairs(tree, admin) -> None:
    for day, name in [
        (dt.date(2026, 7, 31), "Phiên hôm qua"),
        (dt.date(2026, 8, 1), "Phiên hôm nay"),
        (dt.date(2026, 9, 20), "Ngày hội việc làm tháng 9"),
        (dt.date(2026, 10, 5), "Ngày hội thanh niên"),
        (dt.date(2026, 11, 15), "Phiên tháng 11"),
    ]:
        job_services.job_fair_save(
            user=admin,
            kind="job_fair",
            name=name,
            date=day,
            place="Nhà văn hóa tỉnh",
            organiser=tree.root,
        )


def pdf_pages(content: bytes) -> list[str]:
    """The text of each page of a PDF, whitespace folded."""
    reader = PdfReader(io.BytesIO(content))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def text_of(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{re.escape(testid)}">([^<]*)<', html)
    assert match, testid
    return match.group(1).strip()


# -- the sheet's data --


def test_sheet_holds_his_dates_support_matches_fairs_and_commune_police(
    soldier, fairs, users, tree
) -> None:
    printable = sheet.printable_soldier(user=users[Role.HQ_STAFF], pk=soldier.pk)

    [result] = sheet.sheets_for([printable], on=TODAY)

    assert result.dates.survey_starts == dt.date(2026, 7, 10)
    assert result.dates.registration_starts == dt.date(2026, 10, 10)
    assert result.dates.notice_on == dt.date(2027, 4, 10)
    assert result.support.regime == "commune_application"
    assert result.support.last_day == dt.date(2032, 5, 10)
    assert result.support.cap_vnd == CAP_2027
    assert result.wish.occupation.code == "DCN"
    # His home province first, then the cheaper; the course in Hà Nội comes last and is left out.
    assert [(line.match.course.institution.name, line.support_vnd) for line in result.courses] == [
        ("Trường nghề Tam Điệp", 9_500_000),
        ("Trường nghề Hoa Lư", 12_000_000),
        ("Trường nghề Kim Sơn", CAP_2027),
    ]
    assert [line.match.opening.title for line in result.openings] == [
        "Thợ điện công nghiệp",
        "Thợ điện dân dụng",
    ]
    assert [fair.name for fair in result.fairs] == [
        "Phiên hôm nay",
        "Ngày hội việc làm tháng 9",
        "Ngày hội thanh niên",
    ]
    assert result.police.unit == tree.commune
    assert result.police.officers == [users[Role.COMMUNE_OFFICER]]
    assert result.qr.url == f"http://127.0.0.1:8000/board/?occupation={electrician().pk}"


def test_a_soldier_discharged_by_2025_has_the_card_and_twelve_months(tree, hq) -> None:
    veteran = SoldierFactory(
        unit=tree.pk02,
        enlistment_date=dt.date(2023, 9, 1),
        expected_discharge_date=dt.date(2025, 9, 1),
    )

    terms = sheet.support_terms(veteran, cap_vnd=CAP_2027)

    assert (terms.regime, terms.last_day) == ("card", dt.date(2026, 9, 1))


def test_a_soldier_not_surveyed_gets_no_course_and_the_plain_board_address(
    tree, hq, settings
) -> None:
    settings.SITE_URL = "https://csnv.congan.example"
    unsurveyed = at_month_15(tree.pk02, "Phạm Văn Hùng")
    CourseFactory()

    [result] = sheet.sheets_for([sheet.printable_soldier(user=hq, pk=unsurveyed.pk)], on=TODAY)

    assert (result.wish, result.courses, result.openings) == (None, [], [])
    assert result.police is None
    assert result.qr.url == "https://csnv.congan.example/board/"


# -- the printable page --


def test_page_shows_the_exact_dates_amounts_and_qr_code(client, soldier, fairs, officer) -> None:
    client.force_login(officer)

    response = client.get(f"/reports/sheet/{soldier.pk}/")

    assert response.status_code == 200
    assert response.templates[0].name == "reports/sheet.html"
    html = response.content.decode()
    assert text_of(html, "month-15") == "10/07/2026"
    assert text_of(html, "month-18") == "10/10/2026"
    assert text_of(html, "discharge") == "10/05/2027"
    assert text_of(html, "notice") == "10/04/2027"
    assert text_of(html, "support-last-day") == "10/05/2032"
    assert re.findall(r'data-testid="course-support">([^<]+)<', html) == [
        "9.500.000 đ",
        "12.000.000 đ",
        "30.360.000 đ",
    ]
    url = f"http://127.0.0.1:8000/board/?occupation={electrician().pk}"
    assert sheet.qr_code(url).svg in html
    assert '<script src="/static/js/print.js"></script>' in html
    assert "<script>" not in html


def test_page_is_logged_as_a_printed_page(client, soldier, officer) -> None:
    client.force_login(officer)

    client.get(f"/reports/sheet/{soldier.pk}/")

    assert list(SheetPrint.objects.values_list("soldier", "user", "form")) == [
        (soldier.pk, officer.pk, "page")
    ]


def test_soldier_page_links_to_his_sheet(client, soldier, users) -> None:
    client.force_login(users[Role.LEADER])

    response = client.get(f"/soldiers/{soldier.pk}/")

    assert (
        f'href="/reports/sheet/{soldier.pk}/" data-testid="sheet-link"' in response.content.decode()
    )


# -- the PDF --


def test_pdf_holds_his_name_dates_and_amounts_in_vietnamese(
    client, soldier, fairs, officer
) -> None:
    client.force_login(officer)

    response = client.get(f"/reports/sheet/{soldier.pk}.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="phieu-tu-van-{soldier.pk}.pdf"'
    [text] = pdf_pages(b"".join(response.streaming_content))
    assert "Lê Văn Tâm" in text
    assert "PHIẾU TƯ VẤN" in text.upper()
    for amount in ("9.500.000 đ", "12.000.000 đ", "30.360.000 đ", "35.000.000 đ"):
        assert amount in text
    for day in ("10/07/2026", "10/10/2026", "10/05/2027", "10/04/2027", "10/05/2032"):
        assert day in text
    assert "Ngày hội việc làm tháng 9" in text
    assert SheetPrint.objects.get().form == "pdf"


def test_pdf_embeds_the_font_shipped_with_the_site(client, soldier, officer) -> None:
    client.force_login(officer)

    response = client.get(f"/reports/sheet/{soldier.pk}.pdf")

    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    fonts = {
        str(font["/BaseFont"]).split("+")[-1]
        for font in reader.pages[0]["/Resources"]["/Font"].values()
    }
    # Named after the stylesheet's @font-face (static/fonts/DejaVuSans*.ttf), not a system font.
    assert fonts == {"Sheet-Sans", "Sheet-Sans-Bold"}


# -- the batch PDF of a unit --


@pytest.fixture
def pk02_soldiers(tree, hq) -> dict[str, Soldier]:
    """PK02 and its sub-units: An and Bình in months 15-17; Cường at month 14, Dũng at month 18,
    Em archived; Giang of PC07, out of PK02."""
    people = {
        "An": at_month_15(tree.pk02, "Trần Văn An"),
        "Bình": at_month_15(tree.pk02_d1_t1, "Lê Văn Bình", enlistment_date=dt.date(2025, 4, 2)),
        "Cường": at_month_15(tree.pk02, "Đỗ Văn Cường", enlistment_date=dt.date(2025, 6, 15)),
        "Dũng": at_month_15(tree.pk02_d1, "Vũ Văn Dũng", enlistment_date=dt.date(2025, 2, 1)),
        "Em": at_month_15(tree.pk02, "Hoàng Văn Em"),
        "Giang": at_month_15(tree.pc07, "Ngô Văn Giang"),
    }
    soldier_services.soldier_archive(user=hq, soldier=people["Em"], reason="Chuyển ngành")
    return people


def test_month_15_soldiers_are_those_in_months_15_to_17_of_the_unit_and_sub_units(
    pk02_soldiers, officer, tree
) -> None:
    soldiers = sheet.month_15_soldiers(user=officer, unit=tree.pk02, on=TODAY)

    assert [s.full_name for s in soldiers] == ["Trần Văn An", "Lê Văn Bình"]


def test_batch_pdf_has_one_page_per_soldier_at_month_15(
    client, pk02_soldiers, officer, fairs
) -> None:
    client.force_login(officer)

    response = client.get("/reports/sheet/batch/PK02.pdf")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'inline; filename="phieu-tu-van-PK02-20260801.pdf"'
    pages = pdf_pages(b"".join(response.streaming_content))
    assert len(pages) == 2
    assert "Trần Văn An" in pages[0]
    assert "Lê Văn Bình" in pages[1]
    assert "Lê Văn Bình" not in pages[0]


def test_batch_logs_one_print_per_soldier(client, pk02_soldiers, officer) -> None:
    client.force_login(officer)

    client.get("/reports/sheet/batch/PK02.pdf")

    assert sorted(SheetPrint.objects.values_list("soldier__full_name", "user", "form")) == [
        ("Lê Văn Bình", officer.pk, "batch"),
        ("Trần Văn An", officer.pk, "batch"),
    ]


def test_batch_of_a_unit_with_nobody_at_month_15_says_so_and_prints_nothing(
    client, tree, hq
) -> None:
    pe05 = UnitFactory(code="PE05", parent=tree.root)
    at_month_15(pe05, "Đinh Văn Khoa", enlistment_date=dt.date(2025, 6, 15))  # month 14
    client.force_login(hq)

    response = client.get("/reports/sheet/batch/PE05.pdf")

    assert response.status_code == 302
    assert response.url == f"/soldiers/?unit={pe05.pk}&milestone=survey_due"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Không có chiến sĩ nào của PE05 đang ở tháng 15 đến tháng 17 của thời hạn phục vụ: "
        "không có phiếu nào để in."
    ]
    assert not SheetPrint.objects.exists()


# -- who may print whose sheet --


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.UNIT_OFFICER, 200),
        (Role.HQ_STAFF, 200),
        # Leaders only read; a printed sheet changes no record, so they may print it.
        (Role.LEADER, 200),
        # The soldier's home is the commune's.
        (Role.COMMUNE_OFFICER, 200),
    ],
)
def test_police_roles_that_see_the_soldier_may_print_his_sheet(
    client, soldier, users, role, status
) -> None:
    client.force_login(users[role])

    assert client.get(f"/reports/sheet/{soldier.pk}/").status_code == status
    assert client.get(f"/reports/sheet/{soldier.pk}.pdf").status_code == status


def test_another_units_soldier_is_not_found(client, tree, officer) -> None:
    other = at_month_15(tree.pc07, "Ngô Văn Giang")
    client.force_login(officer)

    assert client.get(f"/reports/sheet/{other.pk}/").status_code == 404
    assert client.get(f"/reports/sheet/{other.pk}.pdf").status_code == 404
    assert not SheetPrint.objects.exists()


def test_commune_officer_cannot_print_for_a_soldier_from_another_commune(
    client, tree, users
) -> None:
    elsewhere = at_month_15(tree.pk02, "Phạm Văn Hùng")  # home in another commune
    client.force_login(users[Role.COMMUNE_OFFICER])

    assert client.get(f"/reports/sheet/{elsewhere.pk}/").status_code == 404


def test_partners_may_not_print(client, soldier, partner) -> None:
    client.force_login(partner)

    assert client.get(f"/reports/sheet/{soldier.pk}/").status_code == 403
    assert client.get(f"/reports/sheet/{soldier.pk}.pdf").status_code == 403
    assert client.get("/reports/sheet/batch/PK02.pdf").status_code == 403


def test_anonymous_is_sent_to_sign_in(client, soldier) -> None:
    response = client.get(f"/reports/sheet/{soldier.pk}/")

    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next=/reports/sheet/{soldier.pk}/"


@pytest.mark.parametrize(
    ("role", "unit_code", "status"),
    [
        (Role.UNIT_OFFICER, "PK02", 200),
        (Role.UNIT_OFFICER, "PC07", 404),
        (Role.HQ_STAFF, "PC07", 200),
        (Role.LEADER, "PK02", 200),
        (Role.COMMUNE_OFFICER, "PK02", 404),
        (Role.UNIT_OFFICER, "KHONG-CO", 404),
    ],
)
def test_batch_is_for_units_in_the_users_scope(
    client, pk02_soldiers, users, role, unit_code, status
) -> None:
    client.force_login(users[role])

    assert client.get(f"/reports/sheet/batch/{unit_code}.pdf").status_code == status
