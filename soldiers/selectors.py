"""Reads of soldiers, always through the requesting user's scope (units.scoping)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from vietnam_provinces import Province, Ward

from soldiers import citizen_id as cid
from soldiers.dates import latest_enlistment_for_month
from soldiers.models import Counselling, ServiceRule, Soldier, SoldierChange
from units.models import Unit, User
from units.scoping import scope_for

Milestone = Soldier.Milestone


def service_rule_on(day: dt.date) -> ServiceRule:
    """The service rule in force on `day` (the defaults of the law if none is recorded)."""
    rule = ServiceRule.objects.filter(valid_from__lte=day).order_by("-valid_from").first()
    return rule or ServiceRule(valid_from=day)


def training_needs_by_occupation(year: int) -> dict[int, int]:
    """The year's cohort (files not archived) whose current wish is to learn a trade, counted by
    that trade (training.Occupation ids), from the milestone columns and their partial index
    soldier_need_training_idx: the soldiers behind the "trained" figure's denominator."""
    return dict(
        Soldier.objects.filter(cohort_year=year, archived=False, need_training=True)
        .values_list("need_training_occupation_id")
        .annotate(n=Count(Value(1)))
        .order_by()
    )


def soldiers_visible_to(user: User) -> QuerySet[Soldier]:
    """Every soldier the user may see: his units' soldiers, or his commune's, or all."""
    scope = scope_for(user)
    return Soldier.objects.filter(scope.q(unit_field="unit", ward_field="home_ward_code"))


def soldier_get(*, user: User, pk: int) -> Soldier:
    """One soldier, or 404 (not 403) so that another unit's soldier does not leak his existence."""
    return get_object_or_404(soldiers_visible_to(user).select_related("unit"), pk=pk)


def can_edit(user: User, soldier: Soldier) -> bool:
    scope = scope_for(user)
    return scope.can_write and scope.ward_code is None and scope.covers_unit(soldier.unit)


def with_discharge_date(qs: QuerySet[Soldier]) -> QuerySet[Soldier]:
    return qs.annotate(discharge_on=Coalesce("actual_discharge_date", "expected_discharge_date"))


def milestone_q(milestone: str, on: dt.date, rule: ServiceRule) -> Q:
    """The milestone of Soldier.milestone() as a filter on a queryset `with_discharge_date`."""
    notice = on + dt.timedelta(days=rule.discharge_notice_days)
    serving = Q(discharge_on__gt=notice)
    month_survey = Q(enlistment_date__lte=latest_enlistment_for_month(rule.survey_month, on))
    month_registration = Q(
        enlistment_date__lte=latest_enlistment_for_month(rule.registration_month, on)
    )
    return {
        Milestone.DISCHARGED: Q(discharge_on__lte=on),
        Milestone.DISCHARGING: Q(discharge_on__gt=on, discharge_on__lte=notice),
        Milestone.REGISTRATION_DUE: serving & month_registration,
        Milestone.SURVEY_DUE: serving & month_survey & ~month_registration,
        Milestone.BEFORE_SURVEY: serving & ~month_survey,
    }[milestone]


def today() -> dt.date:
    return timezone.localdate()


# -- the soldier's file: list and detail (soldiers/views/files.py) --

# Sorts a user may ask for by `?sort=`; anything else falls back to the Vietnamese name order.
LIST_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("sort_key", "pk"),
    "-name": ("-sort_key", "-pk"),
    "enlistment": ("enlistment_date", "sort_key", "pk"),
    "-enlistment": ("-enlistment_date", "sort_key", "pk"),
    "discharge": ("discharge_on", "sort_key", "pk"),
    "-discharge": ("-discharge_on", "sort_key", "pk"),
}
DEFAULT_SORT = "name"
# Values of training.CareerWish.wants_training, plus "none" for a soldier not surveyed yet.
WANTS_TRAINING_NONE = "none"
CITIZEN_ID_LENGTH = 12
# The digits a masked citizen ID still shows (********1234), so an officer can search by them.
CITIZEN_ID_TAIL = 4


def can_add_soldiers(user: User) -> bool:
    """Unit officers (for their units) and headquarters staff enter soldiers; nobody else."""
    scope = scope_for(user)
    return scope.can_write and scope.ward_code is None and not scope.is_empty


def writable_units(user: User, *, keep: Unit | None = None) -> QuerySet[Unit]:
    """The managing units the user may put a soldier in (plus `keep`, his unit today)."""
    units = scope_for(user).units()
    wanted = Q(kind=Unit.Kind.MANAGING) | Q(pk=keep.pk if keep else None)
    return units.filter(wanted).order_by("path") if can_add_soldiers(user) else units.none()


def filter_units(user: User) -> QuerySet[Unit]:
    """The units the list can be narrowed to: those in scope that hold soldiers (not communes)."""
    return scope_for(user).units().exclude(kind=Unit.Kind.COMMUNE).order_by("path")


def _reverse_queryset(relation: str) -> QuerySet:
    """The rows of an upper app reached from Soldier by a reverse relation's name.

    The upper layers (training: career wishes) may not be imported here (DESIGN.md §6); the
    relation they declare on Soldier is enough to prefetch them.
    """
    return Soldier._meta.get_field(relation).related_model._default_manager.all()


def current_wish_prefetch() -> Prefetch:
    """The current career wish of each soldier as `current_wishes` (a list of none or one)."""
    wishes = _reverse_queryset("career_wishes").filter(is_current=True)
    return Prefetch(
        "career_wishes", queryset=wishes.select_related("occupation"), to_attr="current_wishes"
    )


def _search(qs: QuerySet[Soldier], text: str) -> QuerySet[Soldier]:
    """A whole citizen ID, its last four digits, or words that all appear in the name."""
    words = text.split()
    if not words:
        return qs
    digits = cid.normalise(text)
    if digits.isdigit():
        # Only the whole number or its last four digits: a partial number is not a search key,
        # so the list cannot be used to guess IDs digit by digit.
        if len(digits) == CITIZEN_ID_LENGTH:
            return qs.filter(citizen_id=digits)
        if len(digits) == CITIZEN_ID_TAIL:
            return qs.filter(citizen_id__endswith=digits)
        return qs.none()
    for word in words:
        qs = qs.filter(full_name__icontains=word)
    return qs


def soldier_list(
    *,
    user: User,
    search: str = "",
    unit_id: int | None = None,
    milestone: str = "",
    discharge_year: int | None = None,
    wants_training: str = "",
    archived: bool = False,
    sort: str = DEFAULT_SORT,
    on: dt.date | None = None,
) -> QuerySet[Soldier]:
    """The soldiers the user may see, searched, filtered and sorted for the list page.

    Each row carries its unit and its current career wish, so a page costs the same number of
    queries whatever its length.
    """
    on = on or today()
    qs = with_discharge_date(soldiers_visible_to(user)).filter(archived=archived)
    qs = _search(qs, search)
    if unit_id is not None:
        # A unit and its sub-units; the scope filter above keeps out any unit beyond the user's.
        unit_path = Unit.objects.filter(pk=unit_id).values("path")[:1]
        qs = qs.filter(unit__path__startswith=Subquery(unit_path))
    if milestone in Milestone.values:
        qs = qs.filter(milestone_q(milestone, on, service_rule_on(on)))
    if discharge_year is not None:
        qs = qs.filter(discharge_on__year=discharge_year)
    if wants_training == WANTS_TRAINING_NONE:
        qs = qs.exclude(career_wishes__is_current=True)
    elif wants_training:
        qs = qs.filter(career_wishes__is_current=True, career_wishes__wants_training=wants_training)
    return (
        qs.select_related("unit")
        .prefetch_related(current_wish_prefetch())
        .order_by(*LIST_SORTS.get(sort, LIST_SORTS[DEFAULT_SORT]))
    )


@dataclass(frozen=True)
class SoldierRow:
    """One line of the list: the soldier and where he stands on the day the list is read."""

    soldier: Soldier
    month: int
    milestone: str
    milestone_label: str
    wish: Any | None


def soldier_rows(soldiers: Iterable[Soldier], *, on: dt.date | None = None) -> list[SoldierRow]:
    """Rows for soldiers from `soldier_list` (the current wish is already prefetched)."""
    on = on or today()
    rule = service_rule_on(on)
    rows = []
    for soldier in soldiers:
        milestone = soldier.milestone(on, rule)
        wishes = getattr(soldier, "current_wishes", [])
        rows.append(
            SoldierRow(
                soldier=soldier,
                month=soldier.month_of_service(on),
                milestone=milestone,
                milestone_label=Milestone(milestone).label,
                wish=wishes[0] if wishes else None,
            )
        )
    return rows


def soldier_detail(*, user: User, pk: int) -> Soldier:
    """One soldier with all of his path prefetched (wishes, counselling, history), or 404."""
    wishes = _reverse_queryset("career_wishes").select_related("occupation", "recorded_by")
    qs = (
        soldiers_visible_to(user)
        .select_related("unit")
        .prefetch_related(
            Prefetch(
                "career_wishes", queryset=wishes.order_by("-is_current", "-surveyed_on", "-pk")
            ),
            Prefetch("counsellings", queryset=Counselling.objects.select_related("officer")),
            Prefetch("changes", queryset=SoldierChange.objects.select_related("by")),
            # The rest of the path, declared on Soldier by training/ and employers/.
            Prefetch(
                "registrations",
                queryset=_reverse_queryset("registrations").select_related(
                    "occupation", "course__institution", "course__occupation"
                ),
            ),
            Prefetch(
                "training_supports",
                queryset=_reverse_queryset("training_supports").select_related("registration"),
            ),
            Prefetch(
                "referrals",
                queryset=_reverse_queryset("referrals").select_related("opening__employer"),
            ),
            Prefetch(
                "placements",
                queryset=_reverse_queryset("placements").select_related("employer", "occupation"),
            ),
            Prefetch("loans", queryset=_reverse_queryset("loans")),
        )
    )
    return get_object_or_404(qs, pk=pk)


def career_wishes(soldier: Soldier) -> tuple[Any | None, list[Any]]:
    """The current wish and the earlier ones, from the wishes prefetched by `soldier_detail`."""
    wishes = list(soldier.career_wishes.all())
    current = next((wish for wish in wishes if wish.is_current), None)
    return current, [wish for wish in wishes if wish is not current]


@dataclass(frozen=True)
class ServiceDates:
    """The dates that drive a soldier's path (DESIGN.md §3), as of one day."""

    on: dt.date
    month: int
    survey_month: int
    survey_starts: dt.date
    registration_month: int
    registration_starts: dt.date
    discharge: dt.date
    notice_days: int
    notice_on: dt.date
    milestone: str
    milestone_label: str


def service_dates(soldier: Soldier, *, on: dt.date | None = None) -> ServiceDates:
    on = on or today()
    rule = service_rule_on(on)
    milestone = soldier.milestone(on, rule)
    return ServiceDates(
        on=on,
        month=soldier.month_of_service(on),
        survey_month=rule.survey_month,
        survey_starts=soldier.month_starts(rule.survey_month),
        registration_month=rule.registration_month,
        registration_starts=soldier.month_starts(rule.registration_month),
        discharge=soldier.discharge_date,
        notice_days=rule.discharge_notice_days,
        notice_on=soldier.discharge_date - dt.timedelta(days=rule.discharge_notice_days),
        milestone=milestone,
        milestone_label=Milestone(milestone).label,
    )


@dataclass(frozen=True)
class HistoryLine:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    change: SoldierChange
    lines: list[HistoryLine]


# History keys that are not Soldier fields (written by the services of this and upper apps).
HISTORY_LABELS = {
    "counselling": _("Counselling"),
    "wish": _("Career wish"),
    "career_wish": _("Career wish"),
}


def _history_label(key: str) -> str:
    try:
        verbose_name = getattr(Soldier._meta.get_field(key), "verbose_name", None)
    except FieldDoesNotExist:
        verbose_name = None
    if verbose_name:
        return capfirst(verbose_name)
    # Outcomes recorded above this layer are keyed by their history action (soldiers.outcomes).
    label = HISTORY_LABELS.get(key) or dict(SoldierChange.Action.choices).get(key)
    return str(label or key.replace("_", " ").capitalize())


def _history_line(key: str, values: Any) -> HistoryLine:
    # The services write [before, after]; anything else is shown whole as the new value.
    before, after = values if isinstance(values, list) and len(values) == 2 else ("", values)
    return HistoryLine(_history_label(key), str(before), str(after))


def soldier_history(soldier: Soldier) -> list[HistoryEntry]:
    """The soldier's history, newest first, each change as "field: before → after" lines.

    Reads the `changes` prefetched by `soldier_detail`: no query of its own.
    """
    return [
        HistoryEntry(
            change=change,
            lines=[_history_line(key, values) for key, values in change.changes.items()],
        )
        for change in soldier.changes.all()
    ]


def place_names(soldier: Soldier) -> tuple[str, str]:
    """The names of his home province and commune in the 2025 list ("" for an unknown code)."""
    try:
        province = Province.from_code(soldier.home_province_code).name
    except (ValueError, TypeError):
        province = ""
    try:
        ward = Ward.from_code(soldier.home_ward_code).name
    except (ValueError, TypeError):
        ward = ""
    return province, ward


# -- the worklist: who needs what now (soldiers/views/work.py) --


def can_use_worklist(user: User) -> bool:
    """Those who act on the soldiers' files: unit officers and headquarters staff."""
    scope = scope_for(user)
    return scope.can_write and scope.ward_code is None and not scope.is_empty


@dataclass(frozen=True)
class WorklistRow:
    soldier: Soldier
    month: int
    date: dt.date


@dataclass(frozen=True)
class WorklistSection:
    """One kind of work: the soldiers it concerns and the date that matters for each of them.

    `month` names the month of service whose first day matters; None means the discharge date.
    """

    key: str
    title: str
    date_label: str
    soldiers: QuerySet[Soldier]
    on: dt.date
    month: int | None

    def rows(self, soldiers: Iterable[Soldier]) -> list[WorklistRow]:
        return [
            WorklistRow(
                soldier=soldier,
                month=soldier.month_of_service(self.on),
                date=soldier.month_starts(self.month) if self.month else soldier.discharge_date,
            )
            for soldier in soldiers
        ]


def worklist(*, user: User, on: dt.date) -> list[WorklistSection]:
    """The work due on `on` for the soldiers the user may see, most pressing first in each part.

    One query per part (plus the service rule): the career wishes and counselling are reached
    through reverse relations, so this layer needs no import of training/.
    """
    rule = service_rule_on(on)
    base = (
        with_discharge_date(soldiers_visible_to(user))
        .filter(archived=False)
        .filter(~milestone_q(Milestone.DISCHARGED, on, rule))
        .select_related("unit")
    )
    survey_started = Q(enlistment_date__lte=latest_enlistment_for_month(rule.survey_month, on))
    registration_started = Q(
        enlistment_date__lte=latest_enlistment_for_month(rule.registration_month, on)
    )
    by_enlistment = ("enlistment_date", "sort_key", "pk")
    by_discharge = ("discharge_on", "sort_key", "pk")
    month_label = _("Month %(month)s started")
    # A registration in any state but withdrawn means the month-18 work for him is done; its rows
    # are training/'s, reached by the reverse relation (its "withdrawn" status named here).
    registered = (
        _reverse_queryset("registrations")
        .filter(soldier=OuterRef("pk"))
        .exclude(status="withdrawn")
    )
    return [
        WorklistSection(
            key="survey",
            title=_("Career-wish survey due"),
            date_label=month_label % {"month": rule.survey_month},
            soldiers=base.filter(survey_started)
            .exclude(career_wishes__is_current=True)
            .order_by(*by_enlistment),
            on=on,
            month=rule.survey_month,
        ),
        WorklistSection(
            key="registration",
            title=_("Training registration due"),
            date_label=month_label % {"month": rule.registration_month},
            soldiers=base.filter(
                registration_started,
                ~Exists(registered),
                career_wishes__is_current=True,
                career_wishes__wants_training="yes",
            ).order_by(*by_enlistment),
            on=on,
            month=rule.registration_month,
        ),
        WorklistSection(
            key="discharging",
            title=_("Discharging within %(days)s days") % {"days": rule.discharge_notice_days},
            date_label=_("Discharge date"),
            soldiers=base.filter(milestone_q(Milestone.DISCHARGING, on, rule)).order_by(
                *by_discharge
            ),
            on=on,
            month=None,
        ),
        WorklistSection(
            key="counselling",
            title=_("No counselling yet"),
            # Counselling counts towards the target only if given by the discharge date.
            date_label=_("Discharge date"),
            soldiers=base.filter(survey_started, counsellings__isnull=True).order_by(*by_discharge),
            on=on,
            month=None,
        ),
    ]
