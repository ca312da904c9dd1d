"""The counselling sheet (Phiếu tư vấn, issue 8): what one soldier takes home from counselling.

His dates, his current wish, the three best courses and openings for it with what the support
pays, the coming job fairs, his commune police's contact, and a QR code that opens the public
board. Printed as an A4 page or a PDF, one soldier or a whole unit's month-15 soldiers at once;
every print is logged (reports.SheetPrint).

Printing is reading: every police role that can see the soldier may print his sheet, leaders
included (they change no record by it); partner accounts see no soldier and may not print.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from employers.matching import OpeningMatch, openings_for
from employers.models import JobFair
from employers.selectors import opening_place
from reports.board import CARD_WINDOW_MONTHS, coming_fairs
from reports.models import SheetPrint
from soldiers.dates import add_months
from soldiers.models import Soldier
from soldiers.selectors import (
    ServiceDates,
    current_wish_prefetch,
    milestone_q,
    place_names,
    service_dates,
    service_rule_on,
    soldiers_visible_to,
    with_discharge_date,
)
from training.matching import CourseMatch, courses_for
from training.models import CareerWish, TrainingSupport
from training.selectors import support_cap_for
from training.services import CARD_LAST_COHORT, COMMUNE_WINDOW_MONTHS
from units import audit
from units.models import Unit, User
from units.scoping import scope_for

# Courses, openings and fairs on a sheet: what fits one A4 page beside the rest.
LINES_SHOWN = 3


def may_print(user: User) -> bool:
    """Those who see some soldiers: unit and commune officers, headquarters, leaders."""
    return not scope_for(user).is_empty


def _require_printer(user: User) -> None:
    if not may_print(user):
        raise PermissionDenied


def _printable(user: User) -> QuerySet[Soldier]:
    return (
        soldiers_visible_to(user).select_related("unit").prefetch_related(current_wish_prefetch())
    )


def printable_soldier(*, user: User, pk: int) -> Soldier:
    """One soldier whose sheet the user may print: 403 for a role that prints none, 404 for a
    soldier out of his scope (a commune officer reaches those whose home is his commune)."""
    _require_printer(user)
    return get_object_or_404(_printable(user), pk=pk)


def batch_unit(*, user: User, code: str) -> Unit:
    """A unit of the user's scope by its code (404 for any other)."""
    _require_printer(user)
    return get_object_or_404(scope_for(user).units(), code=code)


def month_15_soldiers(*, user: User, unit: Unit, on: dt.date) -> list[Soldier]:
    """The soldiers of `unit` and its sub-units now in the survey months: month 15 started,
    month 18 not yet (soldiers.selectors.milestone_q, the worklist's rule), file not archived."""
    rule = service_rule_on(on)
    survey_due = milestone_q(Soldier.Milestone.SURVEY_DUE, on, rule)
    soldiers = (
        with_discharge_date(_printable(user))
        .filter(survey_due, archived=False, unit__path__startswith=unit.path)
        .order_by("sort_key", "pk")
    )
    return list(soldiers)


@dataclass(frozen=True)
class SupportTerms:
    """The training support regime he falls under, and the last day he may use it."""

    regime: str
    label: str
    last_day: dt.date
    cap_vnd: int


def support_terms(soldier: Soldier, *, cap_vnd: int) -> SupportTerms:
    """Cohorts discharged up to 2025 get a card, used within 12 months of discharge; later
    ones apply at their commune within 60 months (DESIGN.md §8, training.services)."""
    if soldier.discharge_date.year <= CARD_LAST_COHORT:
        regime, months = TrainingSupport.Regime.CARD, CARD_WINDOW_MONTHS
    else:
        regime, months = TrainingSupport.Regime.COMMUNE_APPLICATION, COMMUNE_WINDOW_MONTHS
    return SupportTerms(
        regime=regime,
        label=str(regime.label),
        last_day=add_months(soldier.discharge_date, months),
        cap_vnd=cap_vnd,
    )


@dataclass(frozen=True)
class CourseLine:
    match: CourseMatch
    support_vnd: int  # what the support pays of this course: its tuition, up to the cap


@dataclass(frozen=True)
class OpeningLine:
    match: OpeningMatch
    place: str


@dataclass(frozen=True)
class PoliceContact:
    unit: Unit
    officers: list[User]


@dataclass(frozen=True)
class QrCode:
    url: str
    svg: SafeString  # inline on the page
    png_data_uri: str  # in the PDF


@dataclass(frozen=True)
class Sheet:
    soldier: Soldier
    on: dt.date
    dates: ServiceDates
    home_province: str
    home_ward: str
    wish: CareerWish | None
    support: SupportTerms
    courses: list[CourseLine]
    openings: list[OpeningLine]
    fairs: list[JobFair]
    police: PoliceContact | None
    qr: QrCode


def board_url(occupation_id: int | None = None) -> str:
    """The public board's absolute address (SITE_URL), narrowed to his wished trade if any."""
    query = f"?{urlencode({'occupation': occupation_id})}" if occupation_id else ""
    return f"{settings.SITE_URL.rstrip('/')}{reverse('board')}{query}"


def qr_code(url: str) -> QrCode:
    """A QR code made here, not by an outside service: the address never leaves the server."""
    code = segno.make(url, error="m", micro=False)
    # segno draws paths from the encoded modules only; no user text reaches the markup.
    svg = mark_safe(code.svg_inline(scale=3, svgclass="qr", title=url))  # noqa: S308
    return QrCode(url=url, svg=svg, png_data_uri=code.png_data_uri(scale=4, border=2))


def _police_by_ward(ward_codes: Iterable[int]) -> dict[int, PoliceContact]:
    """The active commune police unit of each home commune, with its active officers (one
    query for the units, one for the officers, whatever the number of soldiers)."""
    officers = User.objects.filter(is_active=True, role=User.Role.COMMUNE_OFFICER).order_by(
        "full_name", "pk"
    )
    units = (
        Unit.objects.filter(kind=Unit.Kind.COMMUNE, active=True, ward_code__in=set(ward_codes))
        .prefetch_related(Prefetch("staff", queryset=officers, to_attr="officers"))
        .order_by("path")
    )
    contacts: dict[int, PoliceContact] = {}
    for unit in units:
        contacts.setdefault(unit.ward_code, PoliceContact(unit=unit, officers=unit.officers))
    return contacts


def sheets_for(soldiers: list[Soldier], *, on: dt.date) -> list[Sheet]:
    """The sheets of soldiers from `printable_soldier` or `month_15_soldiers`, in their order.

    What every sheet shares (the fairs, the commune police, the QR codes) is read once; the
    matches are ranked per soldier by training.matching and employers.matching."""
    fairs = list(coming_fairs(on=on)[:LINES_SHOWN])
    police = _police_by_ward(soldier.home_ward_code for soldier in soldiers)
    codes: dict[str, QrCode] = {}
    sheets = []
    for soldier in soldiers:
        wishes = soldier.current_wishes
        wish = wishes[0] if wishes else None
        cap = support_cap_for(soldier, on)
        url = board_url(wish.occupation_id if wish else None)
        province, ward = place_names(soldier)
        if url not in codes:
            codes[url] = qr_code(url)
        sheets.append(
            Sheet(
                soldier=soldier,
                on=on,
                dates=service_dates(soldier, on=on),
                home_province=province,
                home_ward=ward,
                wish=wish,
                support=support_terms(soldier, cap_vnd=cap),
                courses=[
                    CourseLine(match, min(match.course.tuition_vnd, cap))
                    for match in courses_for(soldier, on=on, limit=LINES_SHOWN)
                ],
                openings=[
                    OpeningLine(match, opening_place(match.opening))
                    for match in openings_for(soldier, on=on, limit=LINES_SHOWN)
                ],
                fairs=fairs,
                police=police.get(soldier.home_ward_code),
                qr=codes[url],
            )
        )
    return sheets


# How the audit log names each form of print.
PRINT_SUMMARIES = {
    SheetPrint.Form.PAGE: gettext_lazy("Counselling sheet, printable page"),
    SheetPrint.Form.PDF: gettext_lazy("Counselling sheet, PDF"),
    SheetPrint.Form.BATCH: gettext_lazy(
        "Counselling sheets of a unit's soldiers in months 15 to 17, PDF"
    ),
}


@transaction.atomic
def sheet_prints_record(
    *,
    user: User,
    soldiers: Iterable[Soldier],
    form: str,
    request: HttpRequest | None = None,
    file_name: str = "",
    unit: Unit | None = None,
) -> list[SheetPrint]:
    """Log one printed sheet per soldier (a batch logs each of its soldiers, and names its
    `unit`), and the print as an export in the audit log: the one soldier as its subject, or
    the unit of a batch."""
    if form not in SheetPrint.Form.values:
        raise ValueError(f"unknown form of print: {form!r}")
    soldiers = list(soldiers)
    prints = SheetPrint.objects.bulk_create(
        SheetPrint(soldier=soldier, user=user, form=form) for soldier in soldiers
    )
    audit.record_export(
        user=user,
        request=request,
        subject=unit if form == SheetPrint.Form.BATCH else soldiers[0],
        summary=str(PRINT_SUMMARIES[form]),
        file=file_name,
        filters={"unit": unit.code} if unit is not None else {},
        rows=len(soldiers),
    )
    return prints
