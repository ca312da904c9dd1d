"""The dashboards (the province for headquarters and leaders, a unit for its officer) and the
drill-down to the soldiers behind any of their numbers. Read-only pages: every number comes from
reports.targets through reports.dashboards, each page in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from employers.matching import OccupationGap, occupation_gaps
from reports import dashboards, summary
from reports.charts import Series, Target, bar_chart, line_chart
from reports.deadlines import timeliness_matrix, upcoming
from reports.filters import DrilldownForm, PeriodForm
from reports.targets import TARGETS, Figures, figures, figures_with_units
from soldiers.selectors import can_use_worklist
from units.models import User

DRILLDOWN_PAGE_SIZE = 50
UPCOMING_DAYS = 60
CHART_OCCUPATIONS = 12  # the chart shows the widest gaps; the table under it shows them all


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    kind = dashboards.dashboard_kind(request.user)
    if kind is None:
        raise PermissionDenied
    year, as_of = PeriodForm(request.GET).period()
    sort = dashboards.unit_sort(request.GET.get("sort", ""))
    context = {
        # The form shows the year and day the page is about (defaults filled in).
        "period": PeriodForm(initial={"year": year, "as_of": as_of}),
        "year": year,
        "as_of": as_of,
        "sort": sort,
        "drill_query": urlencode({"year": year, "as_of": as_of.isoformat()}),
        "may_download": summary.may_download(request.user),
    }
    if kind == dashboards.PROVINCE:
        context |= _province(request.user, year, as_of, sort)
        return render(request, "reports/dashboard_province.html", context)
    context |= _unit(request.user, year, as_of, sort)
    return render(request, "reports/dashboard_unit.html", context)


def _province(user: User, year: int, as_of: dt.date, sort: str) -> dict[str, object]:
    obligations, matrix = timeliness_matrix(year=year)
    gaps = occupation_gaps(year=year)
    trend = dashboards.monthly_trend(year=year)
    units = dashboards.managing_units(user)
    province, by_unit = figures_with_units(year=year, as_of=as_of, units=units)
    return {
        "indicators": dashboards.indicators(province),
        "rows": dashboards.unit_rows(
            year=year, as_of=as_of, units=units, sort=sort, by_unit=by_unit
        ),
        "tallies": dashboards.deadline_tallies(obligations, matrix, year=year),
        "upcoming": upcoming(days=UPCOMING_DAYS),
        "gaps": gaps,
        "gap_chart": _gap_chart(gaps),
        "trend": trend,
        "trend_chart": _trend_chart(trend),
    }


def _unit(user: User, year: int, as_of: dt.date, sort: str) -> dict[str, object]:
    unit = dashboards.dashboard_unit(user, None)
    trend = dashboards.monthly_trend(year=year, unit=unit)
    on = timezone.localdate()
    return {
        "unit": unit,
        "indicators": dashboards.indicators(figures(year=year, as_of=as_of, unit=unit)),
        "rows": dashboards.unit_rows(
            year=year, as_of=as_of, units=dashboards.managing_units(user), sort=sort
        ),
        "work": dashboards.worklist_counts(user, on=on) if can_use_worklist(user) else [],
        "due": dashboards.due_reports(user, year=year, on=on),
        "trend": trend,
        "trend_chart": _trend_chart(trend),
    }


def _gap_chart(gaps: list[OccupationGap]) -> str:
    shown = gaps[:CHART_OCCUPATIONS]
    return bar_chart(
        title=_("Training needs by occupation against course seats and job places"),
        categories=[gap.occupation.name for gap in shown],
        series=[
            Series(_("Soldiers wishing to learn it"), [gap.wishing for gap in shown]),
            Series(_("Course seats"), [gap.seats for gap in shown]),
            Series(_("Open job places"), [gap.openings for gap in shown]),
        ],
    )


def _trend_chart(trend: list[Figures]) -> str:
    return line_chart(
        title=_("The three figures month by month"),
        labels=[point.as_of.strftime("%m/%Y") for point in trend],
        series=[
            Series(_("Given counselling"), [p.counselled_rate for p in trend]),
            Series(_("Trained in a trade"), [p.trained_rate for p in trend]),
            Series(_("Has a job after training"), [p.employed_rate for p in trend]),
        ],
        targets=[
            Target(_("Counselling target"), TARGETS["counselled"]),
            Target(_("Training target"), TARGETS["trained"]),
            Target(_("Employment target"), TARGETS["employed"]),
        ],
        percent=True,
    )


@require_GET
def drilldown(request: HttpRequest) -> HttpResponse:
    """The soldiers behind one number of a dashboard; a unit outside the user's scope is a 404."""
    if dashboards.dashboard_kind(request.user) is None:
        raise PermissionDenied
    form = DrilldownForm(request.GET)
    if not form.is_valid():
        raise Http404(_("No such list."))
    year, as_of = form.period()
    unit = dashboards.dashboard_unit(request.user, form.cleaned_data["unit"])
    figure = form.cleaned_data["figure"] or "cohort"
    soldiers = dashboards.drilldown(request.user, year=year, as_of=as_of, unit=unit, figure=figure)
    page = Paginator(soldiers, DRILLDOWN_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "year": year,
        "as_of": as_of,
        "unit": unit,
        "figure": figure,
        "title": dashboards.FIGURE_LABELS[figure],
    }
    return render(request, "reports/drilldown.html", context)
