"""Reads of the training catalogue and its money rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from vietnam_provinces import Province

from soldiers.models import Soldier
from soldiers.selectors import soldiers_visible_to, training_needs_by_occupation
from training.models import (
    BaseSalary,
    CareerWish,
    Course,
    Institution,
    Occupation,
    Registration,
    RegistrationList,
    TrainingSupport,
)
from units.models import Unit, User
from units.scoping import scope_for
from units.selectors import partner_link

SUPPORT_MULTIPLIER = 12  # support is capped at 12 × base salary (DESIGN.md §8), both regimes


class NoBaseSalary(LookupError):
    """No base salary row covers the date asked."""


def base_salary_on(day: dt.date) -> int:
    row = BaseSalary.objects.filter(valid_from__lte=day).order_by("-valid_from").first()
    if row is None:
        raise NoBaseSalary(
            _("No base salary is recorded for %(date)s.") % {"date": day.strftime("%d/%m/%Y")}
        )
    return row.amount_vnd


def support_cap_on(day: dt.date) -> int:
    """The most public money one soldier's training may receive if trained on `day`."""
    return SUPPORT_MULTIPLIER * base_salary_on(day)


def support_cap_for(soldier: Soldier, on: dt.date) -> int:
    """The cap for a soldier's training as seen on `on`: training starts after his discharge, so
    the base salary of the later of the two days applies."""
    return support_cap_on(max(on, soldier.discharge_date))


# -- the month-15 survey (training/views.py) --


def current_wish(*, soldier: Soldier) -> CareerWish | None:
    """The soldier's current career wish, if he was surveyed."""
    return (
        CareerWish.objects.filter(soldier=soldier, is_current=True)
        .select_related("occupation")
        .first()
    )


def survey_occupations(*, keep: Occupation | None = None) -> QuerySet[Occupation]:
    """The occupations a survey may name: the active ones, plus `keep` (his current wish's)."""
    wanted = Q(active=True) | Q(pk=keep.pk if keep else None)
    return Occupation.objects.filter(wanted).order_by("name")


# -- institutions and courses, PA03's list (training/views/catalogue.py) --
# The catalogue is province-wide and every signed-in role reads it (officers register soldiers
# from it), so these reads take filters, not a user scope. Each list is one query per page.

# A registration holds a seat from the day the list is sent to the institution.
SEAT_TAKING = (
    Registration.Status.SENT,
    Registration.Status.ENROLLED,
    Registration.Status.COMPLETED,
)


def province_name(code: int | None) -> str:
    """The name of a province in the 2025 list ("" for an unknown code)."""
    try:
        return Province.from_code(code).name
    except (ValueError, TypeError):
        return ""


def address_with_province(address: str, province_code: int | None) -> str:
    """A street address followed by its province's name, either part left out if unknown."""
    return ", ".join(part for part in (address, province_name(province_code)) if part)


def institution_list(
    *,
    search: str = "",
    affiliation: str = "",
    ownership: str = "",
    province_code: int | None = None,
) -> QuerySet[Institution]:
    """Institutions by name, each with the number of its courses (all years)."""
    qs = Institution.objects.annotate(course_count=Count("courses"))
    for word in search.split():
        qs = qs.filter(name__icontains=word)
    if affiliation:
        qs = qs.filter(affiliation=affiliation)
    if ownership:
        qs = qs.filter(ownership=ownership)
    if province_code is not None:
        qs = qs.filter(province_code=province_code)
    return qs.order_by("name", "pk")


def with_seats(courses: QuerySet[Course]) -> QuerySet[Course]:
    """Courses with `seats_taken` (sent, enrolled or completed) and `seats_left`."""
    taken = Count("registrations", filter=Q(registrations__status__in=SEAT_TAKING))
    return courses.annotate(seats_taken=taken, seats_left=F("seats") - F("seats_taken"))


def institution_courses(institution: Institution) -> QuerySet[Course]:
    """An institution's courses, newest list first, with their seats."""
    return with_seats(institution.courses.select_related("occupation")).order_by(
        "-list_year", "occupation__name", "level", "pk"
    )


def course_list(
    *,
    year: int,
    occupation_id: int | None = None,
    level: str = "",
    province_code: int | None = None,
    with_seats_left: bool = False,
    listed_only: bool = True,
) -> QuerySet[Course]:
    """The courses of PA03's list of `year`, by occupation then institution, with their seats.

    `listed_only` keeps the approved, active courses of active institutions (what officers may
    register soldiers for); the keepers of the list also see the others.
    """
    qs = Course.objects.filter(list_year=year)
    if listed_only:
        qs = qs.filter(approved=True, active=True, institution__active=True)
    if occupation_id is not None:
        qs = qs.filter(occupation_id=occupation_id)
    if level:
        qs = qs.filter(level=level)
    if province_code is not None:
        qs = qs.filter(institution__province_code=province_code)
    qs = with_seats(qs.select_related("institution", "occupation"))
    if with_seats_left:
        qs = qs.filter(seats_left__gt=0)
    return qs.order_by("occupation__name", "institution__name", "level", "pk")


@dataclass(frozen=True)
class WishesAndSeats:
    """For one occupation: soldiers wishing to learn it and the seats of the year's list."""

    occupation: str
    wishing: int
    seats: int

    @property
    def shortfall(self) -> int:
        """Soldiers who would find no seat (0 when the seats suffice)."""
        return max(self.wishing - self.seats, 0)


def seats_by_occupation(year: int) -> dict[int, int]:
    """The seats of the year's list (approved, active courses), by occupation id."""
    return dict(
        Course.objects.filter(list_year=year, approved=True, active=True)
        .values_list("occupation_id")
        .annotate(n=Sum("seats"))
        .order_by()
    )


def wishes_vs_seats(year: int) -> list[WishesAndSeats]:
    """Soldiers wishing each occupation against the seats for it, largest shortfall first.

    The same two counts as employers.matching.occupation_gaps (soldiers.selectors.
    training_needs_by_occupation, seats_by_occupation), so both pages show the same numbers.
    Three queries.
    """
    wished, offered = training_needs_by_occupation(year), seats_by_occupation(year)
    names = dict(
        Occupation.objects.filter(pk__in=wished.keys() | offered.keys()).values_list("pk", "name")
    )
    rows = [
        WishesAndSeats(names[pk], wished.get(pk, 0), offered.get(pk) or 0)
        for pk in wished.keys() | offered.keys()
        if pk is not None
    ]
    return sorted(rows, key=lambda row: (-row.shortfall, -row.wishing, row.occupation))


# -- registrations, the month-18 list, training support (training/views/registrations.py) --


def registrations_visible_to(user: User) -> QuerySet[Registration]:
    """The registrations of the soldiers the user may see."""
    return Registration.objects.filter(soldier__in=soldiers_visible_to(user))


def registration_get(*, user: User, pk: int) -> Registration:
    """One registration with its soldier and course, or 404 if his soldier is out of scope."""
    qs = registrations_visible_to(user).select_related(
        "soldier__unit", "occupation", "course__institution", "course__occupation"
    )
    return get_object_or_404(qs, pk=pk)


def support_get(*, user: User, pk: int) -> TrainingSupport:
    """One training support record, or 404 if its soldier is out of the user's scope."""
    qs = TrainingSupport.objects.filter(soldier__in=soldiers_visible_to(user))
    return get_object_or_404(qs.select_related("soldier__unit", "registration__occupation"), pk=pk)


def open_courses(*, on: dt.date) -> QuerySet[Course]:
    """The courses a soldier may be registered for: approved and active, at an active
    institution, on this year's list or last year's (PA03's list of the year comes by 15/04)."""
    return (
        Course.objects.filter(
            approved=True,
            active=True,
            institution__active=True,
            list_year__in=[on.year, on.year - 1],
        )
        .select_related("institution", "occupation")
        .order_by("occupation__name", "institution__name", "level", "-list_year", "pk")
    )


def may_send_registrations(user: User) -> bool:
    """The month-18 step is for those who record training for some soldiers (not leaders)."""
    scope = scope_for(user)
    return scope.can_write and not scope.is_empty


def registrations_to_send(
    *, user: User, unit_id: int | None = None, institution_id: int | None = None
) -> QuerySet[Registration]:
    """The registrations in the user's scope still waiting for the month-18 list, grouped by
    institution and then by name. Those without a course come last: the page asks for one."""
    qs = registrations_visible_to(user).filter(
        status=Registration.Status.WISHED, soldier__archived=False
    )
    if unit_id is not None:
        # A unit and its sub-units; the scope filter above keeps out any unit beyond the user's.
        unit_path = Unit.objects.filter(pk=unit_id).values("path")[:1]
        qs = qs.filter(soldier__unit__path__startswith=Subquery(unit_path))
    if institution_id is not None:
        qs = qs.filter(course__institution_id=institution_id)
    return qs.select_related(
        "soldier__unit", "occupation", "course__institution", "course__occupation"
    ).order_by(F("course__institution__name").asc(nulls_last=True), "soldier__sort_key", "pk")


def sent_lists_visible_to(user: User) -> QuerySet[RegistrationList]:
    """The lists the user sent, and those whose every soldier is in his scope (headquarters
    and leaders: all of them). A list names soldiers, so a unit sees no other unit's list."""
    scope = scope_for(user)
    lists = RegistrationList.objects.all()
    if not scope.everything:
        inside = scope.q(unit_field="soldier__unit", ward_field="soldier__home_ward_code")
        outside = Registration.objects.filter(sent_list=OuterRef("pk")).exclude(inside)
        lists = lists.filter(Q(sent_by=user) | ~Exists(outside))
    return lists


def sent_lists(*, user: User) -> QuerySet[RegistrationList]:
    """The sent lists page: newest first, each with its institution, sender and row count."""
    return (
        sent_lists_visible_to(user)
        .select_related("institution", "sent_by")
        .annotate(count=Count("rows"))
        .order_by("-sent_on", "-pk")
    )


def sent_list_get(*, user: User, pk: int) -> RegistrationList:
    return get_object_or_404(sent_lists_visible_to(user).select_related("institution"), pk=pk)


def sent_list_rows(sent_list: RegistrationList) -> QuerySet[Registration]:
    """The rows of one list in the order of names, as the institution receives them."""
    return sent_list.rows.select_related("soldier__unit", "occupation", "course").order_by(
        "soldier__sort_key", "soldier__pk"
    )


# -- partners: the staff of a training institution (training/views/partner.py) --
# A partner account sees no soldier through the unit scope (units.scoping gives it none); it
# sees the registrations sent to its own institution, and nothing of any other.

# What the institution received: a list was sent to it (a registration withdrawn before being
# sent never reached it).
RECEIVED = (
    Registration.Status.SENT,
    Registration.Status.ENROLLED,
    Registration.Status.COMPLETED,
    Registration.Status.WITHDRAWN,
)
PARTNER_PAGE_SIZE = 50


def staff_institution(user: User) -> Institution | None:
    """The institution an active institution_staff account works for; None for anyone else."""
    link = partner_link(user, role=User.Role.INSTITUTION_STAFF, relation="institution_link")
    return link.institution if link else None


def partner_institution(user: User) -> Institution:
    """The institution of the partner's pages: 403 for every other account, police included."""
    institution = staff_institution(user)
    if institution is None:
        raise PermissionDenied
    return institution


def institution_registrations(institution: Institution) -> QuerySet[Registration]:
    """The registrations sent to the institution, whatever became of them since."""
    return Registration.objects.filter(
        institution=institution, status__in=RECEIVED, sent_on__isnull=False
    )


def may_record_for_institution(user: User, registration: Registration) -> bool:
    """The staff of the institution a registration was sent to record what becomes of it
    (enrolment, completion, withdrawal); the police's own rule is soldiers.outcomes'."""
    institution = staff_institution(user)
    return (
        institution is not None
        and registration.sent_on is not None
        and registration.institution_id == institution.pk
    )


def may_settle_for_institution(user: User, support: TrainingSupport) -> bool:
    """The institution keeps a soldier's training card as its voucher and settles it: its staff
    may, for a soldier whose registration was sent to it."""
    institution = staff_institution(user)
    return (
        institution is not None
        and institution_registrations(institution).filter(soldier_id=support.soldier_id).exists()
    )


def partner_registrations(
    *, institution: Institution, search: str = "", status: str = "", course_id: int | None = None
) -> QuerySet[Registration]:
    """The institution's registrations by name, each with the soldier's sending unit, the course
    and his training cards: one query per page, and one for the cards."""
    qs = institution_registrations(institution)
    for word in search.split():
        qs = qs.filter(soldier__full_name__icontains=word)
    if status:
        qs = qs.filter(status=status)
    if course_id is not None:
        qs = qs.filter(course_id=course_id)
    cards = TrainingSupport.objects.filter(regime=TrainingSupport.Regime.CARD).order_by("pk")
    return (
        qs.select_related("soldier__unit", "occupation", "course")
        .prefetch_related(Prefetch("soldier__training_supports", cards, to_attr="cards"))
        .order_by("soldier__sort_key", "soldier__pk", "pk")
    )


def partner_registration_get(*, user: User, pk: int) -> Registration:
    """One registration of the partner's institution, or 404 (another institution's too)."""
    qs = institution_registrations(partner_institution(user)).select_related(
        "soldier__unit", "occupation", "course__institution"
    )
    return get_object_or_404(qs, pk=pk)


def partner_card_get(*, user: User, pk: int) -> TrainingSupport:
    """A training card of a soldier sent to the partner's institution, or 404."""
    sent = institution_registrations(partner_institution(user)).values("soldier_id")
    cards = TrainingSupport.objects.filter(regime=TrainingSupport.Regime.CARD, soldier_id__in=sent)
    return get_object_or_404(cards.select_related("soldier__unit"), pk=pk)


def partner_courses(*, institution: Institution) -> QuerySet[Course]:
    """The institution's courses, proposals waiting for PA03 among them, with their seats."""
    return institution_courses(institution)


def partner_course_get(*, user: User, pk: int) -> Course:
    """One course of the partner's institution, or 404."""
    return get_object_or_404(Course.objects.filter(institution=partner_institution(user)), pk=pk)
