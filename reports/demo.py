"""Demo soldiers along the whole path, made through the same services an officer uses, so that
every page and figure of the demo province has something true to show. Idempotent: soldiers are
keyed by citizen ID, catalogue rows by name."""

from __future__ import annotations

import datetime as dt
from itertools import cycle

from employers import services as job_services
from employers.models import Employer, EmployerStaff, JobFair, JobOpening, Referral
from soldiers import services as soldier_services
from soldiers.models import Soldier
from training import services as training_services
from training.models import Course, Institution, InstitutionStaff, Occupation, Registration
from units import demo as unit_demo
from units.models import Unit, User

GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đức",
    "Giang",
    "Hải",
    "Hùng",
    "Khánh",
    "Long",
    "Minh",
    "Nam",
    "Phúc",
    "Quang",
    "Sơn",
    "Thắng",
    "Tuấn",
    "Việt",
]
FAMILY = [
    "Nguyễn Văn",
    "Trần Đức",
    "Lê Minh",
    "Phạm Quốc",
    "Hoàng Văn",
    "Vũ Đình",
    "Đặng Văn",
    "Bùi Thanh",
    "Đỗ Xuân",
    "Ngô Quang",
]
UNITS = ["PK02-D1", "PK02-D1-T1", "PK02-D2", "PC07-D1", "PC08-T1", "PC08"]
# (enlisted, how far along the path): cohorts 2025, 2026 and 2027.
STAGES = ["placed", "completed", "enrolled", "sent", "wished", "no_training", "surveyed", "new"]
ENLISTMENTS = [
    dt.date(2023, 9, 12),
    dt.date(2024, 2, 26),
    dt.date(2024, 9, 10),
    dt.date(2025, 2, 24),
]
TRADES = ["DCN", "OTO", "HAN", "LXC", "MAY", "THV"]

INSTITUTIONS = [
    ("Trường Cao đẳng Cơ giới Ninh Bình", "public", "outside"),
    ("Trường Cao đẳng nghề Cơ điện Xây dựng Tam Điệp", "public", "outside"),
    ("Trường Trung cấp nghề số 13, Bộ Quốc phòng", "public", "armed_forces"),
    ("Trung tâm Giáo dục nghề nghiệp Hoa Lư", "private", "outside"),
]
COURSES = [  # institution index, occupation, level, months, tuition, seats
    (0, "OTO", "elementary", 6, 9_500_000, 40),
    (0, "LXC", "under_3_months", 3, 14_800_000, 60),
    (1, "DCN", "elementary", 6, 8_000_000, 50),
    (1, "HAN", "elementary", 4, 7_200_000, 30),
    (2, "OTO", "intermediate", 18, 26_000_000, 20),
    (3, "MAY", "under_3_months", 2, 3_000_000, 40),
    (3, "THV", "under_3_months", 2, 2_500_000, 35),
]
EMPLOYERS = [
    ("Công ty TNHH May xuất khẩu Hoa Lư", "2700123456", "domestic", False),
    ("Công ty CP Ô tô Thành An Ninh Bình", "2700654321", "domestic", False),
    ("Công ty TNHH Điện tử Gia Viễn", "2700987654", "foreign_invested", False),
    ("Công ty TNHH Dịch vụ Bảo vệ An Ninh Bình", "2700111222", "domestic", True),
]
OPENINGS = [  # employer index, occupation, title, headcount, salary range
    (0, "MAY", "Công nhân may", 40, 6_500_000, 9_000_000),
    (1, "OTO", "Kỹ thuật viên sửa chữa ô tô", 8, 9_000_000, 14_000_000),
    (1, "LXC", "Lái xe tải", 5, 10_000_000, 15_000_000),
    (2, "DCN", "Kỹ thuật viên điện", 12, 8_500_000, 12_000_000),
    (3, "THV", "Nhân viên bảo vệ", 20, 7_000_000, 9_500_000),
]


def _catalogue(year: int) -> tuple[list[Course], list[JobOpening]]:
    institutions = [
        Institution.objects.get_or_create(
            name=name,
            defaults={"province_code": 37, "ownership": ownership, "affiliation": affiliation},
        )[0]
        for name, ownership, affiliation in INSTITUTIONS
    ]
    courses = [
        Course.objects.get_or_create(
            institution=institutions[i],
            occupation=Occupation.objects.get(code=code),
            level=level,
            list_year=year,
            defaults={
                "duration_months": months,
                "tuition_vnd": fee,
                "support_vnd": fee,
                "seats": seats,
            },
        )[0]
        for i, code, level, months, fee, seats in COURSES
    ]
    employers = [
        Employer.objects.get_or_create(
            tax_code=tax,
            defaults={
                "name": name,
                "ownership": kind,
                "police_enterprise": police,
                "province_code": 37,
            },
        )[0]
        for name, tax, kind, police in EMPLOYERS
    ]
    openings = [
        JobOpening.objects.get_or_create(
            employer=employers[i],
            title=title,
            list_year=year,
            defaults={
                "occupation": Occupation.objects.get(code=code),
                "headcount": n,
                "salary_min_vnd": low,
                "salary_max_vnd": high,
                "province_code": 37,
                "open_until": dt.date(year + 1, 6, 30),
            },
        )[0]
        for i, code, title, n, low, high in OPENINGS
    ]
    return courses, openings


def _advance(
    officer: User, soldier: Soldier, stage: str, course: Course, opening: JobOpening, today: dt.date
) -> None:
    """Walk one soldier through the path up to `stage`, with dates relative to his service, and
    never past `today`."""
    if stage == "new":
        return
    month15 = soldier.month_starts(15)
    soldier_services.counselling_record(
        user=officer,
        soldier=soldier,
        date=month15,
        kind="career_guidance",
        note="Buổi tư vấn tháng 15",
    )
    if stage == "surveyed":
        training_services.career_wish_record(
            user=officer, soldier=soldier, surveyed_on=month15, wants_training="undecided"
        )
        return
    wants = "no" if stage == "no_training" else "yes"
    training_services.career_wish_record(
        user=officer,
        soldier=soldier,
        surveyed_on=month15,
        wants_training=wants,
        occupation=course.occupation if wants == "yes" else None,
        wants_job_referral=True,
        preferred_work_place="home_province",
    )
    if stage in ("no_training", "wished") and wants == "no":
        return
    registration = training_services.registration_create(
        user=officer, soldier=soldier, course=course, on=soldier.month_starts(18)
    )
    sent = soldier.month_starts(18) + dt.timedelta(days=5)
    if stage == "wished" or sent > today:
        return
    training_services.registrations_send(user=officer, registrations=[registration], on=sent)
    enrolled = soldier.discharge_date + dt.timedelta(days=20)
    if stage == "sent" or enrolled > today:
        return
    training_services.registration_enrol(user=officer, registration=registration, on=enrolled)
    completed = enrolled + dt.timedelta(days=int(course.duration_months * 30))
    if stage == "enrolled" or completed > today:
        return
    training_services.registration_complete(user=officer, registration=registration, on=completed)
    if stage == "placed" and completed + dt.timedelta(days=15) <= today:
        job_services.placement_record(
            user=officer,
            soldier=soldier,
            kind="enterprise",
            opening=opening,
            started_on=completed + dt.timedelta(days=15),
            salary_vnd=opening.salary_min_vnd,
            evidence="labour_contract",
            source="unit",
        )


def seed_path(today: dt.date | None = None) -> int:
    """Demo soldiers and the catalogues they use; returns how many soldiers were new."""
    today = today or dt.date.today()  # noqa: DTZ011 (a calendar date for demo data)
    officer = User.objects.get(username="px01")
    courses, openings = _catalogue(today.year)
    by_trade = {c.occupation.code: c for c in courses}
    wards = [int(w.code) for w in unit_demo.demo_wards()]
    created = 0
    names = ((f, g) for f in FAMILY for g in GIVEN)
    plan = zip(range(48), cycle(UNITS), cycle(TRADES), cycle(wards), strict=False)
    for index, unit_code, trade, ward in plan:
        # Each group of four (one per enlistment date) shares a stage: every cohort gets them all.
        stage = STAGES[(index // len(ENLISTMENTS)) % len(STAGES)]
        family, given = next(names)
        enlisted = ENLISTMENTS[index % len(ENLISTMENTS)]
        birth = dt.date(2002 + index % 3, 1 + index % 12, 1 + index % 27)
        citizen_id = f"037{2}{birth.year % 100:02d}{index + 100:06d}"
        if Soldier.objects.filter(citizen_id=citizen_id).exists():
            continue
        soldier = soldier_services.soldier_create(
            user=officer,
            full_name=f"{family} {given}",
            date_of_birth=birth,
            gender="male",
            citizen_id=citizen_id,
            phone=f"09{index:08d}",
            home_province_code=37,
            home_ward_code=ward,
            unit=Unit.objects.get(code=unit_code),
            rank="binh_nhat",
            enlistment_date=enlisted,
            expected_discharge_date=None,
            actual_discharge_date=None,
        )
        opening = next((o for o in openings if o.occupation.code == trade), openings[0])
        if soldier.month_of_service(today) < 15:
            stage = "new"
        _advance(officer, soldier, stage, by_trade[trade], opening, today)
        created += 1
    _fair(officer, today)
    return created


def _fair(officer: User, today: dt.date) -> None:
    day = (
        dt.date(today.year, 9, 20)
        if today >= dt.date(today.year, 9, 20)
        else dt.date(today.year - 1, 9, 20)
    )
    fair = JobFair.objects.filter(name="Ngày hội việc làm cho quân nhân xuất ngũ", date=day).first()
    if fair is None:
        fair = job_services.job_fair_save(
            user=officer,
            kind="job_fair",
            name="Ngày hội việc làm cho quân nhân xuất ngũ",
            date=day,
            place="Nhà văn hóa tỉnh Ninh Bình",
            organiser=Unit.objects.get(code="PX03"),
            employers=list(Employer.objects.all()[:3]),
        )
    attendees = list(Soldier.objects.filter(enlistment_date__lte=day - dt.timedelta(days=400))[:6])
    job_services.job_fair_record_attendance(user=officer, fair=fair, soldiers=attendees)


# -- partner accounts: an institution's and an employer's staff, on the demo's catalogue --

INSTITUTION_ACCOUNT = unit_demo.DemoAccount(
    "cdcg.ninhbinh", "Đinh Thị Hạnh", None, User.Role.INSTITUTION_STAFF
)
EMPLOYER_ACCOUNT = unit_demo.DemoAccount(
    "thanhan.oto", "Vũ Văn Thành", None, User.Role.EMPLOYER_STAFF
)
PARTNER_INSTITUTION = INSTITUTIONS[0][0]  # Trường Cao đẳng Cơ giới Ninh Bình
PARTNER_EMPLOYER = EMPLOYERS[1][0]  # Công ty CP Ô tô Thành An Ninh Bình
# Soldiers trained and still without a job are referred to the employer, so that its staff has
# hires to confirm (a hire then counts in the dashboard's employed figure).
REFERRED_AT_MOST = 3


def seed_partners(*, reset: bool) -> list[tuple[unit_demo.DemoAccount, str]]:
    """The two demo partner accounts, linked to their institution and employer (seed_path made
    them), and a few soldiers referred to the employer. Returns each account with its new
    password ("" when kept, as for the other demo accounts)."""
    passwords = []
    for account in (INSTITUTION_ACCOUNT, EMPLOYER_ACCOUNT):
        passwords.append((account, unit_demo.seed_account(account, None, reset=reset)))
    institution = Institution.objects.get(name=PARTNER_INSTITUTION)
    employer = Employer.objects.get(name=PARTNER_EMPLOYER)
    InstitutionStaff.objects.get_or_create(
        user=User.objects.get(username=INSTITUTION_ACCOUNT.username),
        defaults={"institution": institution},
    )
    EmployerStaff.objects.get_or_create(
        user=User.objects.get(username=EMPLOYER_ACCOUNT.username), defaults={"employer": employer}
    )
    _refer_to(employer)
    return passwords


def _refer_to(employer: Employer) -> None:
    """Refer to the employer a few soldiers who completed their training and have no job yet:
    to its opening for their trade if it has one, else to its first. Once: an employer that
    already has referrals is left as it is."""
    if Referral.objects.filter(opening__employer=employer).exists():
        return
    officer = User.objects.get(username="px01")
    today = dt.date.today()  # noqa: DTZ011 (a calendar date for demo data)
    openings = list(employer.openings.filter(approved=True, active=True).order_by("pk"))
    trained = (
        Registration.objects.filter(
            status=Registration.Status.COMPLETED, soldier__placements=None, soldier__archived=False
        )
        .select_related("soldier")
        .order_by("soldier__sort_key", "pk")
    )
    for registration in trained[:REFERRED_AT_MOST]:
        fits = [o for o in openings if o.occupation_id == registration.occupation_id]
        job_services.referral_create(
            user=officer, soldier=registration.soldier, opening=(fits or openings)[0], on=today
        )
