"""Template filters of the reports pages."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from reports.charts import percent_text

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """A rate as Vietnamese write it (62,5%); a rate without data says so, never 0%."""
    return _("no data") if value is None else percent_text(value)
