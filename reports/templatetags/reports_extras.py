"""Template filters and tags of the reports pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.context import Context
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from reports.charts import percent_text

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """A rate as Vietnamese write it (62,5%); a rate without data says so, never 0%."""
    return _("no data") if value is None else percent_text(value)


# The dashboards draw a drill-down link and a rate in every cell of a table of hundreds of units:
# tags, not template includes, keep that table cheap (DESIGN.md §10).


@register.simple_tag(takes_context=True)
def drill(context: Context, number: int, figure: str, unit: Any = None) -> SafeString:
    """The number as a link to the soldiers behind it (reports:drilldown), for the period in the
    context's `drill_query`, of one unit (with its sub-units) or of everyone in scope."""
    base = context.render_context.get("drill_base")
    if base is None:  # once per page: the address and the period, escaped
        base = escape(f"{reverse('reports:drilldown')}?{context['drill_query']}&figure=")
        context.render_context["drill_base"] = base
    shown = localize(number) if number >= 1000 else number  # 1.234; smaller ones as they are
    figure = escape(figure)
    if not unit:  # none given, or the province page's missing `unit`
        html = f'<a href="{base}{figure}" data-testid="drill-{figure}">{shown}</a>'
    else:
        code = escape(unit.code)
        html = (
            f'<a href="{base}{figure}&amp;unit={unit.pk}" data-testid="drill-{figure}-{code}">'
            f"{shown}</a>"
        )
    return mark_safe(html)  # noqa: S308 - every part above is escaped or a number


@register.simple_tag
def rate(value: float | None, met: bool | None) -> SafeString:
    """A rate coloured by its target: green met, red bold not met, grey without data."""
    text = escape(percent(value))
    if met is None:
        return mark_safe(f'<span class="text-muted">{text}</span>')  # noqa: S308 - escaped
    if met:
        title = escape(_("Target met"))
        return mark_safe(f'<span class="text-success" title="{title}">{text}</span>')  # noqa: S308
    title = escape(_("Target not met"))
    return mark_safe(f'<span class="text-danger fw-semibold" title="{title}">{text}</span>')  # noqa: S308
