"""The daily milestone notice: each unit's officers learn which of their soldiers reached the
survey month (15) or the registration month (18), once per soldier and month."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from itertools import groupby

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from soldiers.dates import latest_enlistment_for_month
from soldiers.models import MilestoneNotice, Soldier
from soldiers.selectors import service_rule_on, with_discharge_date
from units.models import Unit
from units.selectors import unit_officers_over
from units.services import notify


@transaction.atomic
def milestone_notices_send(*, on: dt.date) -> dict[int, int]:
    """Tell the officers about every serving soldier whose survey or registration month has
    started by `on` and who was not yet noticed for it; returns {month: soldiers noticed}.

    Catches up by itself: a day the task did not run is covered by the next run. Safe to run
    twice or on two workers at once: the MilestoneNotice row is claimed before anything is sent.
    """
    rule = service_rule_on(on)
    noticed = {}
    # The officers read Vietnamese whoever runs this (a worker or a command has no request).
    with translation.override(settings.LANGUAGE_CODE):
        for month in (rule.survey_month, rule.registration_month):
            claimed = [soldier for soldier in _due(month, on) if _claim(soldier, month)]
            _notify_officers(claimed, month, rule.survey_month)
            noticed[month] = len(claimed)
    return noticed


def _due(month: int, on: dt.date) -> QuerySet[Soldier]:
    return (
        with_discharge_date(Soldier.objects.filter(archived=False))
        .filter(
            enlistment_date__lte=latest_enlistment_for_month(month, on),
            discharge_on__gt=on,
        )
        .exclude(milestone_notices__month=month)
        .select_related("unit")
        .order_by("unit__path", "sort_key", "pk")
    )


def _claim(soldier: Soldier, month: int) -> bool:
    """Insert the soldier's notice row; only the run whose insert succeeds tells anyone.

    A concurrent run that inserted it first makes this insert wait for its commit and then fail
    on the unique constraint, so the soldier is never announced twice.
    """
    try:
        with transaction.atomic():
            MilestoneNotice.objects.create(soldier=soldier, month=month)
    except IntegrityError:
        return False
    return True


def _notify_officers(soldiers: Sequence[Soldier], month: int, survey_month: int) -> None:
    """One notification per unit and month, to the officers of that unit and of the units
    above it (their scope covers it)."""
    if not soldiers:
        return
    officers = unit_officers_over(units={soldier.unit for soldier in soldiers})
    url = reverse("soldiers:worklist")
    for unit, group in groupby(soldiers, key=lambda soldier: soldier.unit):
        recipients = [officer for officer in officers if unit.path.startswith(officer.unit.path)]
        if recipients:
            title, body = _message(unit, list(group), month, survey_month)
            notify(users=recipients, title=title, body=body, url=url)


def _message(unit: Unit, soldiers: list[Soldier], month: int, survey_month: int) -> tuple[str, str]:
    title = _("%(unit)s: %(count)s soldiers reached month %(month)s of service") % {
        "unit": unit.code,
        "count": len(soldiers),
        "month": month,
    }
    if month == survey_month:
        intro = _("Their career-wish survey and counselling are due:")
    else:
        intro = _("The training registration list is due for those who want training:")
    lines = [
        _("%(name)s, month %(month)s since %(date)s")
        % {
            "name": soldier.full_name,
            "month": month,
            "date": date_format(soldier.month_starts(month), "SHORT_DATE_FORMAT"),
        }
        for soldier in soldiers
    ]
    return title, "\n".join([intro, *(f"- {line}" for line in lines)])
