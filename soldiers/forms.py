"""Forms of the soldier's file. They validate and normalise input only: every rule on a soldier's
data is enforced by soldiers.services, whose errors the views put back on these forms."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from vietnam_provinces import Province, Ward

from soldiers import citizen_id as cid
from soldiers import selectors
from soldiers.models import Counselling, Soldier
from soldiers.services import EDITABLE_FIELDS
from units.models import User
from units.scoping import scope_for

# -- the soldier's file (soldiers/views/files.py) --

DATE_PLACEHOLDER = "dd/mm/yyyy"
PHONE_RE = re.compile(r"^\+?\d{8,15}$")


def _label(field: str) -> str:
    """The form label is the model's verbose name, so both read the same in Vietnamese."""
    return capfirst(Soldier._meta.get_field(field).verbose_name)


@cache
def province_choices() -> tuple[tuple[int, str], ...]:
    """The 34 provinces and cities since 01/07/2025."""
    return tuple((int(p.code), p.name) for p in Province.iter_all())


# Bounded: the ward list endpoint passes whatever number a browser sends.
@lru_cache(maxsize=64)
def ward_choices(province_code: int | None) -> tuple[tuple[int, str], ...]:
    """The communes and wards of one province in the 2025 list (none for an unknown code)."""
    try:
        province = Province.from_code(province_code)
    except (ValueError, TypeError):
        return ()
    return tuple((int(w.code), w.name) for w in Ward.iter_by_province(province.code))


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class DateField(forms.DateField):
    """A dd/mm/yyyy date (the vi input formats accept it; the placeholder says so)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.DateInput(attrs={"placeholder": DATE_PLACEHOLDER}))
        super().__init__(**kwargs)


class SoldierForm(forms.Form):
    """A soldier's file, new or edited. `version` carries the version the officer opened, so
    that the service can refuse a save made on a stale copy."""

    full_name = forms.CharField(label=_label("full_name"), max_length=150)
    date_of_birth = DateField(label=_label("date_of_birth"))
    gender = forms.ChoiceField(label=_label("gender"), choices=Soldier.Gender.choices)
    citizen_id = forms.CharField(
        label=_label("citizen_id"),
        max_length=20,
        help_text=_("12 digits, as printed on the citizen ID card."),
    )
    phone = forms.CharField(label=_label("phone"), max_length=20, required=False)
    home_province_code = forms.TypedChoiceField(label=_label("home_province_code"), coerce=int)
    home_ward_code = forms.TypedChoiceField(label=_label("home_ward_code"), coerce=int)
    unit = forms.ModelChoiceField(label=_label("unit"), queryset=None)
    rank = forms.ChoiceField(
        label=_label("rank"), choices=[("", "---------"), *Soldier.Rank.choices], required=False
    )
    enlistment_date = DateField(label=_label("enlistment_date"))
    expected_discharge_date = DateField(
        label=_label("expected_discharge_date"),
        required=False,
        help_text=_("Leave empty for the enlistment date plus the months of service (24)."),
    )
    actual_discharge_date = DateField(label=_label("actual_discharge_date"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, user: User, soldier: Soldier | None = None, **kwargs: Any):
        if soldier is not None:
            kwargs.setdefault("initial", self._initial_from(soldier))
        super().__init__(*args, **kwargs)
        self.soldier = soldier
        self.fields["unit"].queryset = selectors.writable_units(
            user, keep=soldier.unit if soldier else None
        )
        if soldier is None:
            del self.fields["version"]
        else:
            # The whole number is shown only on the soldier's page, and each showing is logged:
            # the edit form keeps it unless the officer types a new one.
            citizen_id = self.fields["citizen_id"]
            citizen_id.required = False
            citizen_id.widget.attrs["placeholder"] = soldier.masked_citizen_id
            citizen_id.help_text = _(
                "Leave empty to keep the number on file; type all 12 digits to change it."
            )
        province = self.fields["home_province_code"]
        province.choices = [("", _("Choose a province")), *province_choices()]
        # The script refills the ward list from this address when the province changes.
        province.widget.attrs.update(
            {"data-wards-url": reverse_lazy("soldiers:wards"), "data-ward-select": "ward"}
        )
        ward = self.fields["home_ward_code"]
        ward.choices = [("", _("Choose a commune or ward")), *ward_choices(self._province())]
        ward.widget.attrs.update({"data-ward-list": "ward"})

    def _province(self) -> int | None:
        """The province the ward list belongs to: the one posted, else the one on file."""
        if self.is_bound:
            return _int_or_none(self.data.get(self.add_prefix("home_province_code")))
        return _int_or_none(self.initial.get("home_province_code"))

    def clean_full_name(self) -> str:
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_citizen_id(self) -> str:
        number = cid.normalise(self.cleaned_data["citizen_id"])
        if not number and self.soldier is not None:
            return self.soldier.citizen_id
        return number

    def clean_phone(self) -> str:
        phone = cid.normalise(self.cleaned_data["phone"])
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError(_("A phone number has 8 to 15 digits."))
        return phone

    def service_fields(self) -> dict[str, Any]:
        """The cleaned values, as soldiers.services takes them."""
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}

    @staticmethod
    def _initial_from(soldier: Soldier) -> dict[str, Any]:
        initial = {name: getattr(soldier, name) for name in EDITABLE_FIELDS if name != "citizen_id"}
        return initial | {"version": soldier.version}


class ArchiveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for archiving"),
        max_length=300,
        help_text=_("For example: transferred to another province, died, discharged early."),
    )


class SoldierFilterForm(forms.Form):
    """The list's search and filters, read from the query string; a wrong value is ignored."""

    WANTS_TRAINING = [
        ("", _("Any")),
        ("yes", _("Yes")),
        ("no", _("No")),
        ("undecided", _("Undecided")),
        (selectors.WANTS_TRAINING_NONE, _("Not surveyed yet")),
    ]

    q = forms.CharField(
        label=_("Name or citizen ID"),
        required=False,
        max_length=150,
        widget=forms.TextInput(
            attrs={"placeholder": _("Name, 12-digit ID or its last 4 digits"), "type": "search"}
        ),
    )
    unit = forms.ModelChoiceField(
        label=_("Unit (with sub-units)"), queryset=None, required=False, empty_label=_("All")
    )
    milestone = forms.ChoiceField(
        label=_("Milestone"),
        choices=[("", _("All")), *Soldier.Milestone.choices],
        required=False,
    )
    year = forms.IntegerField(
        label=_("Discharge year"), required=False, min_value=2000, max_value=2100
    )
    training = forms.ChoiceField(label=_("Wants training"), choices=WANTS_TRAINING, required=False)
    archived = forms.BooleanField(label=_("Archived files"), required=False)
    sort = forms.ChoiceField(
        choices=[(key, key) for key in selectors.LIST_SORTS],
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if scope_for(user).ward_code is not None:
            # A commune officer's soldiers belong to many units; his scope is his commune.
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = selectors.filter_units(user)

    def list_arguments(self) -> dict[str, Any]:
        """Arguments for selectors.soldier_list; a field that did not validate is left out."""
        self.is_valid()
        data = self.cleaned_data
        unit = data.get("unit")
        return {
            "search": data.get("q") or "",
            "unit_id": unit.pk if unit else None,
            "milestone": data.get("milestone") or "",
            "discharge_year": data.get("year"),
            "wants_training": data.get("training") or "",
            "archived": bool(data.get("archived")),
            "sort": data.get("sort") or selectors.DEFAULT_SORT,
        }


# -- counselling (soldiers/views/work.py) --


class CounsellingForm(forms.ModelForm):
    """One counselling session (tuyên truyền, tư vấn, hướng nghiệp) given to a soldier."""

    class Meta:
        model = Counselling
        fields = ["date", "kind", "note"]
        widgets = {
            "date": forms.DateInput(attrs={"placeholder": _("dd/mm/yyyy")}),
            "kind": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate
        # Radio buttons show no "---------": every session is of some kind.
        self.fields["kind"].choices = Counselling.Kind.choices
