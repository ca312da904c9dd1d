"""Who owes which report, when, and whether it came on time (DESIGN.md §4)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.models import ReportObligation, ReportSubmission
from units.models import Unit

DONE = (ReportSubmission.Status.SUBMITTED, ReportSubmission.Status.ACCEPTED)


class Timeliness:
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"
    PENDING = "pending"  # not yet submitted, and not yet due

    LABELS = {
        ON_TIME: _("On time"),
        LATE: _("Late"),
        MISSING: _("Missing"),
        PENDING: _("Not yet due"),
    }


def responsible_units(obligation: ReportObligation) -> QuerySet[Unit]:
    """The active units that owe this report. A kind names the top of each managing unit's tree:
    its sub-units report through it."""
    by_kind = Q(kind__in=obligation.responsible_kinds) & ~Q(
        parent__kind__in=obligation.responsible_kinds
    )
    return Unit.objects.filter(
        by_kind | Q(code__in=obligation.responsible_codes), active=True
    ).order_by("code")


def timeliness(
    obligation: ReportObligation, year: int, submission: ReportSubmission | None, on: dt.date
) -> str:
    due = obligation.due_on(year)
    if submission is not None and submission.status in DONE and submission.submitted_at:
        submitted = timezone.localtime(submission.submitted_at).date()
        return Timeliness.ON_TIME if submitted <= due else Timeliness.LATE
    return Timeliness.MISSING if on > due else Timeliness.PENDING


@dataclass(frozen=True)
class MatrixCell:
    obligation: ReportObligation
    submission: ReportSubmission | None
    state: str

    @property
    def label(self) -> str:
        return str(Timeliness.LABELS[self.state])


@dataclass(frozen=True)
class MatrixRow:
    unit: Unit
    cells: list[MatrixCell | None]  # None: this unit does not owe that report


def timeliness_matrix(
    *, year: int, on: dt.date | None = None
) -> tuple[list[ReportObligation], list[MatrixRow]]:
    """Units × deadlines for a year: each cell on time, late, missing or not yet due."""
    on = on or timezone.localdate()
    obligations = list(ReportObligation.objects.filter(active=True))
    owed = {o.pk: set(responsible_units(o).values_list("pk", flat=True)) for o in obligations}
    units = Unit.objects.filter(pk__in=set().union(*owed.values())).order_by("code") if owed else []
    submissions = {
        (s.obligation_id, s.unit_id): s
        for s in ReportSubmission.objects.filter(year=year).select_related("submitted_by")
    }
    rows = [
        MatrixRow(
            unit=unit,
            cells=[
                MatrixCell(
                    o,
                    submissions.get((o.pk, unit.pk)),
                    timeliness(o, year, submissions.get((o.pk, unit.pk)), on),
                )
                if unit.pk in owed[o.pk]
                else None
                for o in obligations
            ],
        )
        for unit in units
    ]
    return obligations, rows


def upcoming(
    *, on: dt.date | None = None, days: int = 60
) -> list[tuple[dt.date, ReportObligation]]:
    """Deadlines in the next `days`, soonest first."""
    on = on or timezone.localdate()
    result = []
    for obligation in ReportObligation.objects.filter(active=True):
        for year in (on.year, on.year + 1):
            due = obligation.due_on(year)
            if on <= due <= on + dt.timedelta(days=days):
                result.append((due, obligation))
    return sorted(result, key=lambda item: (item[0], item[1].code))
