"""Forms of the training layer: they validate and normalise input; the services decide."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.db.models import Q
from django.forms.models import model_to_dict
from django.http import QueryDict
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from soldiers.forms import DateField, province_choices, ward_choices
from soldiers.models import Soldier
from soldiers.selectors import filter_units
from training.models import CareerWish, Course, Institution, Occupation, Registration
from training.selectors import (
    RECEIVED,
    open_courses,
    registrations_visible_to,
    survey_occupations,
)
from units.models import User
from units.scoping import scope_for

SURVEY_FIELDS = [
    "surveyed_on",
    "wants_training",
    "occupation",
    "preferred_institution",
    "wants_job_referral",
    "preferred_work_place",
    "stay_in_police",
    "wants_loan",
    "loan_purpose",
    "wants_grassroots_security",
    "note",
]


class CareerWishForm(forms.ModelForm):
    """The month-15 survey, opened on the soldier's current answers (a new survey date)."""

    class Meta:
        model = CareerWish
        fields = SURVEY_FIELDS
        widgets = {
            "surveyed_on": forms.DateInput(attrs={"placeholder": _("dd/mm/yyyy")}),
            "wants_training": forms.RadioSelect,
            "preferred_work_place": forms.RadioSelect,
            "stay_in_police": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, current: CareerWish | None = None, **kwargs: Any) -> None:
        if current is not None:
            answers = model_to_dict(current, fields=SURVEY_FIELDS[1:])
            kwargs.setdefault("initial", answers)
        super().__init__(*args, **kwargs)
        self.fields["surveyed_on"].initial = timezone.localdate
        self.fields["occupation"].queryset = survey_occupations(
            keep=current.occupation if current else None
        )
        # Radio buttons show no "---------": a required question has no empty answer, and the
        # optional one says in words that it was left open.
        self.fields["wants_training"].choices = CareerWish.Training.choices
        self.fields["preferred_work_place"].choices = [
            ("", _("Not stated")),
            *CareerWish.WorkPlace.choices,
        ]
        # Django's own "- Select an option -" has no Vietnamese translation.
        self.fields["occupation"].empty_label = _("Not chosen")
        self.fields["loan_purpose"].choices = [
            ("", _("Not chosen")),
            *CareerWish.LoanPurpose.choices,
        ]
        self.fields["loan_purpose"].help_text = _("Only if he wants a loan.")
        self.fields["occupation"].help_text = _("Required if he wants vocational training.")

    def validate_constraints(self) -> None:
        """Left to training.services.career_wish_record, which names the field at fault; the
        model's check constraints would report the same rules without a field."""


# -- registrations, the month-18 list, training support (training/views/registrations.py) --

AMOUNT_NOISE = re.compile(r"[.,\s]|đ|vnd", re.IGNORECASE)


class AmountField(forms.IntegerField):
    """An amount in đồng as officers type it: "5.000.000", "5 000 000 đ" or "5000000"."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        # Django's Vietnamese "Nhập một số tổng thể." reads oddly to officers.
        kwargs.setdefault(
            "error_messages", {"invalid": _("Enter the amount in đồng, for example 5.000.000.")}
        )
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = AMOUNT_NOISE.sub("", value)
        return super().to_python(value)


def _day(label: str) -> DateField:
    """A dd/mm/yyyy date that opens on today."""
    return DateField(label=label, initial=timezone.localdate)


class CourseChoiceField(forms.ModelChoiceField):
    """A course named as officers look for it: trade, institution, level and year of the list."""

    def label_from_instance(self, obj: Course) -> str:
        level = obj.get_level_display()
        return f"{obj.occupation.name} – {obj.institution.name} ({level}, {obj.list_year})"


class RegistrationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Registration) -> str:
        return f"{obj.occupation.name} ({obj.get_status_display()})"


class RegistrationForm(forms.Form):
    """Register a soldier: for a course of the list, or for a trade whose course is not known yet
    (the tracking ledger often names none; the course is chosen later)."""

    course = CourseChoiceField(
        label=_("Course"),
        queryset=Course.objects.none(),
        required=False,
        empty_label=_("Not known yet"),
        help_text=_("Approved courses of this year's and last year's lists."),
    )
    occupation = forms.ModelChoiceField(
        label=_("Occupation"),
        queryset=Occupation.objects.none(),
        required=False,
        empty_label=_("Not chosen"),
        help_text=_("Only when the course is not known yet."),
    )
    on = _day(_("Registered on"))

    def __init__(self, *args: Any, on: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = open_courses(on=on)
        self.fields["occupation"].queryset = Occupation.objects.filter(active=True).order_by("name")


class RegistrationCourseForm(forms.Form):
    course = CourseChoiceField(label=_("Course"), queryset=Course.objects.none())

    def __init__(self, *args: Any, on: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = open_courses(on=on)


class EnrolForm(forms.Form):
    on = _day(_("Enrolled on"))


class CompleteForm(forms.Form):
    on = _day(_("Completed on"))
    certificate_number = forms.CharField(
        label=_("Certificate number"), max_length=50, required=False
    )


class WithdrawForm(forms.Form):
    on = _day(_("Withdrawn on"))
    reason = forms.CharField(label=_("Reason for withdrawal"), max_length=300)


class SendFilterForm(forms.Form):
    """The send page's filters, read from the query string; a wrong value is ignored."""

    unit = forms.ModelChoiceField(
        label=_("Unit (with sub-units)"), queryset=None, required=False, empty_label=_("All")
    )
    institution = forms.ModelChoiceField(
        label=_("Training institution"),
        queryset=Institution.objects.order_by("name"),
        required=False,
        empty_label=_("All"),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if scope_for(user).ward_code is not None:
            # A commune officer's soldiers belong to many units; his scope is his commune.
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = filter_units(user)

    def arguments(self) -> dict[str, int | None]:
        """Arguments for training.selectors.registrations_to_send."""
        self.is_valid()
        unit, institution = self.cleaned_data.get("unit"), self.cleaned_data.get("institution")
        return {
            "unit_id": unit.pk if unit else None,
            "institution_id": institution.pk if institution else None,
        }


class SendForm(forms.Form):
    """The registrations ticked on the send page (rendered as the table's checkboxes)."""

    registrations = forms.ModelMultipleChoiceField(
        queryset=Registration.objects.none(),
        error_messages={"required": _("Select at least one soldier.")},
    )
    on = _day(_("Sent on"))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any status in scope: the service names a registration someone else has just sent.
        self.fields["registrations"].queryset = registrations_visible_to(user).select_related(
            "soldier__unit", "occupation", "course__institution"
        )


def _registration_field(soldier: Soldier) -> RegistrationChoiceField:
    return RegistrationChoiceField(
        label=_("For the registration"),
        queryset=soldier.registrations.exclude(status=Registration.Status.WITHDRAWN)
        .select_related("occupation")
        .order_by("-wished_on", "-pk"),
        required=False,
        empty_label=_("Not linked"),
    )


class CardIssueForm(forms.Form):
    """A vocational training card (Decree 61/2015): the value and validity follow from the
    issue date, so the officer types only the number and the date."""

    card_number = forms.CharField(label=_("Card number"), max_length=50)
    issued_on = _day(_("Issued on"))

    def __init__(self, *args: Any, soldier: Soldier, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["registration"] = _registration_field(soldier)


class CardSettleForm(forms.Form):
    on = _day(_("Settled on"))
    amount_vnd = AmountField(label=_("Amount settled (đ)"))


class CommuneApplicationForm(forms.Form):
    """An application at the commune People's Committee (Decree 338/2025)."""

    applied_on = _day(_("Applied on"))

    def __init__(self, *args: Any, soldier: Soldier, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["registration"] = _registration_field(soldier)


class DecisionForm(forms.Form):
    decided_on = _day(_("Decided on"))
    amount_vnd = AmountField(label=_("Amount granted (đ)"))


# -- institutions and courses, PA03's list (training/views/catalogue.py) --


def _model_label(model: type, field: str) -> str:
    """A form label that reads as the model's verbose name (one translation for both)."""
    return capfirst(model._meta.get_field(field).verbose_name)


def _all(choices: Any) -> list[tuple[Any, Any]]:
    return [("", _("All")), *choices]


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class YearForm(forms.Form):
    """The year of a province list, from the query string; this year when absent or wrong."""

    year = forms.IntegerField(
        label=_("Year of the list"), min_value=2000, max_value=2100, required=False
    )

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        # The filters open on this year's list, shown filled in, as if the user had chosen it.
        data = data.copy() if data is not None else QueryDict(mutable=True)
        if not data.get("year"):
            data["year"] = str(timezone.localdate().year)
        super().__init__(data, **kwargs)

    def chosen_year(self) -> int:
        self.is_valid()
        return self.cleaned_data.get("year") or timezone.localdate().year


class InstitutionFilterForm(forms.Form):
    """The institutions list's search and filters; a wrong value is ignored."""

    q = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    affiliation = forms.ChoiceField(
        label=_model_label(Institution, "affiliation"),
        choices=_all(Institution.Affiliation.choices),
        required=False,
    )
    ownership = forms.ChoiceField(
        label=_model_label(Institution, "ownership"),
        choices=_all(Institution.Ownership.choices),
        required=False,
    )
    province = forms.TypedChoiceField(
        label=_model_label(Institution, "province_code"),
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = _all(province_choices())

    def list_arguments(self) -> dict[str, Any]:
        """Arguments for selectors.institution_list; a field that did not validate is left out."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "search": data.get("q") or "",
            "affiliation": data.get("affiliation") or "",
            "ownership": data.get("ownership") or "",
            "province_code": data.get("province"),
        }


class InstitutionForm(forms.ModelForm):
    """An institution of PA03's list. The commune list follows the province chosen."""

    province_code = forms.TypedChoiceField(
        label=_model_label(Institution, "province_code"), coerce=int
    )
    ward_code = forms.TypedChoiceField(
        label=_model_label(Institution, "ward_code"),
        coerce=int,
        empty_value=None,
        required=False,
    )

    class Meta:
        model = Institution
        fields = [
            "name",
            "address",
            "province_code",
            "ward_code",
            "affiliation",
            "ownership",
            "contact_name",
            "phone",
            "email",
            "active",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        province = self.fields["province_code"]
        province.choices = [("", _("Choose a province")), *province_choices()]
        # static/js/ward_select.js refills the ward list from this address on a change.
        province.widget.attrs.update(
            {"data-wards-url": reverse_lazy("soldiers:wards"), "data-ward-select": "ward"}
        )
        ward = self.fields["ward_code"]
        ward.choices = [("", _("Choose a commune or ward")), *ward_choices(self._province())]
        ward.widget.attrs.update({"data-ward-list": "ward"})

    def _province(self) -> int | None:
        """The province the ward list belongs to: the one posted, else the one on file."""
        if self.is_bound:
            return _int_or_none(self.data.get(self.add_prefix("province_code")))
        return self.instance.province_code

    def validate_unique(self) -> None:
        """Left to training.services.institution_save, which says it in the list's words."""

    def validate_constraints(self) -> None:
        """Left to training.services.institution_save."""


class CourseForm(forms.ModelForm):
    """A course of PA03's list. Amounts are typed as officers write them ("6.000.000")."""

    tuition_vnd = AmountField(
        label=_model_label(Course, "tuition_vnd"),
        localize=True,
        error_messages={"min_value": _("Tuition must not be negative.")},
    )
    support_vnd = AmountField(
        label=_model_label(Course, "support_vnd"),
        localize=True,
        initial=0,
        error_messages={"min_value": _("The support level must not be negative.")},
    )

    class Meta:
        model = Course
        fields = [
            "institution",
            "occupation",
            "level",
            "duration_months",
            "tuition_vnd",
            "support_vnd",
            "seats",
            "list_year",
            "approved",
            "active",
        ]
        # "1,5" months, as written in Vietnamese.
        localized_fields = ["duration_months"]
        help_texts = {"duration_months": _("In months, for example 3 or 1,5.")}
        error_messages = {"seats": {"min_value": _("The number of seats cannot be negative.")}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only open choices, plus what the course names today (kept if since taken off).
        course = self.instance
        if "institution" in self.fields:  # a partner's proposal is for his own institution
            keep_institution = Q(pk=course.institution_id) if course.pk else Q(pk__in=[])
            self.fields["institution"].queryset = Institution.objects.filter(
                Q(active=True) | keep_institution
            ).order_by("name")
            self.fields["institution"].empty_label = _("Choose an institution")
        self.fields["occupation"].queryset = survey_occupations(
            keep=course.occupation if course.pk else None
        )
        self.fields["occupation"].empty_label = _("Choose an occupation")
        self.fields["level"].choices = [("", _("Choose a level")), *Course.Level.choices]
        self.fields["list_year"].initial = lambda: timezone.localdate().year

    def validate_unique(self) -> None:
        """Left to training.services.course_save (one course per institution, occupation, level
        and year), so that the message is said once."""

    def validate_constraints(self) -> None:
        """Left to training.services.course_save, which names the field at fault."""


class CourseFilterForm(YearForm):
    """The courses list's filters; it opens on this year's list."""

    occupation = forms.ModelChoiceField(
        label=_model_label(Course, "occupation"),
        queryset=Occupation.objects.order_by("name"),
        required=False,
        empty_label=_("All"),
    )
    level = forms.ChoiceField(
        label=_model_label(Course, "level"), choices=_all(Course.Level.choices), required=False
    )
    province = forms.TypedChoiceField(
        label=_("Province of the institution"), coerce=int, empty_value=None, required=False
    )
    seats = forms.BooleanField(label=_("Still has seats"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = _all(province_choices())

    def list_arguments(self) -> dict[str, Any]:
        """Arguments for selectors.course_list; a field that did not validate is left out."""
        year = self.chosen_year()
        data = self.cleaned_data
        occupation = data.get("occupation")
        return {
            "year": year,
            "occupation_id": occupation.pk if occupation else None,
            "level": data.get("level") or "",
            "province_code": data.get("province"),
            "with_seats_left": bool(data.get("seats")),
        }


# -- partners: accounts of an institution's staff, and their own pages (views/partner.py) --


class PartnerInviteForm(forms.Form):
    """A partner account (an institution's or an employer's staff): the invitation to choose a
    password goes to the e-mail address."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_("Letters, digits and . @ + - _ only, for example nguyenvana.cdcg."),
    )
    email = forms.EmailField(label=_("E-mail"))


class PartnerRegistrationFilterForm(forms.Form):
    """The institution's registrations: a name, a status, a course (wrong values are ignored)."""

    search = forms.CharField(label=_("Name"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False)
    course = forms.ModelChoiceField(
        label=_("Course"), queryset=Course.objects.none(), required=False, empty_label=_("All")
    )

    def __init__(self, *args: Any, institution: Institution, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        statuses = [(s.value, s.label) for s in RECEIVED]
        self.fields["status"].choices = _all(statuses)
        self.fields["course"].queryset = institution.courses.select_related("occupation").order_by(
            "-list_year", "occupation__name", "level", "pk"
        )
        self.fields["course"].label_from_instance = lambda course: (
            f"{course.occupation.name} ({course.get_level_display()}, {course.list_year})"
        )

    def arguments(self) -> dict[str, Any]:
        """Arguments for training.selectors.partner_registrations."""
        self.is_valid()
        data = self.cleaned_data
        course = data.get("course")
        return {
            "search": data.get("search") or "",
            "status": data.get("status") or "",
            "course_id": course.pk if course else None,
        }


class CourseProposalForm(CourseForm):
    """A course an institution's staff proposes for his institution (PA03 approves it)."""

    class Meta(CourseForm.Meta):
        # The institution is his own, and the approval PA03's.
        fields = [
            f for f in CourseForm.Meta.fields if f not in ("institution", "approved", "active")
        ]
