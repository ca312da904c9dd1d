"""Factories that build data through our own services, as the application does."""

from __future__ import annotations

import factory

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
