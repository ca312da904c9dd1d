"""The leadership summary workbook for a cohort year, defined once: five sheets, each a
units.spreadsheets.Sheet whose rows are generated from the selectors (reports.targets,
reports.dashboards). The same definition is streamed from a request (small cohorts) or written
to a file by a Celery job (large ones); units.spreadsheets keeps user text out of formulas and
writes dates as dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import IO, Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from reports.dashboards import indicators, managing_units, occupation_rows, unit_rows
from reports.deadlines import timeliness_matrix
from reports.models import ExportJob
from reports.targets import cohort, figures
from soldiers import citizen_id as cid
from units.models import Unit, User
from units.scoping import scope_for
from units.spreadsheets import AMOUNT_FORMAT, Column, Sheet, write_sheet

# Above this many soldiers in the cohort the workbook is built by a background job (issue 5).
STREAM_LIMIT = 5_000
# The background job reports its progress every this many rows of the soldier list.
PROGRESS_EVERY = 1_000
PERCENT = "0.0%"
TARGET_PERCENT = "0%"

Progress = Callable[[int], None]


def may_download(user: User) -> bool:
    """The summary covers the whole province: headquarters, leaders and superusers. A unit
    officer has his unit's figures on his dashboard, not the province's workbook."""
    return scope_for(user).everything


def job_get(*, user: User, pk: int, ready: bool = False) -> ExportJob:
    """One of the user's own export jobs (done ones only if `ready`); anyone else's is a 404,
    whatever his role: the file is personal to whoever asked for it."""
    jobs = ExportJob.objects.filter(user=user)
    if ready:
        jobs = jobs.filter(status=ExportJob.Status.DONE)
    return get_object_or_404(jobs, pk=pk)


def file_name(year: int) -> str:
    return f"tong-hop-{year}.xlsx"


def export_summary(year: int) -> str:
    """What the workbook is, as the audit log names its download."""
    return _("Summary workbook of the cohort discharged in %(year)s") % {"year": year}


def cohort_size(year: int) -> int:
    return cohort(year).count()


def _overview(year: int, as_of: dt.date) -> Sheet:
    result = figures(year=year, as_of=as_of)
    return Sheet(
        title=_("Totals"),
        columns=[
            Column(_("Indicator"), 30),
            Column(_("Number of soldiers"), 12, AMOUNT_FORMAT),
            Column(_("Total number"), 12, AMOUNT_FORMAT),
            Column(_("Rate"), 10, PERCENT),
            Column(_("Target"), 10, TARGET_PERCENT),
            Column(_("Assessment"), 18),
            Column(_("Year"), 8),
            Column(_("As of"), 14),
        ],
        rows=(
            [str(i.label), i.count, i.total, i.rate, i.target, str(i.status), year, as_of]
            for i in indicators(result)
        ),
    )


def _by_unit(year: int, as_of: dt.date, units: list[Unit]) -> Sheet:
    def rows() -> Iterator[list[Any]]:
        for row in unit_rows(year=year, as_of=as_of, units=units, sort="unit"):
            f = row.figures
            yield [
                row.unit.code,
                row.unit.name,
                f.cohort,
                f.counselled,
                f.counselled_rate,
                f.need_training,
                f.trained,
                f.trained_rate,
                f.employed_after_training,
                f.employed_rate,
            ]

    return Sheet(
        title=_("By unit"),
        columns=[
            Column(_("Unit code"), 14),
            Column(_("Unit name"), 36),
            Column(_("Discharged in the year"), 14, AMOUNT_FORMAT),
            Column(_("Given counselling"), 12, AMOUNT_FORMAT),
            Column(_("Counselled (%)"), 12, PERCENT),
            Column(_("Need vocational training"), 14, AMOUNT_FORMAT),
            Column(_("Trained in a trade"), 12, AMOUNT_FORMAT),
            Column(_("Trained (%)"), 12, PERCENT),
            Column(_("Has a job after training"), 14, AMOUNT_FORMAT),
            Column(_("With a job (%)"), 12, PERCENT),
        ],
        rows=rows(),
    )


def _by_occupation(year: int, on: dt.date) -> Sheet:
    return Sheet(
        title=_("By occupation"),
        columns=[
            Column(_("Occupation"), 30),
            Column(_("Soldiers wishing to learn it"), 16, AMOUNT_FORMAT),
            Column(_("Course seats %(year)s") % {"year": year}, 14, AMOUNT_FORMAT),
            Column(_("Open job places"), 14, AMOUNT_FORMAT),
            Column(_("Wishes minus seats"), 14, AMOUNT_FORMAT),
            Column(_("Registrations of the cohort"), 16, AMOUNT_FORMAT),
            Column(_("Studying"), 12, AMOUNT_FORMAT),
            Column(_("Completed"), 12, AMOUNT_FORMAT),
        ],
        rows=(
            [
                r.occupation.name,
                r.wishing,
                r.seats,
                r.openings,
                r.seat_gap,
                r.registered,
                r.enrolled,
                r.completed,
            ]
            for r in occupation_rows(year=year, on=on)
        ),
    )


def _timeliness(year: int, on: dt.date) -> Sheet:
    obligations, rows = timeliness_matrix(year=year, on=on)
    return Sheet(
        title=_("Report timeliness"),
        columns=[
            Column(_("Unit code"), 14),
            Column(_("Unit name"), 36),
            *(
                Column(
                    _("%(name)s (due %(due)s)")
                    % {"name": o.name, "due": o.due_on(year).strftime("%d/%m/%Y")},
                    22,
                )
                for o in obligations
            ),
        ],
        rows=(
            [row.party.code, row.party.name, *(cell.label if cell else "" for cell in row.cells)]
            for row in rows
        ),
    )


def _soldiers(year: int, as_of: dt.date, progress: Progress | None) -> Sheet:
    def by(day: dt.date | None) -> dt.date | None:
        # As of a past day, what happened after it is not shown, as the figures do not count it.
        return day if day is not None and day <= as_of else None

    def rows() -> Iterator[list[Any]]:
        soldiers = (
            cohort(year)
            .order_by("unit__path", "sort_key", "pk")
            .values_list(
                "full_name",
                "citizen_id",
                "date_of_birth",
                "unit__code",
                "discharge_on",
                "first_counselling_on",
                "need_training",
                "need_training_since",
                "enrolled_on",
                "employed_on",
            )
        )
        yes = _("Yes")
        for count, row in enumerate(soldiers.iterator(chunk_size=2_000), start=1):
            name, citizen_id, born, unit, discharge, counselled, need, since, enrolled, employed = (
                row
            )
            yield [
                name,
                cid.mask(citizen_id),
                born,
                unit,
                discharge,
                by(counselled),
                yes if need and by(since) else "",
                by(enrolled),
                by(employed),
            ]
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(count)

    return Sheet(
        title=_("List of soldiers"),
        columns=[
            Column(_("Full name"), 28),
            Column(_("Citizen ID"), 15),
            Column(_("Date of birth"), 12),
            Column(_("Unit"), 14),
            Column(_("Discharge date"), 12),
            Column(_("Counselled on"), 12),
            Column(_("Needs vocational training"), 12),
            Column(_("Enrolled on"), 12),
            Column(_("Employed on"), 12),
        ],
        rows=rows(),
    )


def summary_sheets(
    *, user: User, year: int, as_of: dt.date, progress: Progress | None = None
) -> list[Sheet]:
    """The five sheets, in order. Rows are generated when a sheet is written, so the soldier
    list is read in chunks and never held whole in memory. `progress(rows)` is called every
    PROGRESS_EVERY soldiers."""
    on = timezone.localdate()
    return [
        _overview(year, as_of),
        _by_unit(year, as_of, managing_units(user)),
        _by_occupation(year, on),
        _timeliness(year, on),
        _soldiers(year, as_of, progress),
    ]


def summary_write(
    target: IO[bytes],
    *,
    user: User,
    year: int,
    as_of: dt.date,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Write the workbook to a file (write-only openpyxl: memory stays flat whatever the size).
    Returns the number of data rows of each sheet, for the audit log's entry of its download."""
    workbook = Workbook(write_only=True)
    rows = {
        sheet.title: write_sheet(workbook, sheet)
        for sheet in summary_sheets(user=user, year=year, as_of=as_of, progress=progress)
    }
    workbook.save(target)
    return rows
