"""Reads of the reports layer, scoped to the requesting user (units.scoping).

Unit reports: headquarters and leaders see every unit's; a unit officer those of the units in his
scope (another unit's report is a 404, so that it does not leak); a partner account (institution
or employer staff) its own partner's only; commune officers and accounts without a scope have no
reports pages (403).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from reports.deadlines import (
    Party,
    Timeliness,
    ident_of,
    owes,
    own_party,
    party_for_key,
    responsible_units,
    timeliness,
)
from reports.models import ReportObligation, ReportSubmission
from units.models import Unit, User
from units.scoping import Scope, scope_for

FIRST_YEAR = 2000
LAST_YEAR = 2100


def reports_scope(user: User) -> Scope:
    """The user's scope, or 403 for those who have no reports pages. A partner account has an
    empty scope but reports pages of its own."""
    scope = scope_for(user)
    if not (scope.everything or scope.unit_path or own_party(user)):
        raise PermissionDenied
    return scope


@dataclass(frozen=True)
class Owed:
    """One report a unit owes for a year, and where it stands."""

    obligation: ReportObligation
    party: Party
    year: int
    due: dt.date
    submission: ReportSubmission | None
    state: str

    @property
    def state_label(self) -> str:
        return str(Timeliness.LABELS[self.state])

    @property
    def unit(self) -> Unit | None:
        return self.party.unit


def owed_reports(*, user: User, year: int, on: dt.date) -> list[Owed]:
    """The reports owed by the user's own units for `year`: for a unit officer, the responsible
    units in his scope; for headquarters staff, his own department (PA03, PA04, PX03 owe lists).
    In deadline order, then by unit code."""
    scope = reports_scope(user)
    partner = own_party(user)
    if partner is not None:
        mine = ReportSubmission.objects.filter(year=year, **partner.lookup)
    else:
        mine = ReportSubmission.objects.filter(year=year, unit__in=_own_units(user, scope))
    submissions = {(s.obligation_id, ident_of(s)): s for s in mine}
    owed = []
    for obligation in ReportObligation.objects.filter(active=True):
        for party in _owing(obligation, user, scope, partner):
            submission = submissions.get((obligation.pk, party.ident))
            owed.append(
                Owed(
                    obligation=obligation,
                    party=party,
                    year=year,
                    due=obligation.due_on(year),
                    submission=submission,
                    state=timeliness(obligation, year, submission, on),
                )
            )
    return sorted(owed, key=lambda o: (o.due, o.obligation.code, o.party.label))


def _owing(
    obligation: ReportObligation, user: User, scope: Scope, partner: Party | None
) -> list[Party]:
    """Those of the user's own who owe this report: his partner, or his units."""
    if partner is not None:
        return [partner] if owes(obligation, partner) else []
    units = responsible_units(obligation).filter(pk__in=_own_units(user, scope))
    return [Party(unit=unit) for unit in units]


def _own_units(user: User, scope: Scope) -> QuerySet[Unit]:
    """The units whose reports the user answers for (used as a subquery)."""
    return Unit.objects.filter(pk=user.unit_id) if scope.everything else scope.units()


@dataclass(frozen=True)
class SubmissionPage:
    """What the report page shows: a report may not exist yet (nothing generated or sent)."""

    obligation: ReportObligation
    party: Party
    year: int
    submission: ReportSubmission | None

    @property
    def unit(self) -> Unit | None:
        return self.party.unit

    @property
    def due(self) -> dt.date:
        return self.obligation.due_on(self.year)

    def state(self, on: dt.date) -> str:
        return timeliness(self.obligation, self.year, self.submission, on)


def _visible_party(user: User, scope: Scope, key: str) -> Party | None:
    """The party a report's address names, if the user may see its reports: a unit of his
    scope; a partner for headquarters, leaders and the partner's own accounts."""
    partner = party_for_key(key)
    if partner is not None:
        return partner if scope.everything or own_party(user) == partner else None
    unit = scope.units().filter(code=key).first()
    return Party(unit=unit) if unit is not None else None


def submission_page(
    *, user: User, obligation_code: str, year: int, unit_code: str
) -> SubmissionPage:
    """One party's report for one deadline and year, or 404: an unknown deadline or party, one
    that does not owe this report, or one outside the user's scope. `unit_code` is the party's
    key in the address: a unit's code, or "institution-12" / "employer-4" for a partner."""
    scope = reports_scope(user)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    obligation = ReportObligation.objects.filter(code=obligation_code).first()
    party = _visible_party(user, scope, unit_code)
    if obligation is None or party is None:
        raise Http404
    submission = (
        ReportSubmission.objects.filter(obligation=obligation, year=year, **party.lookup)
        .select_related("submitted_by", "reviewed_by")
        .first()
    )
    if submission is None and not owes(obligation, party):
        raise Http404
    return SubmissionPage(obligation=obligation, party=party, year=year, submission=submission)
