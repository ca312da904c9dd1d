"""Forms of the unit reports pages: they validate and normalise; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.models import AnonymisationBatch, AnonymisationCandidate
from reports.selectors import FIRST_YEAR, LAST_YEAR


class ReportYearForm(forms.Form):
    """The year of the deadlines shown (?year=), this year when absent or wrong."""

    year = forms.IntegerField(
        label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False
    )

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        # The form opens filled with this year, as if the user had chosen it.
        data = data.copy() if data is not None else QueryDict(mutable=True)
        if not data.get("year"):
            data["year"] = str(timezone.localdate().year)
        super().__init__(data, **kwargs)

    def chosen_year(self) -> int:
        self.is_valid()
        return self.cleaned_data.get("year") or timezone.localdate().year


class SubmitForm(forms.Form):
    note = forms.CharField(
        label=_("Note to PX01"), required=False, max_length=2000, widget=forms.Textarea({"rows": 3})
    )
    # The service checks the type by name and content, and the size (reports.submissions).
    attachment = forms.FileField(
        label=_("Attached file"),
        required=False,
        help_text=_("Optional: PDF, Word (.docx) or Excel (.xlsx), at most 10 MB."),
        widget=forms.FileInput({"accept": ".pdf,.docx,.xlsx"}),
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for return"), max_length=2000, widget=forms.Textarea({"rows": 3})
    )


# -- PX01's anonymisation batches (reports/views/privacy.py) --


class BatchApproveForm(forms.Form):
    """Approving a batch cannot be undone: PX01 ticks that he has checked the list."""

    batch = forms.ModelChoiceField(
        queryset=AnonymisationBatch.objects.filter(status=AnonymisationBatch.Status.PENDING),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("This batch is no longer awaiting approval.")},
    )
    confirm = forms.BooleanField(
        label=_(
            "I have checked the list: anonymise the soldiers left in it. This cannot be undone."
        ),
        error_messages={"required": _("Tick the box to confirm that you have checked the list.")},
    )


class CandidateDropForm(forms.Form):
    candidate = forms.ModelChoiceField(
        queryset=AnonymisationCandidate.objects.filter(
            batch__status=AnonymisationBatch.Status.PENDING, dropped_at=None
        ).select_related("soldier"),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("He is no longer in a batch awaiting approval.")},
    )
