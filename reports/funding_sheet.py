"""The workbook "Dự toán kinh phí": the forecast of reports.funding for the province, or kept to
one institution, as one sheet that units.spreadsheets writes (a block of totals above one row
per soldier, citizen IDs masked)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from reports.funding import Forecast, Regime, basis_label
from training.models import Course, Institution
from units.spreadsheets import AMOUNT_FORMAT, Column, Sheet


def institution_get(pk: int) -> Institution:
    """Any institution: the forecast names soldiers of the whole province, and only those who
    may read the province's forecast reach this."""
    return get_object_or_404(Institution, pk=pk)


def file_name(year: int, institution: Institution | None = None) -> str:
    suffix = f"-{institution.pk}" if institution else ""
    return f"du-toan-kinh-phi-{year}{suffix}.xlsx"


def sheet(result: Forecast, institution: Institution | None = None) -> Sheet:
    """One sheet: the year, the day, whose estimate it is and its totals, then the soldiers."""
    if institution is not None:
        result = result.of_institution(institution)
    title = _("Training support estimate for the cohort discharged in %(year)s")
    return Sheet(
        title=_("Funding estimate"),
        preamble=[
            [title % {"year": result.year}],
            [_("As of"), result.as_of],
            [
                _("Scope of the estimate"),
                institution.name if institution else _("The whole province"),
            ],
            [_("Soldiers needing training"), result.soldiers],
            [_("Estimate (VND)"), result.estimated_vnd],
            [_("Committed (VND)"), result.committed_vnd],
            [_("Settled (VND)"), result.settled_vnd],
        ],
        columns=[
            Column(_("Full name"), 28),
            Column(_("Citizen ID"), 15),
            Column(_("Unit"), 14),
            Column(_("Occupation"), 24),
            Column(_("Training institution"), 32),
            Column(_("Course"), 24),
            Column(_("Estimated from"), 36),
            Column(_("Estimate (VND)"), 16, AMOUNT_FORMAT),
            Column(_("Regime"), 40),
        ],
        rows=(
            [
                row.full_name,
                row.masked_citizen_id,
                row.unit_code,
                row.occupation.name,
                row.institution.name,
                _course_text(row.course),
                basis_label(row.basis),
                row.estimated_vnd,
                str(Regime(row.regime).label),
            ]
            for row in result.rows
        ),
    )


def _course_text(course: Course | None) -> str:
    if course is None:
        return ""
    return _("%(level)s, list of %(year)s") % {
        "level": course.get_level_display(),
        "year": course.list_year,
    }
