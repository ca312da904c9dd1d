"""A small province for the URL matrix: every kind of object a URL names, twice, once inside the
scope of the accounts under test ("own") and once outside it ("other"), made through our own
services as PX01, officers and partners would.

own:   soldier S1 of PK02, from the commune of CAX-01; registered at institution I1, referred to
       employer E1; the reports of PK02 and of I1 / E1.
other: soldier S2 of PC07, from another commune; registered at I2, referred to E2; the reports
       of PC07 and of I2 / E2.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile

from employers import services as job_services
from employers.models import EmployerStaff, Loan
from reports import services as report_services
from reports import submissions
from reports.deadlines import Party
from reports.models import ExportJob, ReportObligation, ReportSubmission
from tests.conftest import Tree
from tests.factories import (
    HOME_WARD,
    CourseFactory,
    EmployerFactory,
    InstitutionFactory,
    JobOpeningFactory,
    SoldierFactory,
    UnitFactory,
)
from training import services as training_services
from training.models import InstitutionStaff, Registration
from units import services as unit_services
from units.models import Unit, User

Role = User.Role
ANONYMOUS = "anonymous"
# The accounts of the matrix, in the order of the expectation table's columns.
ROLES = (
    Role.UNIT_OFFICER,
    Role.COMMUNE_OFFICER,
    Role.HQ_STAFF,
    Role.LEADER,
    Role.INSTITUTION_STAFF,
    Role.EMPLOYER_STAFF,
    ANONYMOUS,
)
YEAR = 2026
REGISTERED = dt.date(2026, 8, 1)
SENT = dt.date(2026, 8, 15)
DISCHARGED = dt.date(2025, 12, 20)  # cohort 2025: the training card regime (Decree 61/2015)


@dataclass
class Side:
    """The objects of one side of the matrix (own or other)."""

    unit: Unit
    soldier: Any
    institution: Any
    course: Any
    proposed_course: Any
    institution_staff: InstitutionStaff
    registration: Registration
    sent_list: Any
    card: Any
    application: Any
    employer: Any
    opening: Any
    employer_staff: EmployerStaff
    referral: Any
    loan: Loan
    fair: Any
    unit_report: ReportSubmission
    partner_reports: dict[str, ReportSubmission]


@dataclass
class World:
    accounts: dict[str, User | AnonymousUser]
    own: Side
    other: Side
    export_jobs: dict[int, ExportJob] = field(default_factory=dict)  # by owner's pk
    stranger_job: ExportJob | None = None
    invitation_token: str = ""

    def side(self, which: str) -> Side:
        return self.own if which == "own" else self.other


def _attachment() -> SimpleUploadedFile:
    return SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.7\n%%EOF\n", content_type="application/pdf")


def _submitted(user: User, obligation: ReportObligation, party: Party) -> ReportSubmission:
    report = submissions.submission_for(obligation=obligation, year=YEAR, party=party)
    return submissions.submission_submit(user=user, submission=report, attachment=_attachment())


def _side(
    *,
    px01: User,
    unit: Unit,
    ward: int,
    officer: User,
    tag: str,
    key: str,
) -> Side:
    soldier = SoldierFactory(
        unit=unit,
        author=px01,
        full_name=f"Nguyễn Văn {tag}",
        home_ward_code=ward,
        enlistment_date=dt.date(2023, 12, 20),
    )
    institution = InstitutionFactory(name=f"Trường nghề {tag}")
    course = CourseFactory(institution=institution, list_year=YEAR)
    proposed = CourseFactory(
        institution=institution, list_year=YEAR, approved=False, level="college"
    )
    registration = training_services.registration_create(
        user=px01, soldier=soldier, course=course, on=REGISTERED
    )
    (sent_list,) = training_services.registrations_send(
        user=px01, registrations=[registration], on=SENT
    )
    card = training_services.support_issue_card(
        user=px01,
        soldier=soldier,
        card_number=f"THN-{tag}",
        issued_on=dt.date(2026, 1, 5),
        registration=registration,
    )
    application = training_services.support_apply_at_commune(
        user=px01, soldier=soldier, applied_on=dt.date(2026, 2, 2)
    )
    employer = EmployerFactory(name=f"Công ty {tag}")
    opening = JobOpeningFactory(employer=employer)
    referral = job_services.referral_create(
        user=px01, soldier=soldier, opening=opening, on=dt.date(2026, 9, 1)
    )
    loan = job_services.loan_record(
        user=px01,
        soldier=soldier,
        purpose=Loan.Purpose.choices[0][0],
        amount_vnd=50_000_000,
        bank_branch="NHCSXH Ninh Bình",
        applied_on=dt.date(2026, 9, 2),
    )
    fair = job_services.job_fair_save(
        user=px01,
        kind="job_fair",
        name=f"Ngày hội việc làm {tag}",
        date=dt.date(2026, 10, 1),
        place="Nhà văn hóa tỉnh",
        organiser=unit,
        employers=[employer],
    )
    staff = {}
    for kind, invite, organisation in (
        ("institution", training_services.institution_staff_invite, {"institution": institution}),
        ("employer", job_services.employer_staff_invite, {"employer": employer}),
    ):
        staff[kind] = invite(
            user=px01,
            username=f"{kind}-{key}",
            full_name=f"Cán bộ {kind} {tag}",
            email=f"{kind}-{key}@doitac.vn",
            **organisation,
        )
    unit_report = _submitted(
        officer, ReportObligation.objects.get(code="training-needs"), Party(unit=unit)
    )
    partner_annual = ReportObligation.objects.get(code="partner-annual-report")
    partner_reports = {
        Role.INSTITUTION_STAFF: _submitted(
            staff["institution"], partner_annual, Party(institution=institution)
        ),
        Role.EMPLOYER_STAFF: _submitted(
            staff["employer"], partner_annual, Party(employer=employer)
        ),
    }
    return Side(
        unit=unit,
        soldier=soldier,
        institution=institution,
        course=course,
        proposed_course=proposed,
        institution_staff=staff["institution"].institution_link,
        registration=registration,
        sent_list=sent_list,
        card=card,
        application=application,
        employer=employer,
        opening=opening,
        employer_staff=staff["employer"].employer_link,
        referral=referral,
        loan=loan,
        fair=fair,
        unit_report=unit_report,
        partner_reports=partner_reports,
    )


def build_world(tree: Tree, make_user: Callable[..., User]) -> World:
    lead = UnitFactory(code="PX01", parent=tree.root, kind=Unit.Kind.HQ_DEPARTMENT)
    px01 = make_user(Role.HQ_STAFF, lead)
    officers = {
        "PK02": make_user(Role.UNIT_OFFICER, tree.pk02),
        "PC07": make_user(Role.UNIT_OFFICER, tree.pc07),
    }
    own = _side(
        px01=px01,
        unit=tree.pk02,
        ward=tree.commune.ward_code,
        officer=officers["PK02"],
        tag="Một",
        key="mot",
    )
    other = _side(
        px01=px01, unit=tree.pc07, ward=HOME_WARD, officer=officers["PC07"], tag="Hai", key="hai"
    )
    accounts: dict[str, User | AnonymousUser] = {
        Role.UNIT_OFFICER: officers["PK02"],
        Role.COMMUNE_OFFICER: make_user(Role.COMMUNE_OFFICER, tree.commune),
        Role.HQ_STAFF: px01,
        Role.LEADER: make_user(Role.LEADER, tree.root),
        Role.INSTITUTION_STAFF: own.institution_staff.user,
        Role.EMPLOYER_STAFF: own.employer_staff.user,
        ANONYMOUS: AnonymousUser(),
    }
    world = World(accounts=accounts, own=own, other=other)
    # The summary workbook of those who may ask for it; a job is its asker's alone.
    for role in (Role.HQ_STAFF, Role.LEADER):
        user = accounts[role]
        job = report_services.summary_job_create(user=user, year=YEAR, as_of=dt.date(2026, 9, 1))
        report_services.summary_job_run(job_id=job.pk)
        world.export_jobs[user.pk] = job
    stranger = make_user(Role.HQ_STAFF, px01.unit)
    world.stranger_job = report_services.summary_job_create(
        user=stranger, year=YEAR, as_of=dt.date(2026, 9, 1)
    )
    report_services.summary_job_run(job_id=world.stranger_job.pk)
    world.invitation_token = _invitation_link_token(px01)
    return world


def _invitation_link_token(px01: User) -> str:
    """A fresh, unused invitation of a new partner account (the token is only in the link)."""
    account = unit_services.partner_account_invite(
        created_by=px01,
        role=Role.EMPLOYER_STAFF,
        username="moi-moi",
        full_name="Cán bộ mới",
        email="moi@doitac.vn",
    )
    return unit_services.invitation_create(user=account, created_by=px01)
