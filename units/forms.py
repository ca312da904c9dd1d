"""Forms of the units pages: they validate and normalise; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from units.models import AuditEvent

# A citizen ID (CCCD) has 12 digits (DESIGN.md §8); a shorter number is a soldier's id.
CITIZEN_ID_DIGITS = 12


class InvitationPasswordForm(forms.Form):
    """The password a partner chooses when he follows his invitation. The service applies
    Django's password rules; the form only checks that both entries agree."""

    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password1") and data.get("password2") != data["password1"]:
            self.add_error("password2", _("The two passwords do not match."))
        return data


class AuditFilterForm(forms.Form):
    """The audit page's filters, read from the query string. A soldier is given by his number
    in the application or his 12-digit citizen ID."""

    account = forms.CharField(label=_("Account (user name)"), required=False, max_length=150)
    soldier = forms.CharField(
        label=_("Soldier"),
        required=False,
        max_length=12,
        help_text=_("His number in the application, or his 12-digit citizen ID."),
    )
    kind = forms.ChoiceField(
        label=_("Kind of event"),
        required=False,
        choices=[("", _("All")), *AuditEvent.Kind.choices],
    )
    start = forms.DateField(label=_("From"), required=False)
    end = forms.DateField(label=_("To"), required=False)

    def clean_soldier(self) -> tuple[str, str] | None:
        value = self.cleaned_data["soldier"].strip()
        if not value:
            return None
        if not value.isdigit():
            raise ValidationError(_("Enter a soldier's number or a 12-digit citizen ID."))
        return ("citizen_id", value) if len(value) == CITIZEN_ID_DIGITS else ("id", value)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date is before the start date."))
        return data

    def used_filters(self) -> dict[str, Any]:
        """The filters given, as the audit log keeps them for the export of the log itself."""
        data = getattr(self, "cleaned_data", {})
        return {name: value for name, value in data.items() if value}

    def selector_arguments(self) -> dict[str, Any]:
        """The filters for units.selectors.audit_events (the form must be valid)."""
        data = self.cleaned_data
        return {
            "account": data["account"].strip(),
            "soldier": data["soldier"],
            "kind": data["kind"],
            "start": data["start"],
            "end": data["end"],
        }
