"""The ledger imported the django-import-export way, for comparison only (bench/ledger.py): one
ModelResource per model the ledger fills, each a pass over the same rows, with `use_bulk` and
`skip_diff` as its documentation recommends for speed, and the widgets a developer would write
for the Vietnamese cells (Nam / Nữ, Có / Không, province and ward names, unit codes).

django-import-export is installed only for the benchmark run (`make bench`), never required by
the application.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from import_export import fields, resources, widgets
from vietnam_provinces import Province, Ward

from employers.models import Placement
from reports.ledger import columns as c
from soldiers.dates import add_months
from soldiers.models import Counselling, Soldier
from training.models import CareerWish, Occupation, Registration
from units.models import Unit
from units.vietnamese import name_sort_key

BATCH = 1_000


class DayWidget(widgets.Widget):
    """An Excel date cell (a datetime at midnight) as a date."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> dt.date | None:
        if value in (None, ""):
            return None
        return value.date() if isinstance(value, dt.datetime) else value


class ChoiceWidget(widgets.Widget):
    def __init__(self, choices: dict[str, str]) -> None:
        super().__init__()
        self.choices = choices

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        return self.choices[value] if value else ""


class ProvinceWidget(widgets.Widget):
    def __init__(self) -> None:
        super().__init__()
        self.codes = {p.name: int(p.code) for p in Province.iter_all()}

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> int:
        return self.codes[value]


class WardWidget(widgets.Widget):
    def __init__(self) -> None:
        super().__init__()
        self.codes = {(int(w.province_code), w.name): int(w.code) for w in Ward.iter_all()}
        self.provinces = ProvinceWidget()

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> int:
        return self.codes[self.provinces.clean(row[c.PROVINCE]), value]


def _soldier_field() -> fields.Field:
    return fields.Field(
        attribute="soldier",
        column_name=c.CITIZEN_ID,
        widget=widgets.ForeignKeyWidget(Soldier, "citizen_id"),
    )


def _occupation_field() -> fields.Field:
    return fields.Field(
        attribute="occupation",
        column_name=c.OCCUPATION,
        widget=widgets.ForeignKeyWidget(Occupation, "name"),
    )


class _Options:
    use_bulk = True
    batch_size = BATCH
    skip_diff = True


class SoldierResource(resources.ModelResource):
    full_name = fields.Field(attribute="full_name", column_name=c.FULL_NAME)
    date_of_birth = fields.Field(attribute="date_of_birth", column_name=c.BIRTH, widget=DayWidget())
    gender = fields.Field(
        attribute="gender",
        column_name=c.GENDER,
        widget=ChoiceWidget({"Nam": "male", "Nữ": "female"}),
    )
    citizen_id = fields.Field(attribute="citizen_id", column_name=c.CITIZEN_ID)
    unit = fields.Field(
        attribute="unit", column_name=c.UNIT, widget=widgets.ForeignKeyWidget(Unit, "code")
    )
    enlistment_date = fields.Field(
        attribute="enlistment_date", column_name=c.ENLISTED, widget=DayWidget()
    )
    home_province_code = fields.Field(
        attribute="home_province_code", column_name=c.PROVINCE, widget=ProvinceWidget()
    )
    home_ward_code = fields.Field(
        attribute="home_ward_code", column_name=c.WARD, widget=WardWidget()
    )
    phone = fields.Field(attribute="phone", column_name=c.PHONE)

    class Meta(_Options):
        model = Soldier
        import_id_fields = ("citizen_id",)
        fields = (
            "full_name",
            "date_of_birth",
            "gender",
            "citizen_id",
            "unit",
            "enlistment_date",
            "home_province_code",
            "home_ward_code",
            "phone",
        )

    def before_save_instance(self, instance: Soldier, row: Any, **kwargs: Any) -> None:
        instance.sort_key = name_sort_key(instance.full_name)
        instance.expected_discharge_date = add_months(instance.enlistment_date, 24)


class _Outcome(resources.ModelResource):
    """A row becomes a record only when its column is filled."""

    column = ""

    def __init__(self, *, user_id: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.user_id = user_id

    def skip_row(
        self, instance: Any, original: Any, row: Any, import_validation_errors: dict | None = None
    ) -> bool:
        return not row[self.column]


class CounsellingResource(_Outcome):
    column = c.COUNSELLED
    soldier = _soldier_field()
    date = fields.Field(attribute="date", column_name=c.COUNSELLED, widget=DayWidget())

    class Meta(_Options):
        model = Counselling
        force_init_instance = True
        fields = ("soldier", "date")

    def before_save_instance(self, instance: Counselling, row: Any, **kwargs: Any) -> None:
        instance.kind, instance.officer_id = Counselling.Kind.INFORMATION, self.user_id


class WishResource(_Outcome):
    column = c.NEEDS_TRAINING
    soldier = _soldier_field()
    wants_training = fields.Field(
        attribute="wants_training",
        column_name=c.NEEDS_TRAINING,
        widget=ChoiceWidget({c.YES: "yes", c.NO: "no"}),
    )
    occupation = _occupation_field()
    surveyed_on = fields.Field(
        attribute="surveyed_on", column_name=c.COUNSELLED, widget=DayWidget()
    )

    class Meta(_Options):
        model = CareerWish
        force_init_instance = True
        fields = ("soldier", "wants_training", "occupation", "surveyed_on")

    def before_save_instance(self, instance: CareerWish, row: Any, **kwargs: Any) -> None:
        instance.recorded_by_id = self.user_id


class RegistrationResource(_Outcome):
    column = c.ENROLLED
    soldier = _soldier_field()
    occupation = _occupation_field()
    enrolled_on = fields.Field(attribute="enrolled_on", column_name=c.ENROLLED, widget=DayWidget())
    completed_on = fields.Field(
        attribute="completed_on", column_name=c.COMPLETED, widget=DayWidget()
    )

    class Meta(_Options):
        model = Registration
        force_init_instance = True
        fields = ("soldier", "occupation", "enrolled_on", "completed_on")

    def before_save_instance(self, instance: Registration, row: Any, **kwargs: Any) -> None:
        instance.status = "completed" if instance.completed_on else "enrolled"
        instance.wished_on = instance.enrolled_on
        instance.created_by_id = self.user_id


class PlacementResource(_Outcome):
    column = c.EMPLOYED
    soldier = _soldier_field()
    started_on = fields.Field(attribute="started_on", column_name=c.EMPLOYED, widget=DayWidget())
    workplace = fields.Field(attribute="workplace", column_name=c.WORKPLACE)

    class Meta(_Options):
        model = Placement
        force_init_instance = True
        fields = ("soldier", "started_on", "workplace")

    def before_save_instance(self, instance: Placement, row: Any, **kwargs: Any) -> None:
        instance.kind, instance.source = Placement.Kind.ENTERPRISE, Placement.Source.UNIT
        instance.recorded_by_id = self.user_id


OUTCOMES = (CounsellingResource, WishResource, RegistrationResource, PlacementResource)
