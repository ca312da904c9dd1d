"""The dashboards' drill-down links and coloured rates (reports.templatetags.reports_extras)."""

from __future__ import annotations

from types import SimpleNamespace

from django.template import Context, Template
from django.utils import translation

TEMPLATE = Template(
    "{% load reports_extras %}{% drill number figure unit %}|{% drill 7 'cohort' %}|{% rate r m %}"
)


def render(**context: object) -> str:
    with translation.override("vi"):
        return TEMPLATE.render(Context({"drill_query": "year=2026&as_of=2026-12-01", **context}))


def test_a_drill_link_carries_the_period_figure_and_unit_escaped_with_a_grouped_number() -> None:
    unit = SimpleNamespace(pk=12, code='P"<x>')

    html = render(number=12345, figure="trained", unit=unit, r=None, m=None)

    link, province, _rate = html.split("|")
    assert link == (
        '<a href="/reports/dashboard/soldiers/?year=2026&amp;as_of=2026-12-01&amp;figure=trained'
        '&amp;unit=12" data-testid="drill-trained-P&quot;&lt;x&gt;">12.345</a>'
    )
    assert province == (
        '<a href="/reports/dashboard/soldiers/?year=2026&amp;as_of=2026-12-01&amp;figure=cohort"'
        ' data-testid="drill-cohort">7</a>'
    )


def test_a_rate_is_green_when_met_red_when_not_and_grey_without_data() -> None:
    def shown(rate: float | None, met: bool | None) -> str:
        return render(number=1, figure="cohort", unit=None, r=rate, m=met).split("|")[2]

    assert shown(0.625, True) == '<span class="text-success" title="Đạt">62,5%</span>'
    assert shown(0.5, False) == (
        '<span class="text-danger fw-semibold" title="Chưa đạt">50%</span>'
    )
    assert shown(None, None) == '<span class="text-muted">chưa có dữ liệu</span>'
