"""Forms of the account pages (two-factor sign-in, sessions, account roll-out): they validate
and normalise; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from units import account_import
from units.models import User
from units.xlsx_reader import ImportRefused, Upload


def _code_field(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


class CodeForm(forms.Form):
    """The second step of signing in."""

    code = _code_field(
        _("Sign-in code"),
        _("The 6-digit code the authenticator app shows now, or one of your recovery codes."),
    )


class EnrolmentForm(forms.Form):
    """The first code from the app, which proves it holds the key."""

    code = _code_field(_("Code from the app"), _("The 6 digits the app shows for this account."))


class TwoFactorResetForm(forms.Form):
    """An administrator picks the account whose second factor is removed, and says why."""

    account = forms.ModelChoiceField(label=_("Account"), queryset=User.objects.none())
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("For example: phone lost on 02/12, confirmed by phone with the officer."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, manager: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = resettable_accounts(manager)
        self.fields["account"].label_from_instance = _account_label

    def clean_reason(self) -> str:
        return " ".join(self.cleaned_data["reason"].split())


def resettable_accounts(manager: User) -> QuerySet[User]:
    """Active accounts with a second factor that `manager` may reset: never his own (a second
    person confirms), and a superuser's only by a superuser."""
    accounts = (
        User.objects.filter(
            is_active=True, pk__in=TOTPDevice.objects.filter(confirmed=True).values("user")
        )
        .exclude(pk=manager.pk)
        .select_related("unit")
        .order_by("username")
    )
    return accounts if manager.is_superuser else accounts.filter(is_superuser=False)


def _account_label(account: User) -> str:
    unit = f" · {account.unit.code}" if account.unit_id else ""
    return f"{account.username} – {account.get_full_name()}{unit}"


class AccountImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file"),
        help_text=_("The template filled in, saved as .xlsx."),
        widget=forms.FileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self) -> Upload:
        try:
            return account_import.check_upload(self.cleaned_data["file"])
        except ImportRefused as refusal:
            raise ValidationError(str(refusal), code="refused") from refusal
