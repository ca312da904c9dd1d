"""Reads of the reports layer, scoped to the requesting user (units.scoping).

Unit reports: headquarters and leaders see every unit's; a unit officer those of the units in his
scope (another unit's report is a 404, so that it does not leak); commune officers and accounts
without a scope have no reports pages (403).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from reports.deadlines import Timeliness, responsible_units, timeliness
from reports.models import ReportObligation, ReportSubmission
from units.models import Unit, User
from units.scoping import Scope, scope_for

FIRST_YEAR = 2000
LAST_YEAR = 2100


def reports_scope(user: User) -> Scope:
    """The user's scope, or 403 for those who have no reports pages."""
    scope = scope_for(user)
    if not (scope.everything or scope.unit_path):
        raise PermissionDenied
    return scope


@dataclass(frozen=True)
class Owed:
    """One report a unit owes for a year, and where it stands."""

    obligation: ReportObligation
    unit: Unit
    year: int
    due: dt.date
    submission: ReportSubmission | None
    state: str

    @property
    def state_label(self) -> str:
        return str(Timeliness.LABELS[self.state])


def owed_reports(*, user: User, year: int, on: dt.date) -> list[Owed]:
    """The reports owed by the user's own units for `year`: for a unit officer, the responsible
    units in his scope; for headquarters staff, his own department (PA03, PA04, PX03 owe lists).
    In deadline order, then by unit code."""
    scope = reports_scope(user)
    own = _own_units(user, scope)
    submissions = {
        (s.obligation_id, s.unit_id): s
        for s in ReportSubmission.objects.filter(year=year, unit__in=own)
    }
    owed = []
    for obligation in ReportObligation.objects.filter(active=True):
        for unit in responsible_units(obligation).filter(pk__in=own):
            submission = submissions.get((obligation.pk, unit.pk))
            owed.append(
                Owed(
                    obligation=obligation,
                    unit=unit,
                    year=year,
                    due=obligation.due_on(year),
                    submission=submission,
                    state=timeliness(obligation, year, submission, on),
                )
            )
    return sorted(owed, key=lambda o: (o.due, o.obligation.code, o.unit.code))


def _own_units(user: User, scope: Scope) -> QuerySet[Unit]:
    """The units whose reports the user answers for (used as a subquery)."""
    return Unit.objects.filter(pk=user.unit_id) if scope.everything else scope.units()


@dataclass(frozen=True)
class SubmissionPage:
    """What the report page shows: a report may not exist yet (nothing generated or sent)."""

    obligation: ReportObligation
    unit: Unit
    year: int
    submission: ReportSubmission | None

    @property
    def due(self) -> dt.date:
        return self.obligation.due_on(self.year)

    def state(self, on: dt.date) -> str:
        return timeliness(self.obligation, self.year, self.submission, on)


def submission_page(
    *, user: User, obligation_code: str, year: int, unit_code: str
) -> SubmissionPage:
    """One unit's report for one deadline and year, or 404: an unknown deadline or unit, a unit
    that does not owe this report, or a unit outside the user's scope."""
    scope = reports_scope(user)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    obligation = ReportObligation.objects.filter(code=obligation_code).first()
    unit = scope.units().filter(code=unit_code).first()
    if obligation is None or unit is None:
        raise Http404
    submission = (
        ReportSubmission.objects.filter(obligation=obligation, unit=unit, year=year)
        .select_related("submitted_by", "reviewed_by")
        .first()
    )
    owes = obligation.active and responsible_units(obligation).filter(pk=unit.pk).exists()
    if submission is None and not owes:
        raise Http404
    return SubmissionPage(obligation=obligation, unit=unit, year=year, submission=submission)
