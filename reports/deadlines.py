"""Who owes which report, when, and whether it came on time (DESIGN.md §4).

A report is owed by a party: a police unit, or a partner (a training institution, an employer,
which reports itself through its partner account). Units are named in an obligation by kind or
code, partners by their kind (ReportObligation.responsible_partners)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from employers.models import Employer
from employers.selectors import staff_employer
from reports.models import ReportObligation, ReportSubmission
from training.models import Institution
from training.selectors import staff_institution
from units.models import Unit, User

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


Partner = ReportObligation.Partner
# How a partner is named in a report's address: "institution-12", "employer-4". Unit codes are
# upper case (units.services.unit_create), so a key in lower case is never a unit's.
PARTNER_KEY = re.compile(r"^(institution|employer)-(\d+)$")


@dataclass(frozen=True)
class Party:
    """Who owes a report: exactly one of a unit, an institution or an employer."""

    unit: Unit | None = None
    institution: Institution | None = None
    employer: Employer | None = None

    @property
    def ident(self) -> tuple[str, int]:
        """(kind, id): the same for a party and for the rows that name it."""
        if self.unit is not None:
            return ("unit", self.unit.pk)
        if self.institution is not None:
            return (Partner.INSTITUTION, self.institution.pk)
        return (Partner.EMPLOYER, self.employer.pk)

    @property
    def key(self) -> str:
        """The party in a report's address: the unit's code, or "institution-12"."""
        kind, pk = self.ident
        return self.unit.code if self.unit is not None else f"{kind}-{pk}"

    @property
    def code(self) -> str:
        """A code to show beside the name: the unit's, an employer's tax code, else ""."""
        if self.unit is not None:
            return self.unit.code
        return self.employer.tax_code if self.employer is not None else ""

    @property
    def name(self) -> str:
        return (self.unit or self.institution or self.employer).name

    @property
    def label(self) -> str:
        """What a list shows: a unit's code (police write units by code), a partner's name."""
        return self.unit.code if self.unit is not None else self.name

    @property
    def lookup(self) -> dict[str, Any]:
        """The party as filter or create arguments of ReportSubmission and Reminder."""
        return {"unit": self.unit, "institution": self.institution, "employer": self.employer}

    def __str__(self) -> str:
        return str(self.unit) if self.unit is not None else self.name


def party_of(row: ReportSubmission) -> Party:
    """The party a submission belongs to (its unit, institution or employer loaded with it)."""
    if row.unit_id is not None:
        return Party(unit=row.unit)
    if row.institution_id is not None:
        return Party(institution=row.institution)
    return Party(employer=row.employer)


def ident_of(row: Any) -> tuple[str, int]:
    """A submission's or reminder's party as Party.ident, without loading the party."""
    if row.unit_id is not None:
        return ("unit", row.unit_id)
    if row.institution_id is not None:
        return (Partner.INSTITUTION, row.institution_id)
    return (Partner.EMPLOYER, row.employer_id)


def own_party(user: User) -> Party | None:
    """The partner a partner account reports for (None for the police's accounts)."""
    if (institution := staff_institution(user)) is not None:
        return Party(institution=institution)
    if (employer := staff_employer(user)) is not None:
        return Party(employer=employer)
    return None


def party_for_key(key: str) -> Party | None:
    """The partner named by a report's address ("institution-12"), or None."""
    match = PARTNER_KEY.match(key)
    if match is None:
        return None
    kind, pk = match[1], int(match[2])
    if kind == Partner.INSTITUTION:
        institution = Institution.objects.filter(pk=pk).first()
        return Party(institution=institution) if institution else None
    employer = Employer.objects.filter(pk=pk).first()
    return Party(employer=employer) if employer else None


def responsible_institutions(obligation: ReportObligation) -> QuerySet[Institution]:
    """The active institutions with an active partner account, if the obligation names them:
    they report through the application (one without an account reports on paper)."""
    if Partner.INSTITUTION not in obligation.responsible_partners:
        return Institution.objects.none()
    return (
        Institution.objects.filter(active=True, staff__user__is_active=True)
        .distinct()
        .order_by("name", "pk")
    )


def responsible_employers(obligation: ReportObligation) -> QuerySet[Employer]:
    """The active employers with an active partner account, if the obligation names them."""
    if Partner.EMPLOYER not in obligation.responsible_partners:
        return Employer.objects.none()
    return (
        Employer.objects.filter(active=True, staff__user__is_active=True)
        .distinct()
        .order_by("name", "pk")
    )


def responsible_parties(obligation: ReportObligation) -> list[Party]:
    """Everyone who owes this report: units by code, then institutions and employers by name."""
    return [
        *(Party(unit=unit) for unit in responsible_units(obligation)),
        *(Party(institution=i) for i in responsible_institutions(obligation)),
        *(Party(employer=e) for e in responsible_employers(obligation)),
    ]


def owes(obligation: ReportObligation, party: Party) -> bool:
    """Whether the party owes this (active) report."""
    if not obligation.active:
        return False
    if party.unit is not None:
        return responsible_units(obligation).filter(pk=party.unit.pk).exists()
    if party.institution is not None:
        return responsible_institutions(obligation).filter(pk=party.institution.pk).exists()
    return responsible_employers(obligation).filter(pk=party.employer.pk).exists()


def answerable_accounts(party: Party) -> QuerySet[User]:
    """The active accounts that prepare the party's reports and hear about them: a unit's own
    officers (a department's own staff), or a partner's accounts."""
    accounts = User.objects.filter(is_active=True).order_by("pk")
    if party.unit is not None:
        return accounts.filter(
            unit=party.unit, role__in=(User.Role.UNIT_OFFICER, User.Role.HQ_STAFF)
        )
    if party.institution is not None:
        return accounts.filter(institution_link__institution=party.institution)
    return accounts.filter(employer_link__employer=party.employer)


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
    party: Party
    cells: list[MatrixCell | None]  # None: this party does not owe that report

    @property
    def unit(self) -> Unit | None:
        """The row's unit (None on a partner's row)."""
        return self.party.unit


def timeliness_matrix(
    *, year: int, on: dt.date | None = None
) -> tuple[list[ReportObligation], list[MatrixRow]]:
    """Parties × deadlines for a year: each cell on time, late, missing or not yet due. The
    units come first by code, then the partners that owe a report by name."""
    on = on or timezone.localdate()
    obligations = list(ReportObligation.objects.filter(active=True))
    # Most reports are owed by the same parties (every managing unit): ask once per rule.
    by_rule: dict[tuple[tuple[str, ...], ...], list[Party]] = {}
    responsible = {}
    for o in obligations:
        rule = tuple(map(tuple, (o.responsible_kinds, o.responsible_codes, o.responsible_partners)))
        if rule not in by_rule:
            by_rule[rule] = responsible_parties(o)
        responsible[o.pk] = by_rule[rule]
    owed = {pk: {party.ident for party in parties} for pk, parties in responsible.items()}
    everyone = {party.ident: party for parties in responsible.values() for party in parties}
    parties = sorted(everyone.values(), key=_matrix_order)
    submissions = {
        (s.obligation_id, ident_of(s)): s
        for s in ReportSubmission.objects.filter(year=year).select_related("submitted_by")
    }

    def cell(obligation: ReportObligation, party: Party) -> MatrixCell | None:
        if party.ident not in owed[obligation.pk]:
            return None
        submission = submissions.get((obligation.pk, party.ident))
        return MatrixCell(obligation, submission, timeliness(obligation, year, submission, on))

    rows = [MatrixRow(party, [cell(o, party) for o in obligations]) for party in parties]
    return obligations, rows


def _matrix_order(party: Party) -> tuple[int, str, int]:
    kinds = ("unit", Partner.INSTITUTION, Partner.EMPLOYER)
    kind, pk = party.ident
    return (kinds.index(kind), party.label, pk)


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
