"""Reads of the demand side, always through the requesting user's scope (units.scoping)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from vietnam_provinces import Province

from employers.matching import OpeningMatch, open_openings, openings_for, with_places_left
from employers.models import Employer, JobFair, JobOpening, Loan, Referral
from soldiers.models import Soldier
from soldiers.selectors import soldiers_visible_to
from training.matching import CourseMatch, courses_for
from training.models import CareerWish, Registration
from training.selectors import current_wish, support_cap_for
from units.models import Unit, User
from units.scoping import scope_for
from units.selectors import partner_link

# -- employers and job openings, PA04's list (employers/views/catalogue.py) --
# The list is province-wide and every signed-in role reads it; only what names soldiers (the
# referrals to an opening) is narrowed to the user's scope.


def employer_list(
    *,
    search: str = "",
    ownership: str = "",
    police_enterprise: bool | None = None,
    province_code: int | None = None,
) -> QuerySet[Employer]:
    """Employers by name (or tax code), each with its number of openings and of placements."""
    qs = Employer.objects.annotate(
        # Two counts over two joins: distinct, or each would be multiplied by the other.
        opening_count=Count("openings", distinct=True),
        placement_count=Count("placements", distinct=True),
    )
    digits = "".join(search.split())
    if digits.isdigit():
        qs = qs.filter(tax_code__startswith=digits)
    else:
        for word in search.split():
            qs = qs.filter(name__icontains=word)
    if ownership:
        qs = qs.filter(ownership=ownership)
    if police_enterprise is not None:
        qs = qs.filter(police_enterprise=police_enterprise)
    if province_code is not None:
        qs = qs.filter(province_code=province_code)
    return qs.order_by("name", "pk")


def employer_get(*, pk: int) -> Employer:
    """One employer with the number of soldiers placed with it, or 404."""
    employers = Employer.objects.annotate(placement_count=Count("placements"))
    return get_object_or_404(employers, pk=pk)


def employer_openings(*, employer: Employer) -> QuerySet[JobOpening]:
    """An employer's openings, newest list first, with places left and soldiers placed."""
    placed = JobOpening.objects.filter(pk=OuterRef("pk")).annotate(n=Count("placements"))
    return (
        with_places_left(employer.openings.select_related("occupation"))
        .annotate(placement_count=Subquery(placed.values("n"), output_field=IntegerField()))
        .order_by("-list_year", "title", "pk")
    )


def opening_list(
    *,
    on: dt.date,
    occupation_id: int | None = None,
    province_code: int | None = None,
    abroad: bool | None = None,
    open_only: bool = True,
    year: int | None = None,
    listed_only: bool = True,
) -> QuerySet[JobOpening]:
    """Openings of PA04's list with the places left. `open_only` keeps those still recruiting
    on `on` (employers.matching.open_openings); `listed_only` keeps the approved, active ones,
    which is all but the list's keepers see."""
    if open_only:
        qs = open_openings(on)
    else:
        qs = with_places_left(JobOpening.objects.select_related("employer", "occupation"))
    if listed_only:
        qs = qs.filter(approved=True, active=True, employer__active=True)
    if occupation_id is not None:
        qs = qs.filter(occupation_id=occupation_id)
    if province_code is not None:
        qs = qs.filter(province_code=province_code)
    if abroad is not None:
        qs = qs.exclude(country="") if abroad else qs.filter(country="")
    if year is not None:
        qs = qs.filter(list_year=year)
    return qs.order_by("open_until", "employer__name", "title", "pk")


def opening_get(*, pk: int) -> JobOpening:
    """One opening with its employer, occupation and places left, or 404."""
    openings = with_places_left(JobOpening.objects.select_related("employer", "occupation"))
    return get_object_or_404(openings, pk=pk)


def takes_referrals(opening: JobOpening, *, on: dt.date) -> bool:
    """Whether soldiers may still be referred to the opening (employers.services.referral_create
    decides; this only spares the page a button that would be refused)."""
    return opening.open_until >= on and opening.active and opening.approved


def opening_referrals(*, user: User, opening: JobOpening) -> QuerySet[Referral]:
    """The referrals to an opening of the soldiers the user may see, newest first."""
    return (
        Referral.objects.filter(opening=opening, soldier__in=soldiers_visible_to(user))
        .select_related("soldier__unit", "referred_by")
        .order_by("-referred_on", "-pk")
    )


def openings_of_year(year: int) -> QuerySet[JobOpening]:
    """PA04's list of a year, as it is sent out: approved, active openings by employer."""
    return (
        JobOpening.objects.filter(list_year=year, approved=True, active=True)
        .select_related("employer", "occupation")
        .order_by("employer__name", "title", "pk")
    )


# -- a soldier's matches, referrals, placements and loans (employers/views/outcomes.py) --

# The matches page shows more than the panels elsewhere (five), but stays one screen.
MATCHES_SHOWN = 10


@dataclass(frozen=True)
class OpeningRow:
    """One opening of the matches page: the match, where the job is, and whether he was
    already referred to it (then the page offers to record the job instead)."""

    match: OpeningMatch
    place: str
    referred: bool


@dataclass(frozen=True)
class SoldierMatches:
    """What fits one soldier on one day, best first, with what the page needs beside it."""

    wish: CareerWish | None
    courses: list[CourseMatch]
    openings: list[OpeningRow]
    support_cap_vnd: int


def _province_name(code: int | None) -> str:
    try:
        return Province.from_code(code).name
    except (ValueError, TypeError):
        return ""


def opening_place(opening: JobOpening) -> str:
    """The country of a job abroad, else the province's name in the 2025 list."""
    return opening.country if opening.abroad else _province_name(opening.province_code)


def soldier_matches(*, soldier: Soldier, on: dt.date) -> SoldierMatches:
    """The courses for his wish and the openings for his trade, as training.matching and
    employers.matching rank them."""
    referred = set(Referral.objects.filter(soldier=soldier).values_list("opening_id", flat=True))
    openings = [
        OpeningRow(match, opening_place(match.opening), match.opening.pk in referred)
        for match in openings_for(soldier, on=on, limit=MATCHES_SHOWN)
    ]
    return SoldierMatches(
        wish=current_wish(soldier=soldier),
        courses=courses_for(soldier, on=on, limit=MATCHES_SHOWN),
        openings=openings,
        support_cap_vnd=support_cap_for(soldier, on),
    )


def placement_openings(*, soldier: Soldier, on: dt.date) -> QuerySet[JobOpening]:
    """The openings a placement may name: those still recruiting, and any he was referred to
    (a hire is often recorded after the opening has closed)."""
    recruiting = Q(open_until__gte=on, active=True, approved=True)
    referred = Q(pk__in=Referral.objects.filter(soldier=soldier).values("opening_id"))
    return (
        JobOpening.objects.filter(recruiting | referred)
        .select_related("employer")
        .order_by("employer__name", "title", "pk")
    )


def active_employers(*, keep: list[int] | None = None) -> QuerySet[Employer]:
    """Employers of PA04's list still active, plus `keep` (those a record already names)."""
    return Employer.objects.filter(Q(active=True) | Q(pk__in=keep or [])).order_by("name")


def loan_get(*, user: User, pk: int) -> Loan:
    """A loan of a soldier the user may see, or 404."""
    loans = Loan.objects.filter(soldier__in=soldiers_visible_to(user))
    return get_object_or_404(loans.select_related("soldier__unit"), pk=pk)


# -- job fairs, PX03's list (employers/views/fairs.py) --


def _count_per_fair(rows: QuerySet) -> Coalesce:
    """How many rows of a fair's through table: a subquery each, so that counting employers
    and soldiers side by side does not multiply one join by the other."""
    counted = rows.order_by().values("jobfair").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def fair_list(
    *, user: User, on: dt.date, kind: str = "", year: int | None = None
) -> QuerySet[JobFair]:
    """Fairs to come first (soonest first), then past ones (latest first), each with the number
    of employers present and of attendees the user may see."""
    scope = scope_for(user)
    in_scope = scope.q(unit_field="soldier__unit", ward_field="soldier__home_ward_code")
    attending = JobFair.soldiers.through.objects.filter(in_scope, jobfair=OuterRef("pk"))
    present = JobFair.employers.through.objects.filter(jobfair=OuterRef("pk"))
    fairs = JobFair.objects.all()
    if kind:
        fairs = fairs.filter(kind=kind)
    if year is not None:
        fairs = fairs.filter(date__year=year)
    return (
        fairs.select_related("organiser")
        .annotate(
            employer_count=_count_per_fair(present),
            soldier_count=_count_per_fair(attending),
            upcoming=Case(
                When(date__gte=on, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            # Null for past fairs, so that the next key alone orders them.
            upcoming_date=Case(When(date__gte=on, then=F("date"))),
        )
        .order_by("-upcoming", "upcoming_date", "-date", "-pk")
    )


def fair_get(*, pk: int) -> JobFair:
    """A fair is province-wide information: every signed-in role may open it."""
    return get_object_or_404(JobFair.objects.select_related("organiser"), pk=pk)


def fair_employers(*, fair: JobFair) -> QuerySet[Employer]:
    return fair.employers.order_by("name")


def fair_attendees(*, user: User, fair: JobFair) -> QuerySet[Soldier]:
    """The attendees the user may see (his units', his commune's, or all)."""
    return (
        soldiers_visible_to(user)
        .filter(job_fairs=fair)
        .select_related("unit")
        .order_by("sort_key", "pk")
    )


def can_record_attendance(user: User) -> bool:
    """Those who record outcomes record attendance, each for the soldiers in his scope."""
    scope = scope_for(user)
    return scope.can_write and not scope.is_empty


def attendance_choices(*, user: User) -> QuerySet[Soldier]:
    """Every soldier the user may record at a fair (a posted choice is checked against these)."""
    return soldiers_visible_to(user).filter(archived=False).select_related("unit")


def attendance_candidates(*, user: User, fair: JobFair, unit: Unit | None) -> QuerySet[Soldier]:
    """The soldiers offered on the fair's page: not attending yet and enlisted by its date, in
    `unit` and its sub-units if given. Province-wide users choose a unit first: a list of every
    soldier of the province is too long to pick from."""
    if unit is None and scope_for(user).everything:
        return Soldier.objects.none()
    candidates = (
        attendance_choices(user=user).filter(enlistment_date__lte=fair.date).exclude(job_fairs=fair)
    )
    if unit is not None:
        candidates = candidates.filter(unit__path__startswith=unit.path)
    return candidates.order_by("sort_key", "pk")


def organiser_units(*, user: User, keep: Unit | None = None) -> QuerySet[Unit]:
    """The units that may be named as organiser: the active units in the user's scope (all of
    them for headquarters), plus `keep`, the fair's organiser today."""
    units = scope_for(user).units()
    return units.filter(Q(active=True) | Q(pk=keep.pk if keep else None)).order_by("path")


# -- partners: the staff of an employer (employers/views/partner.py) --
# A partner account sees no soldier through the unit scope (units.scoping gives it none); it
# sees the soldiers referred to its own employer's openings, and nothing of any other's.

PARTNER_PAGE_SIZE = 50


def staff_employer(user: User) -> Employer | None:
    """The employer an active employer_staff account works for; None for anyone else."""
    link = partner_link(user, role=User.Role.EMPLOYER_STAFF, relation="employer_link")
    return link.employer if link else None


def partner_employer(user: User) -> Employer:
    """The employer of the partner's pages: 403 for every other account, police included."""
    employer = staff_employer(user)
    if employer is None:
        raise PermissionDenied
    return employer


def employer_referrals(employer: Employer) -> QuerySet[Referral]:
    """The referrals to the employer's openings."""
    return Referral.objects.filter(opening__employer=employer)


def may_record_for_employer(user: User, referral: Referral) -> bool:
    """The staff of the employer a soldier was referred to confirm his hire or decline him."""
    employer = staff_employer(user)
    return employer is not None and referral.opening.employer_id == employer.pk


@dataclass(frozen=True)
class ReferralRow:
    """A soldier referred to the employer, as its staff may see him: his phone number only if
    his current career wish asks for job referrals (he agreed to be contacted)."""

    referral: Referral
    phone: str
    trainings: list[Registration]


def partner_referrals(*, employer: Employer, status: str = "") -> QuerySet[Referral]:
    """The referrals to the employer, newest first, with what a row shows prefetched: the
    soldier's current wish and his completed trainings (three queries whatever the count)."""
    qs = employer_referrals(employer)
    if status:
        qs = qs.filter(status=status)
    wishes = CareerWish.objects.filter(is_current=True).select_related("occupation")
    trainings = (
        Registration.objects.filter(status=Registration.Status.COMPLETED)
        .select_related("occupation", "institution")
        .order_by("-completed_on", "-pk")
    )
    return (
        qs.select_related("soldier", "opening__occupation")
        .prefetch_related(
            Prefetch("soldier__career_wishes", wishes, to_attr="current_wishes"),
            Prefetch("soldier__registrations", trainings, to_attr="completed_trainings"),
        )
        .order_by("-referred_on", "-pk")
    )


def referral_rows(referrals: list[Referral]) -> list[ReferralRow]:
    """Rows for referrals from `partner_referrals` (no query of their own)."""
    rows = []
    for referral in referrals:
        soldier = referral.soldier
        wish = soldier.current_wishes[0] if soldier.current_wishes else None
        consented = wish is not None and wish.wants_job_referral
        rows.append(
            ReferralRow(referral, soldier.phone if consented else "", soldier.completed_trainings)
        )
    return rows


def partner_referral_get(*, user: User, pk: int) -> Referral:
    """One referral to the partner's employer, or 404 (another employer's too)."""
    qs = employer_referrals(partner_employer(user)).select_related(
        "soldier__unit", "opening__employer", "opening__occupation", "referred_by"
    )
    return get_object_or_404(qs, pk=pk)


def partner_opening_get(*, user: User, pk: int) -> JobOpening:
    """One opening of the partner's employer, or 404."""
    return get_object_or_404(JobOpening.objects.filter(employer=partner_employer(user)), pk=pk)
