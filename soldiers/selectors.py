"""Reads of soldiers, always through the requesting user's scope (units.scoping)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from soldiers.dates import latest_enlistment_for_month
from soldiers.models import ServiceRule, Soldier
from units.models import User
from units.scoping import scope_for

Milestone = Soldier.Milestone


def service_rule_on(day: dt.date) -> ServiceRule:
    """The service rule in force on `day` (the defaults of the law if none is recorded)."""
    rule = ServiceRule.objects.filter(valid_from__lte=day).order_by("-valid_from").first()
    return rule or ServiceRule(valid_from=day)


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
