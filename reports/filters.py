"""The query-string filters of the dashboards, the drill-down and the Excel summary."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.targets import FIGURES

FIRST_YEAR = 2000
LAST_YEAR = 2100


class PeriodForm(forms.Form):
    """Which cohort year, and as of which day (default: this year, today). An invalid value falls
    back to its default, so a mistyped address still shows a page."""

    year = forms.IntegerField(
        label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False
    )
    as_of = forms.DateField(label=_("As of"), required=False)

    def period(self) -> tuple[int, dt.date]:
        today = timezone.localdate()
        self.is_valid()  # cleaned_data keeps the fields that were valid
        data = self.cleaned_data
        return data.get("year") or today.year, data.get("as_of") or today


class DrilldownForm(PeriodForm):
    unit = forms.IntegerField(required=False, min_value=1)
    figure = forms.ChoiceField(choices=[(f, f) for f in FIGURES], required=False)
