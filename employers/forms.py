"""Forms of the demand side: they validate and normalise input; employers.services decides."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from employers import selectors
from employers.models import Employer, JobFair, JobOpening, Loan, Placement, Referral
from employers.services import LOAN_NEXT
from soldiers.forms import DATE_PLACEHOLDER, DateField, province_choices
from soldiers.models import Soldier
from soldiers.selectors import filter_units
from training.forms import AmountField
from training.models import Occupation
from training.selectors import survey_occupations
from units.models import Unit, User
from units.scoping import scope_for

# -- a soldier's referrals, placements and loans (employers/views/outcomes.py) --

DATE_WIDGET = forms.DateInput(attrs={"placeholder": DATE_PLACEHOLDER})
MONEY_HELP = _("In đồng, for example 7.000.000.")


class PlacementForm(forms.ModelForm):
    """A job the soldier took. `opening_id` (from ?opening=) fills in what the opening says."""

    class Meta:
        model = Placement
        fields = [
            "kind",
            "employer",
            "opening",
            "occupation",
            "workplace",
            "started_on",
            "salary_vnd",
            "evidence",
            "source",
        ]
        # Amounts are typed the Vietnamese way, 7.000.000: localised fields drop the dots.
        localized_fields = ["salary_vnd"]
        widgets = {"kind": forms.RadioSelect, "started_on": DATE_WIDGET}
        help_texts = {
            "salary_vnd": MONEY_HELP,
            "opening": _("If the job came from an opening of PA04's list."),
        }

    def __init__(
        self,
        *args: Any,
        soldier: Soldier,
        on: dt.date,
        opening_id: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        openings = selectors.placement_openings(soldier=soldier, on=on)
        self.fields["opening"].queryset = openings
        self.fields["employer"].queryset = selectors.active_employers()
        self.fields["occupation"].queryset = survey_occupations()
        self.fields["kind"].choices = Placement.Kind.choices
        for name in ("employer", "opening", "occupation"):
            self.fields[name].empty_label = _("Not chosen")
        self.fields["evidence"].choices = [("", _("Not stated")), *Placement.Evidence.choices]
        self.fields["source"].choices = [("", _("Not stated")), *Placement.Source.choices]
        if opening_id and opening_id.isdigit() and not self.is_bound:
            self._fill_from(openings.filter(pk=int(opening_id)).first())

    def _fill_from(self, opening: JobOpening | None) -> None:
        if opening is None:
            return
        kind = Placement.Kind.ABROAD if opening.abroad else Placement.Kind.ENTERPRISE
        self.initial |= {
            "opening": opening.pk,
            "employer": opening.employer_id,
            "occupation": opening.occupation_id,
            "kind": kind,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        opening, employer = data.get("opening"), data.get("employer")
        if opening is not None:
            if employer is None:
                data["employer"] = opening.employer
            elif employer != opening.employer:
                self.add_error("opening", _("This opening belongs to another employer."))
        return data


class LoanForm(forms.ModelForm):
    """A loan application to the social policy bank."""

    class Meta:
        model = Loan
        fields = ["purpose", "amount_vnd", "bank_branch", "applied_on"]
        localized_fields = ["amount_vnd"]
        widgets = {"purpose": forms.RadioSelect, "applied_on": DATE_WIDGET}
        help_texts = {"amount_vnd": MONEY_HELP}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = Loan.Purpose.choices
        self.fields["applied_on"].initial = timezone.localdate


class LoanStatusForm(forms.Form):
    """The next status of a loan: only those the loan may move to from where it stands."""

    status = forms.ChoiceField(label=_("New status"), widget=forms.RadioSelect)
    on = DateField(label=_("Date of the decision"), initial=timezone.localdate)

    def __init__(self, *args: Any, loan: Loan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        following = LOAN_NEXT.get(loan.status, set())
        self.fields["status"].choices = [c for c in Loan.Status.choices if c[0] in following]

    @property
    def has_choices(self) -> bool:
        return bool(self.fields["status"].choices)


# -- job fairs, PX03's list (employers/views/fairs.py) --


class JobFairForm(forms.ModelForm):
    """A job fair, youth festival or job exchange session, and the employers present."""

    class Meta:
        model = JobFair
        fields = ["kind", "name", "date", "place", "organiser", "employers"]
        widgets = {
            "kind": forms.RadioSelect,
            "date": DATE_WIDGET,
            "employers": forms.SelectMultiple(attrs={"size": 10}),
        }
        help_texts = {"employers": _("Hold Ctrl (or Cmd) to choose several.")}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fair = self.instance if self.instance.pk else None
        self.fields["kind"].choices = JobFair.Kind.choices
        self.fields["organiser"].queryset = selectors.organiser_units(
            user=user, keep=fair.organiser if fair else None
        )
        present = list(fair.employers.values_list("pk", flat=True)) if fair else []
        self.fields["employers"].queryset = selectors.active_employers(keep=present)

    def service_fields(self) -> dict[str, Any]:
        """The cleaned values as employers.services.job_fair_save takes them."""
        return self.cleaned_data | {"employers": list(self.cleaned_data["employers"])}


class FairFilterForm(forms.Form):
    """The fairs list's filters, read from the query string; a wrong value is ignored."""

    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All")), *JobFair.Kind.choices], required=False
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)

    def list_arguments(self) -> dict[str, Any]:
        self.is_valid()
        return {"kind": self.cleaned_data.get("kind") or "", "year": self.cleaned_data.get("year")}


class AttendanceUnitForm(forms.Form):
    """Narrows the soldiers offered for attendance to one unit and its sub-units."""

    unit = forms.ModelChoiceField(
        label=_("Unit (with sub-units)"), queryset=None, required=False, empty_label=_("All")
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = scope_for(user)
        if scope.ward_code is not None:
            # A commune officer's soldiers belong to many units; his scope is his commune.
            del self.fields["unit"]
            return
        self.fields["unit"].queryset = filter_units(user)
        if scope.everything:
            self.fields["unit"].empty_label = _("Choose a unit")

    def chosen_unit(self) -> Unit | None:
        return self.cleaned_data.get("unit") if self.is_valid() else None


class SoldierChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Soldier) -> str:
        born = date_format(obj.date_of_birth, "SHORT_DATE_FORMAT")
        return f"{obj.full_name} · {obj.unit.code} · {born}"


class AttendanceForm(forms.Form):
    """Soldiers who attended a fair. The queryset is those offered on the page, or, when the
    form is posted, every soldier the user may record (the service skips those already there)."""

    soldiers = SoldierChoices(
        label=_("Soldiers who attended"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, queryset: QuerySet[Soldier], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["soldiers"].queryset = queryset


# -- employers and job openings, PA04's list (employers/views/catalogue.py) --


def _model_label(model: type, field: str) -> str:
    """A form label that reads as the model's verbose name (one translation for both)."""
    return capfirst(model._meta.get_field(field).verbose_name)


def _all(choices: Any) -> list[tuple[Any, Any]]:
    return [("", _("All")), *choices]


def _province_field(label: str, *, empty: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        coerce=int,
        empty_value=None,
        required=False,
        choices=lambda: [("", empty), *province_choices()],
    )


class EmployerFilterForm(forms.Form):
    """The employers list's search and filters; a wrong value is ignored."""

    POLICE = {"yes": True, "no": False}

    q = forms.CharField(
        label=_("Name or tax code"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    ownership = forms.ChoiceField(
        label=_model_label(Employer, "ownership"),
        choices=_all(Employer.Ownership.choices),
        required=False,
    )
    police = forms.ChoiceField(
        label=_model_label(Employer, "police_enterprise"),
        choices=_all([("yes", _("Yes")), ("no", _("No"))]),
        required=False,
    )
    province = _province_field(_model_label(Employer, "province_code"), empty=_("All"))

    def list_arguments(self) -> dict[str, Any]:
        """Arguments for selectors.employer_list; a field that did not validate is left out."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "search": data.get("q") or "",
            "ownership": data.get("ownership") or "",
            "police_enterprise": self.POLICE.get(data.get("police") or ""),
            "province_code": data.get("province"),
        }


class EmployerForm(forms.ModelForm):
    """An employer of PA04's list. The tax code may be typed with spaces, dots or dashes, as on
    papers ("2700 123 456-001"); employers.services.employer_save keeps the digits and says if
    there are not 10 or 13. So the field is not in Meta.fields: the model's 13-character limit
    would otherwise refuse the typed form first, with another message."""

    tax_code = forms.CharField(
        label=_model_label(Employer, "tax_code"), max_length=30, help_text=_("10 or 13 digits.")
    )
    province_code = _province_field(
        _model_label(Employer, "province_code"), empty=_("Choose a province")
    )

    field_order = ["name", "tax_code"]

    class Meta:
        model = Employer
        fields = [
            "name",
            "address",
            "province_code",
            "sector",
            "ownership",
            "police_enterprise",
            "contact_name",
            "phone",
            "email",
            "active",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("tax_code", self.instance.tax_code)

    def validate_unique(self) -> None:
        """Left to employers.services.employer_save, which compares the normalised tax code."""

    def validate_constraints(self) -> None:
        """Left to employers.services.employer_save, which names the field at fault."""


class OpeningFilterForm(forms.Form):
    """The openings list's filters; it opens on the openings still recruiting."""

    OPEN = "open"
    ANY = "all"
    PLACES = {"home": False, "abroad": True}

    occupation = forms.ModelChoiceField(
        label=_model_label(JobOpening, "occupation"),
        queryset=Occupation.objects.order_by("name"),
        required=False,
        empty_label=_("All"),
    )
    province = _province_field(_model_label(JobOpening, "province_code"), empty=_("All"))
    place = forms.ChoiceField(
        label=_("In Viet Nam or abroad"),
        choices=_all([("home", _("In Viet Nam")), ("abroad", _("Abroad"))]),
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Recruiting"),
        choices=[(OPEN, _("Still recruiting")), (ANY, _("All"))],
        required=False,
    )
    year = forms.IntegerField(
        label=_("Year of the list"), min_value=2000, max_value=2100, required=False
    )

    def list_arguments(self) -> dict[str, Any]:
        """Arguments for selectors.opening_list; a field that did not validate is left out."""
        self.is_valid()
        data = self.cleaned_data
        occupation = data.get("occupation")
        return {
            "occupation_id": occupation.pk if occupation else None,
            "province_code": data.get("province"),
            "abroad": self.PLACES.get(data.get("place") or ""),
            "open_only": data.get("status") != self.ANY,
            "year": data.get("year"),
        }


class OpeningForm(forms.ModelForm):
    """A job opening of PA04's list. Salaries are typed as officers write them ("7.000.000")."""

    headcount = forms.IntegerField(
        label=_model_label(JobOpening, "headcount"),
        min_value=1,
        error_messages={"min_value": _("The headcount must be at least 1.")},
    )
    province_code = _province_field(
        _model_label(JobOpening, "province_code"), empty=_("Choose a province")
    )

    class Meta:
        model = JobOpening
        fields = [
            "employer",
            "title",
            "occupation",
            "headcount",
            "salary_min_vnd",
            "salary_max_vnd",
            "social_insurance",
            "province_code",
            "country",
            "open_until",
            "list_year",
            "approved",
            "active",
        ]
        localized_fields = ["salary_min_vnd", "salary_max_vnd"]
        widgets = {"open_until": DATE_WIDGET}
        help_texts = {"salary_min_vnd": MONEY_HELP, "salary_max_vnd": MONEY_HELP}
        error_messages = {
            "salary_min_vnd": {"min_value": _("A salary cannot be negative.")},
            "salary_max_vnd": {"min_value": _("A salary cannot be negative.")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        opening = self.instance if self.instance.pk else None
        if "employer" in self.fields:  # a partner's opening is his own employer's
            self.fields["employer"].queryset = selectors.active_employers(
                keep=[opening.employer_id] if opening else None
            )
            self.fields["employer"].empty_label = _("Choose an employer")
        self.fields["occupation"].queryset = survey_occupations(
            keep=opening.occupation if opening else None
        )
        self.fields["occupation"].empty_label = _("Not chosen")
        self.fields["list_year"].initial = lambda: timezone.localdate().year

    def validate_unique(self) -> None:
        """Left to employers.services.opening_save."""

    def validate_constraints(self) -> None:
        """Left to employers.services.opening_save (the salary range, the headcount)."""


# -- partners: the employer's own staff (employers/views/partner.py) --


class OpeningProposalForm(OpeningForm):
    """An opening an employer's staff adds or changes for his employer (PA04 approves it)."""

    class Meta(OpeningForm.Meta):
        # The employer is his own, and the approval PA04's.
        fields = [f for f in OpeningForm.Meta.fields if f not in ("employer", "approved", "active")]


class PartnerReferralFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Referral.Status.choices]
    )

    def arguments(self) -> dict[str, str]:
        """Arguments for employers.selectors.partner_referrals (a wrong value is ignored)."""
        self.is_valid()
        return {"status": self.cleaned_data.get("status") or ""}


class HireForm(forms.Form):
    """The employer confirms the hire of a soldier referred to it."""

    started_on = DateField(label=_("Start date"), initial=timezone.localdate)
    evidence = forms.ChoiceField(label=_("Evidence"), choices=Placement.Evidence.choices)
    salary_vnd = AmountField(label=_("Monthly salary (VND)"), required=False, help_text=MONEY_HELP)


class DeclineForm(forms.Form):
    on = DateField(label=_("Decided on"), initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), max_length=300)
