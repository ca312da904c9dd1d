"""The dashboards' drill-down links and table by unit (reports.templatetags.reports_extras)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.template import Context, Template
from django.utils import translation

from reports.dashboards import UnitRow
from reports.targets import Figures

QUERY = "year=2026&as_of=2026-12-01"
DRILL = "/reports/dashboard/soldiers/?year=2026&amp;as_of=2026-12-01&amp;figure="


def render(template: str, **context: object) -> str:
    with translation.override("vi"):
        return Template("{% load reports_extras %}" + template).render(
            Context({"drill_query": QUERY, **context})
        )


def test_a_drill_link_carries_the_period_figure_and_unit_escaped_with_a_grouped_number() -> None:
    unit = SimpleNamespace(pk=12, code='P"<x>')

    html = render(
        "{% drill number 'trained' unit %}|{% drill 7 'cohort' %}", number=12345, unit=unit
    )

    assert html.split("|") == [
        f'<a href="{DRILL}trained&amp;unit=12" data-testid="drill-trained-P&quot;&lt;x&gt;">'
        "12.345</a>",
        f'<a href="{DRILL}cohort" data-testid="drill-cohort">7</a>',
    ]


def test_a_unit_row_links_every_count_and_colours_each_rate_by_its_target() -> None:
    unit = SimpleNamespace(pk=5, code="PK02", name="Phòng <Cảnh sát>")
    # 10 discharged, all counselled (met); 4 need training, 2 trained (50%: not met); none
    # employed of the 4 (0%: not met).
    figures = Figures(2026, dt.date(2026, 12, 1), "PK02", 10, 10, 4, 2, 0)
    no_data = Figures(2026, dt.date(2026, 12, 1), "PK02", 0, 0, 0, 0, 0)

    row = render("{% unit_row row %}", row=UnitRow(unit, figures, level=6))
    empty = render("{% unit_row row %}", row=UnitRow(unit, no_data))

    def link(figure: str, number: int) -> str:
        return (
            f'<a href="{DRILL}{figure}&amp;unit=5" data-testid="drill-{figure}-PK02">{number}</a>'
        )

    assert row == (
        '<tr data-testid="unit-row"><td class="tree-indent-4"><span class="fw-semibold">PK02</span>'
        ' <span class="text-muted small">Phòng &lt;Cảnh sát&gt;</span></td>'
        f'<td class="num">{link("cohort", 10)}</td>'
        f'<td class="num">{link("counselled", 10)}</td>'
        '<td class="num"><span class="text-success" title="Đạt">100%</span></td>'
        f'<td class="num">{link("need_training", 4)}</td>'
        f'<td class="num">{link("trained", 2)}</td>'
        '<td class="num"><span class="text-danger fw-semibold" title="Chưa đạt">50%</span></td>'
        f'<td class="num">{link("employed_after_training", 0)}</td>'
        '<td class="num"><span class="text-danger fw-semibold" title="Chưa đạt">0%</span></td>'
        "</tr>"
    )
    assert empty.count('<span class="text-muted">chưa có dữ liệu</span>') == 3
    assert 'class="tree-indent-0"' in empty
