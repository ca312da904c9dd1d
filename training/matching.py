"""Which courses fit a soldier: the matching panel on his page and on the counselling sheet.

Fit means the occupation he wished; among those, a course in his home province, with seats
left and a cost within the support cap, comes first, then the cheaper one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from soldiers.models import Soldier
from training.models import CareerWish, Course
from training.selectors import current_wish, support_cap_for, with_seats


@dataclass(frozen=True)
class CourseMatch:
    course: Course
    seats_left: int
    same_province: bool
    within_cap: bool

    @property
    def reasons(self) -> list[str]:
        reasons = [_("the occupation he wished")]
        if self.same_province:
            reasons.append(_("in his home province"))
        if self.seats_left > 0:
            reasons.append(_("%(n)s seats left") % {"n": self.seats_left})
        if self.within_cap:
            reasons.append(_("tuition within the support cap"))
        return reasons


def courses_for(
    soldier: Soldier, *, on: dt.date | None = None, limit: int = 5
) -> list[CourseMatch]:
    """The courses that fit the soldier's current wish, best first (one query after the wish)."""
    on = on or timezone.localdate()
    wish = current_wish(soldier=soldier)
    if wish is None or wish.occupation_id is None or wish.wants_training == CareerWish.Training.NO:
        return []
    cap = support_cap_for(soldier, on)
    courses = Course.objects.filter(
        occupation_id=wish.occupation_id,
        approved=True,
        active=True,
        institution__active=True,
        list_year__gte=on.year - 1,
    ).select_related("institution", "occupation")
    courses = with_seats(courses)
    matches = [
        CourseMatch(
            course=course,
            seats_left=max(course.seats_left, 0),
            same_province=course.institution.province_code == soldier.home_province_code,
            within_cap=course.tuition_vnd <= cap,
        )
        for course in courses
    ]
    matches.sort(
        key=lambda m: (
            not m.same_province,
            m.seats_left <= 0,
            not m.within_cap,
            m.course.tuition_vnd,
            m.course.pk,
        )
    )
    return matches[:limit]
