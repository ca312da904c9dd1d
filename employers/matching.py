"""Matching soldiers and job openings, both ways, and the gap between wishes and supply."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from employers.models import JobOpening, Placement, Referral
from soldiers.models import Soldier
from soldiers.selectors import (
    soldiers_visible_to,
    training_needs_by_occupation,
    with_discharge_date,
)
from training.models import CareerWish, Occupation, Registration
from training.selectors import seats_by_occupation
from units.models import User

WorkPlace = CareerWish.WorkPlace


def open_openings(on: dt.date) -> QuerySet[JobOpening]:
    """Openings that are listed and still recruiting, with the places not yet filled."""
    listed = JobOpening.objects.filter(
        open_until__gte=on, active=True, approved=True, employer__active=True
    ).select_related("employer", "occupation")
    return with_places_left(listed).filter(places_left__gt=0)


def with_places_left(openings: QuerySet[JobOpening]) -> QuerySet[JobOpening]:
    """Openings with `hired` (referrals confirmed) and `places_left`."""
    hired = Count("referrals", filter=Q(referrals__status=Referral.Status.HIRED))
    return openings.annotate(hired=hired, places_left=F("headcount") - F("hired"))


@dataclass(frozen=True)
class OpeningMatch:
    opening: JobOpening
    trained_for: bool
    wished: bool
    place_fits: bool

    @property
    def reasons(self) -> list[str]:
        reasons = []
        if self.trained_for:
            reasons.append(_("the occupation he was trained for"))
        if self.wished:
            reasons.append(_("the occupation he wished"))
        if self.place_fits:
            reasons.append(_("the place he prefers"))
        return reasons


def _place_fits(opening: JobOpening, soldier: Soldier, preferred: str) -> bool:
    if preferred == WorkPlace.ABROAD:
        return opening.abroad
    if preferred == WorkPlace.HOME_PROVINCE:
        return not opening.abroad and opening.province_code == soldier.home_province_code
    if preferred == WorkPlace.ELSEWHERE:
        return not opening.abroad and opening.province_code != soldier.home_province_code
    return False


def openings_for(
    soldier: Soldier, *, on: dt.date | None = None, limit: int = 5
) -> list[OpeningMatch]:
    """Open openings for the occupation he was trained for or wished, best first."""
    on = on or timezone.localdate()
    trained = set(
        Registration.objects.filter(
            soldier=soldier, status=Registration.Status.COMPLETED
        ).values_list("occupation_id", flat=True)
    )
    wish = soldier.career_wishes.filter(is_current=True).first()
    wished = {wish.occupation_id} if wish and wish.occupation_id else set()
    preferred = wish.preferred_work_place if wish else ""
    if not trained | wished:
        return []
    matches = [
        OpeningMatch(
            opening=opening,
            trained_for=opening.occupation_id in trained,
            wished=opening.occupation_id in wished,
            place_fits=_place_fits(opening, soldier, preferred),
        )
        for opening in open_openings(on).filter(occupation_id__in=trained | wished)
    ]
    matches.sort(
        key=lambda m: (
            not m.trained_for,
            not m.place_fits,
            -(m.opening.salary_max_vnd or 0),
            m.opening.pk,
        )
    )
    return matches[:limit]


def soldiers_for(
    opening: JobOpening, *, user: User, on: dt.date | None = None, limit: int = 50
) -> QuerySet[Soldier]:
    """Soldiers the user may see who fit an opening: trained for or wishing its occupation,
    discharged without a job or discharging within 90 days; trained and discharged first."""
    on = on or timezone.localdate()
    if opening.occupation_id is None:
        # An opening for no particular trade matches nobody by trade.
        return Soldier.objects.none()
    trained = Registration.objects.filter(
        soldier=OuterRef("pk"),
        occupation_id=opening.occupation_id,
        status=Registration.Status.COMPLETED,
    )
    wishing = CareerWish.objects.filter(
        soldier=OuterRef("pk"), is_current=True, occupation_id=opening.occupation_id
    )
    employed = Placement.objects.filter(soldier=OuterRef("pk"))
    return (
        with_discharge_date(soldiers_visible_to(user).filter(archived=False))
        .annotate(trained=Exists(trained), wishing=Exists(wishing), employed=Exists(employed))
        .filter(Q(trained=True) | Q(wishing=True), employed=False)
        .filter(discharge_on__lte=on + dt.timedelta(days=90))
        .exclude(referrals__opening=opening)
        .select_related("unit")
        .order_by("-trained", "discharge_on", "sort_key")[:limit]
    )


@dataclass(frozen=True)
class OccupationGap:
    occupation: Occupation
    wishing: int
    seats: int
    openings: int

    @property
    def seat_gap(self) -> int:
        """Positive: more soldiers wish this trade than there are seats for it."""
        return self.wishing - self.seats


def occupation_gaps(*, year: int, on: dt.date | None = None) -> list[OccupationGap]:
    """For each occupation: the year's cohort wishing it (soldiers.selectors.
    training_needs_by_occupation), the seats of that year's list and the places of open
    openings. Four queries."""
    on = on or timezone.localdate()
    wishing = training_needs_by_occupation(year)
    seats = seats_by_occupation(year)
    places = dict(
        JobOpening.objects.filter(open_until__gte=on, approved=True, active=True)
        .values_list("occupation_id")
        .annotate(n=Sum("headcount"))
    )
    ids = {k for k in (*wishing, *seats, *places) if k is not None}
    occupations = Occupation.objects.in_bulk(ids)
    gaps = [
        OccupationGap(
            occupations[i], wishing.get(i, 0), seats.get(i, 0) or 0, places.get(i, 0) or 0
        )
        for i in ids
    ]
    return sorted(gaps, key=lambda g: (-g.seat_gap, g.occupation.name))
