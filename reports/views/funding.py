"""PH10's funding forecast: the page (by regime, institution, occupation and unit) and the
workbooks "Dự toán kinh phí" for the province and for one institution. Read-only, for those who
read the province (reports.funding.may_view); every number comes from reports.funding."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from reports import funding, funding_sheet
from reports.filters import PeriodForm
from training.selectors import NoBaseSalary
from units.spreadsheets import xlsx_export


def _period(request: HttpRequest) -> tuple[int, dt.date]:
    """The cohort year and the day; PH10 budgets a year ahead, so the year defaults to the next."""
    form = PeriodForm(request.GET)
    year, as_of = form.period()
    if form.cleaned_data.get("year") is None:
        year = as_of.year + 1
    return year, as_of


def _query(year: int, as_of: dt.date) -> str:
    return urlencode({"year": year, "as_of": as_of.isoformat()})


def _back_to_page(year: int, as_of: dt.date) -> HttpResponse:
    """A workbook that cannot be made: the page says which day has no base salary."""
    return redirect(f"{reverse('reports:funding')}?{_query(year, as_of)}")


@require_GET
def funding_page(request: HttpRequest) -> HttpResponse:
    if not funding.may_view(request.user):
        raise PermissionDenied
    year, as_of = _period(request)
    context = {
        "period": PeriodForm(initial={"year": year, "as_of": as_of}),
        "year": year,
        "as_of": as_of,
        "query": _query(year, as_of),
    }
    try:
        context["forecast"] = funding.forecast(year=year, as_of=as_of)
    except NoBaseSalary as error:
        context["error"] = str(error)
    return render(request, "reports/funding.html", context)


@require_GET
def funding_xlsx(request: HttpRequest) -> HttpResponse:
    if not funding.may_view(request.user):
        raise PermissionDenied
    year, as_of = _period(request)
    try:
        result = funding.forecast(year=year, as_of=as_of)
    except NoBaseSalary:
        return _back_to_page(year, as_of)
    return xlsx_export(
        request,
        funding_sheet.file_name(year),
        [funding_sheet.sheet(result)],
        summary=_("Funding estimate %(year)s") % {"year": year},
        filters={"year": year, "as_of": as_of},
    )


@require_GET
def funding_institution_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    if not funding.may_view(request.user):
        raise PermissionDenied
    year, as_of = _period(request)
    institution = funding_sheet.institution_get(pk)
    try:
        result = funding.forecast(year=year, as_of=as_of)
    except NoBaseSalary:
        return _back_to_page(year, as_of)
    return xlsx_export(
        request,
        funding_sheet.file_name(year, institution),
        [funding_sheet.sheet(result, institution)],
        summary=_("Funding estimate %(year)s for %(institution)s")
        % {"year": year, "institution": institution.name},
        filters={"year": year, "as_of": as_of, "institution": institution.pk},
    )
