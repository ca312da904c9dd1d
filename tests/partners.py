"""Partner accounts and what they work on, made through our services as PX01 and officers would
(shared by the partner tests of training, employers and reports)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from employers import services as job_services
from employers.models import Employer, JobOpening, Referral
from soldiers.models import Soldier
from tests.factories import CourseFactory, SoldierFactory, UnitFactory
from training import services as training_services
from training.models import Institution, Registration
from units.models import Unit, User

Role = User.Role
SENT = dt.date(2026, 8, 15)


def department(make_user: Callable[..., User], root: Unit, code: str) -> User:
    """An hq_staff account of a headquarters department (PX01, PA03, PA04)."""
    unit = UnitFactory(code=code, parent=root, kind=Unit.Kind.HQ_DEPARTMENT)
    return make_user(Role.HQ_STAFF, unit)


def institution_staff(keeper: User, institution: Institution, username: str) -> User:
    return training_services.institution_staff_invite(
        user=keeper,
        institution=institution,
        username=username,
        full_name=f"Cán bộ {username}",
        email=f"{username}@doitac.vn",
    )


def employer_staff(keeper: User, employer: Employer, username: str) -> User:
    return job_services.employer_staff_invite(
        user=keeper,
        employer=employer,
        username=username,
        full_name=f"Cán bộ {username}",
        email=f"{username}@doitac.vn",
    )


def sent_to(institution: Institution, officer: User, soldier: Soldier) -> Registration:
    """The soldier registered for the institution's course, the list sent on 15/08/2026."""
    course = institution.courses.first() or CourseFactory(institution=institution)
    registration = training_services.registration_create(
        user=officer, soldier=soldier, course=course, on=dt.date(2026, 8, 1)
    )
    training_services.registrations_send(user=officer, registrations=[registration], on=SENT)
    registration.refresh_from_db()
    return registration


def referred_to(opening: JobOpening, officer: User, soldier: Soldier | None = None) -> Referral:
    """A soldier of the officer's unit referred to the opening on 01/09/2026."""
    soldier = soldier or SoldierFactory(unit=officer.unit)
    return job_services.referral_create(
        user=officer, soldier=soldier, opening=opening, on=dt.date(2026, 9, 1)
    )
