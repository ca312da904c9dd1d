"""Template filters and tags of the reports pages."""

from __future__ import annotations

from html import escape  # Django's lazy-aware wrapper costs more than the escaping here
from typing import Any, NamedTuple

from django import template
from django.template.context import Context
from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from reports.charts import percent_text
from reports.dashboards import UnitRow

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """A rate as Vietnamese write it (62,5%); a rate without data says so, never 0%."""
    return _("no data") if value is None else percent_text(value)


# The dashboards draw a drill-down link and a rate in every cell of a table of hundreds of units:
# tags that build the HTML, not template includes, keep that table cheap (DESIGN.md §10: the
# table of 816 units took 220 ms to render through includes).


class _Page(NamedTuple):
    """Worked out once per page, escaped: the drill-down address with the page's period, up to
    the figure's value; the titles of a met and of a missed target."""

    drill: str
    met: str
    missed: str


def _page(context: Context) -> _Page:
    page = context.render_context.get("dashboard_page")
    if page is None:
        base = f"{reverse('reports:drilldown')}?{context['drill_query']}&figure="
        page = _Page(escape(base), escape(_("Target met")), escape(_("Target not met")))
        context.render_context["dashboard_page"] = page
    return page


def _drill(base: str, number: int, figure: str, unit: Any) -> str:
    shown = localize(number) if number >= 1000 else number  # 1.234; smaller ones as they are
    figure = escape(figure)
    if not unit:  # none given, or the province page's missing `unit`
        return f'<a href="{base}{figure}" data-testid="drill-{figure}">{shown}</a>'
    code = escape(unit.code)
    return (
        f'<a href="{base}{figure}&amp;unit={unit.pk}" data-testid="drill-{figure}-{code}">'
        f"{shown}</a>"
    )


def _rate(value: float | None, met: bool | None, page: _Page) -> str:
    text = escape(percent(value))
    if met is None:
        return f'<span class="text-muted">{text}</span>'
    if met:
        return f'<span class="text-success" title="{page.met}">{text}</span>'
    return f'<span class="text-danger fw-semibold" title="{page.missed}">{text}</span>'


@register.simple_tag(takes_context=True)
def drill(context: Context, number: int, figure: str, unit: Any = None) -> SafeString:
    """The number as a link to the soldiers behind it (reports:drilldown), for the period in the
    context's `drill_query`, of one unit (with its sub-units) or of everyone in scope."""
    return mark_safe(_drill(_page(context).drill, number, figure, unit))  # noqa: S308 - escaped


@register.simple_tag(takes_context=True)
def unit_row(context: Context, row: UnitRow) -> SafeString:
    """One row of the dashboards' table by unit: the unit, indented by its depth, then each
    figure as its drill-down link and each rate coloured by its target."""
    page, f, u = _page(context), row.figures, row.unit
    base = page.drill
    meets = f.meets
    cells = [
        _drill(base, f.cohort, "cohort", u),
        _drill(base, f.counselled, "counselled", u),
        _rate(f.counselled_rate, meets["counselled"], page),
        _drill(base, f.need_training, "need_training", u),
        _drill(base, f.trained, "trained", u),
        _rate(f.trained_rate, meets["trained"], page),
        _drill(base, f.employed_after_training, "employed_after_training", u),
        _rate(f.employed_rate, meets["employed"], page),
    ]
    html = (
        f'<tr data-testid="unit-row"><td class="tree-indent-{row.indent}">'
        f'<span class="fw-semibold">{escape(u.code)}</span> '
        f'<span class="text-muted small">{escape(u.name)}</span></td>'
        + "".join(f'<td class="num">{cell}</td>' for cell in cells)
        + "</tr>"
    )
    return mark_safe(html)  # noqa: S308 - every part is escaped or a number
