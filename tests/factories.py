"""Factories that build data through our own services, as the application does."""

from __future__ import annotations

import datetime as dt

import factory

from soldiers import services as soldier_services
from soldiers.models import Soldier
from units import services
from units.models import Unit, User

TEST_PASSWORD = "Mat-khau-thu-2026"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"DV{n:04d}")
    name = factory.Sequence(lambda n: f"Đơn vị thử {n}")
    kind = Unit.Kind.MANAGING
    parent = None
    ward_code = None

    @classmethod
    def _create(cls, model_class: type[Unit], *args: object, **kwargs: object) -> Unit:
        return services.unit_create(**kwargs)


class CommuneFactory(UnitFactory):
    kind = Unit.Kind.COMMUNE
    ward_code = factory.Sequence(lambda n: 90000 + n)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"canbo{n}")
    full_name = factory.Sequence(lambda n: f"Cán bộ Thử {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@congan.local")
    unit = factory.SubFactory(UnitFactory)
    role = User.Role.UNIT_OFFICER

    @classmethod
    def _create(cls, model_class: type[User], *args: object, **kwargs: object) -> User:
        return services.account_create(password=TEST_PASSWORD, **kwargs)


# A real commune of Ninh Bình (province 37 since 2025) and the birth-registration code 037.
HOME_PROVINCE = 37
HOME_WARD = 13285
OTHER_WARD = 13291


def citizen_id_for(birth: dt.date, gender: str = "male", serial: int = 0) -> str:
    """A citizen ID that agrees with the birth date and gender (DESIGN.md §8)."""
    century = 0 if birth.year < 2000 else 2
    digit = century + (0 if gender == "male" else 1)
    return f"037{digit}{birth.year % 100:02d}{serial:06d}"


class SoldierFactory(factory.django.DjangoModelFactory):
    """A soldier of the unit given, made through soldiers.services as an officer would."""

    class Meta:
        model = Soldier

    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    date_of_birth = dt.date(2005, 3, 10)
    gender = Soldier.Gender.MALE
    citizen_id = factory.LazyAttributeSequence(
        lambda o, n: citizen_id_for(o.date_of_birth, o.gender, n + 1)
    )
    phone = "0912345678"
    home_province_code = HOME_PROVINCE
    home_ward_code = HOME_WARD
    unit = factory.SubFactory(UnitFactory)
    rank = Soldier.Rank.PRIVATE_1
    enlistment_date = dt.date(2025, 2, 15)
    expected_discharge_date = None
    actual_discharge_date = None

    @classmethod
    def _create(cls, model_class: type[Soldier], *args: object, **kwargs: object) -> Soldier:
        author = kwargs.pop("author", None) or _factory_author(kwargs["unit"])
        return soldier_services.soldier_create(user=author, **kwargs)


def _factory_author(unit: Unit) -> User:
    """An hq_staff account that records test soldiers (as PX01 would for any unit)."""
    user = User.objects.filter(username="factory-hq").first()
    if user is None:
        user = services.account_create(
            username="factory-hq", unit=unit, role=User.Role.HQ_STAFF, password=TEST_PASSWORD
        )
    return user


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "training.Institution"

    name = factory.Sequence(lambda n: f"Trường Cao đẳng nghề thử {n}")
    province_code = HOME_PROVINCE
    ward_code = HOME_WARD
    affiliation = "outside"
    ownership = "public"


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "training.Course"

    institution = factory.SubFactory(InstitutionFactory)
    occupation = factory.LazyFunction(
        lambda: __import__("training.models").models.Occupation.objects.get(code="DCN")
    )
    level = "elementary"
    duration_months = 3
    tuition_vnd = 6_000_000
    support_vnd = 6_000_000
    seats = 30
    list_year = 2026


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "employers.Employer"

    name = factory.Sequence(lambda n: f"Công ty TNHH Thử {n}")
    tax_code = factory.Sequence(lambda n: f"{2700000000 + n:010d}")
    province_code = HOME_PROVINCE


class JobOpeningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "employers.JobOpening"

    employer = factory.SubFactory(EmployerFactory)
    occupation = factory.LazyFunction(
        lambda: __import__("training.models").models.Occupation.objects.get(code="DCN")
    )
    title = "Thợ điện"
    headcount = 5
    salary_min_vnd = 7_000_000
    salary_max_vnd = 9_000_000
    province_code = HOME_PROVINCE
    open_until = dt.date(2027, 6, 30)
    list_year = 2026
