"""Deadline reminders: 14, 7 and 1 days before, on the day, then weekly while the report is
missing, with a copy to PX01 once overdue. Each (obligation, unit, year, step) is sent exactly once:
the Reminder row is inserted before anything is sent, inside the same transaction, so a second run
or a second worker finds it and sends nothing. After a gap (beat down), only the latest missed step
is sent, not all of them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from reports.deadlines import DONE, responsible_units
from reports.models import Reminder, ReportObligation, ReportSubmission
from units.models import Unit, User
from units.scoping import LEAD_DEPARTMENT
from units.services import notify

BEFORE = ((14, "d14"), (7, "d7"), (1, "d1"), (0, "d0"))
WEEK = 7
# A report still missing three months after its deadline is a matter for PX01's follow-up, not
# for a weekly e-mail (and a new installation must not chase years that predate it).
MAX_OVERDUE_WEEKS = 12


def latest_step(due: dt.date, on: dt.date) -> str | None:
    """The latest reminder step whose day has come by `on` (None before the first one, and after
    the last weekly chase)."""
    if on > due:
        weeks = (on - due).days // WEEK
        if weeks > MAX_OVERDUE_WEEKS:
            return None
        return f"w{weeks}" if weeks else "d0"
    reached = [step for days, step in BEFORE if on >= due - dt.timedelta(days=days)]
    return reached[-1] if reached else None


@dataclass
class Sent:
    obligation: str
    unit: str
    year: int
    step: str


def _recipients(unit: Unit) -> list[User]:
    return list(
        User.objects.filter(
            unit=unit,
            is_active=True,
            role__in=(User.Role.UNIT_OFFICER, User.Role.HQ_STAFF),
        )
    )


def _message(
    obligation: ReportObligation, unit: Unit, due: dt.date, step: str, on: dt.date
) -> tuple[str, str]:
    due_text = due.strftime("%d/%m/%Y")
    if step.startswith("w") or (step == "d0" and on > due):
        title = _("Overdue report: %(name)s") % {"name": obligation.name}
        body = _('%(unit)s has not submitted "%(name)s", due %(due)s. Please submit it now.') % {
            "unit": unit.code,
            "name": obligation.name,
            "due": due_text,
        }
    else:
        title = _("Report due %(due)s: %(name)s") % {"due": due_text, "name": obligation.name}
        body = _('%(unit)s must submit "%(name)s" by %(due)s. %(what)s') % {
            "unit": unit.code,
            "name": obligation.name,
            "due": due_text,
            "what": obligation.description,
        }
    return title, body


def _send_one(obligation: ReportObligation, unit: Unit, year: int, step: str, on: dt.date) -> bool:
    """Claim the step and notify; False when another run already claimed it."""
    due = obligation.due_on(year)
    try:
        with transaction.atomic():
            Reminder.objects.create(obligation=obligation, unit=unit, year=year, step=step)
            title, body = _message(obligation, unit, due, step, on)
            url = reverse("reports:submissions")
            notify(users=_recipients(unit), title=title, body=body, url=url)
            if step.startswith("w"):
                _copy_px01(obligation, unit, year, title, body, url)
    except IntegrityError:
        return False
    return True


def _copy_px01(
    obligation: ReportObligation, unit: Unit, year: int, title: str, body: str, url: str
) -> None:
    """PX01 hears of an overdue report once, with the first overdue reminder."""
    try:
        with transaction.atomic():
            Reminder.objects.create(obligation=obligation, unit=unit, year=year, step="px01")
    except IntegrityError:
        return
    px01 = User.objects.filter(unit__code=LEAD_DEPARTMENT, role=User.Role.HQ_STAFF, is_active=True)
    notify(users=px01, title=_("[Copy] %(title)s") % {"title": title}, body=body, url=url)


def reminders_send(*, on: dt.date) -> list[Sent]:
    """Send what is due on `on` for every obligation of this year and last, to each responsible
    unit that has not submitted. Safe to run twice, late, or on two workers at once."""
    sent: list[Sent] = []
    for obligation in ReportObligation.objects.filter(active=True):
        for year in (on.year - 1, on.year):
            step = latest_step(obligation.due_on(year), on)
            if step is None:
                continue
            done = set(
                ReportSubmission.objects.filter(
                    obligation=obligation, year=year, status__in=DONE
                ).values_list("unit_id", flat=True)
            )
            claimed = set(
                Reminder.objects.filter(obligation=obligation, year=year, step=step).values_list(
                    "unit_id", flat=True
                )
            )
            for unit in responsible_units(obligation):
                if unit.pk in done or unit.pk in claimed:
                    continue
                if _send_one(obligation, unit, year, step, on):
                    sent.append(Sent(obligation.code, unit.code, year, step))
    return sent
