"""The public board (/board/): what a conscript, his family or anyone may read without an
account. This year's approved courses, the listed job openings, the coming job fairs and the
training support policy, filterable by occupation and province.

No personal data: nothing here reads a soldier. The reads are cached for ten minutes, keyed by
the day and the filters, so a QR code scanned by a whole counselling session costs the database
one set of queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from employers.models import JobFair, JobOpening
from employers.selectors import opening_list, opening_place
from soldiers.forms import province_choices
from training.models import Course, Occupation
from training.selectors import (
    SUPPORT_MULTIPLIER,
    NoBaseSalary,
    base_salary_on,
    course_list,
    province_name,
)
from training.services import CARD_LAST_COHORT, COMMUNE_REGIME_FROM, COMMUNE_WINDOW_MONTHS
from units import caching

CACHE_SECONDS = 10 * 60
# Bump when the cached shapes change, so that a deployment never reads the old ones.
CACHE_VERSION = 1
# A training card is used within 12 months of discharge (Decree 61/2015; DESIGN.md §8).
CARD_WINDOW_MONTHS = 12


def coming_fairs(*, on: dt.date) -> QuerySet[JobFair]:
    """Job fairs on or after `on`, soonest first: province-wide information, no attendees."""
    return JobFair.objects.filter(date__gte=on).order_by("date", "pk")


@dataclass(frozen=True)
class SupportPolicy:
    """The two training support regimes in numbers, as the law sets them (DESIGN.md §8).

    `cap_vnd` is None when no base salary is recorded for the day: the page then says so instead
    of printing a wrong amount."""

    on: dt.date
    base_salary_vnd: int | None
    multiplier: int
    card_last_cohort: int
    card_window_months: int
    commune_from: dt.date
    commune_window_months: int

    @property
    def cap_vnd(self) -> int | None:
        return None if self.base_salary_vnd is None else self.multiplier * self.base_salary_vnd


def support_policy(*, on: dt.date) -> SupportPolicy:
    try:
        base_salary: int | None = base_salary_on(on)
    except NoBaseSalary:
        base_salary = None
    return SupportPolicy(
        on=on,
        base_salary_vnd=base_salary,
        multiplier=SUPPORT_MULTIPLIER,
        card_last_cohort=CARD_LAST_COHORT,
        card_window_months=CARD_WINDOW_MONTHS,
        commune_from=COMMUNE_REGIME_FROM,
        commune_window_months=COMMUNE_WINDOW_MONTHS,
    )


class BoardFilterForm(forms.Form):
    """The board's filters (?occupation=&province=). A wrong value is ignored, not an error page:
    the address comes from a QR code or a shared link."""

    occupation = forms.TypedChoiceField(
        label=_("Occupation"), coerce=int, empty_value=None, required=False
    )
    province = forms.TypedChoiceField(
        label=_("Province"), coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args: Any, occupations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occupation"].choices = [("", _("All")), *occupations]
        self.fields["province"].choices = [("", _("All")), *province_choices()]

    def filters(self) -> tuple[int | None, int | None]:
        """(occupation id, province code); a field that did not validate is left out."""
        self.is_valid()
        return self.cleaned_data.get("occupation"), self.cleaned_data.get("province")


def occupation_options() -> list[tuple[int, str]]:
    """The active occupations for the filter, by name (cached with the board)."""
    key = f"board:{CACHE_VERSION}:occupations"
    return caching.get_or_set(
        key,
        lambda: list(Occupation.objects.filter(active=True).values_list("pk", "name")),
        CACHE_SECONDS,
    )


@dataclass(frozen=True)
class CourseRow:
    course: Course
    province: str
    support_vnd: int | None  # what the support pays of it: the tuition, up to today's cap


@dataclass(frozen=True)
class OpeningRow:
    opening: JobOpening
    place: str


@dataclass(frozen=True)
class Board:
    on: dt.date
    courses: list[CourseRow]
    openings: list[OpeningRow]
    fairs: list[JobFair]
    policy: SupportPolicy


def _board(on: dt.date, occupation_id: int | None, province_code: int | None) -> Board:
    """Four queries: courses (with seats), openings (with places left), fairs, base salary."""
    filters = {"occupation_id": occupation_id, "province_code": province_code}
    policy = support_policy(on=on)
    cap = policy.cap_vnd
    courses = [
        CourseRow(
            course,
            province_name(course.institution.province_code),
            None if cap is None else min(course.tuition_vnd, cap),
        )
        for course in course_list(year=on.year, **filters)
    ]
    openings = [
        OpeningRow(opening, opening_place(opening)) for opening in opening_list(on=on, **filters)
    ]
    return Board(
        on=on,
        courses=courses,
        openings=openings,
        fairs=list(coming_fairs(on=on)),
        policy=policy,
    )


def board(*, on: dt.date, occupation_id: int | None, province_code: int | None) -> Board:
    """The board for a day and filters, from the cache when another visitor asked the same in
    the last ten minutes (the day is in the key: yesterday's fairs never show as coming)."""
    key = f"board:{CACHE_VERSION}:{on.isoformat()}:{occupation_id or ''}:{province_code or ''}"
    return caching.get_or_set(key, lambda: _board(on, occupation_id, province_code), CACHE_SECONDS)
