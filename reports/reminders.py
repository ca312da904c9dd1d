"""Deadline reminders: 14, 7 and 1 days before, on the day, then weekly while the report is
missing, with a copy to PX01 once overdue. Each (obligation, unit, year, step) is sent exactly once:
the Reminder row is inserted before anything is sent, inside the same transaction, so a second run
or a second worker finds it and sends nothing. After a gap (beat down), only the latest missed step
is sent, not all of them. A partner that owes a report (institution, employer) is reminded as a
unit is, through its partner accounts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from reports.deadlines import DONE, Party, answerable_accounts, ident_of, responsible_parties
from reports.models import Reminder, ReportObligation, ReportSubmission
from units.selectors import lead_department_staff
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


def _message(
    obligation: ReportObligation, party: Party, due: dt.date, step: str, on: dt.date
) -> tuple[str, str]:
    due_text = due.strftime("%d/%m/%Y")
    if step.startswith("w") or (step == "d0" and on > due):
        title = _("Overdue report: %(name)s") % {"name": obligation.name}
        body = _('%(unit)s has not submitted "%(name)s", due %(due)s. Please submit it now.') % {
            "unit": party.label,
            "name": obligation.name,
            "due": due_text,
        }
    else:
        title = _("Report due %(due)s: %(name)s") % {"due": due_text, "name": obligation.name}
        body = _('%(unit)s must submit "%(name)s" by %(due)s. %(what)s') % {
            "unit": party.label,
            "name": obligation.name,
            "due": due_text,
            "what": obligation.description,
        }
    return title, body


def _send_one(
    obligation: ReportObligation, party: Party, year: int, step: str, on: dt.date
) -> bool:
    """Claim the step and notify; False when another run already claimed it."""
    due = obligation.due_on(year)
    try:
        with transaction.atomic():
            Reminder.objects.create(obligation=obligation, year=year, step=step, **party.lookup)
            title, body = _message(obligation, party, due, step, on)
            url = reverse("reports:submissions")
            notify(users=answerable_accounts(party), title=title, body=body, url=url)
            if step.startswith("w"):
                _copy_px01(obligation, party, year, title, body, url)
    except IntegrityError:
        return False
    return True


def _copy_px01(
    obligation: ReportObligation, party: Party, year: int, title: str, body: str, url: str
) -> None:
    """PX01 hears of an overdue report once, with the first overdue reminder."""
    try:
        with transaction.atomic():
            Reminder.objects.create(obligation=obligation, year=year, step="px01", **party.lookup)
    except IntegrityError:
        return
    px01 = lead_department_staff()
    notify(users=px01, title=_("[Copy] %(title)s") % {"title": title}, body=body, url=url)


def reminders_send(*, on: dt.date) -> list[Sent]:
    """Send what is due on `on` for every obligation of this year and last, to each responsible
    unit (or partner) that has not submitted. Safe to run twice, late, or on two workers at
    once."""
    sent: list[Sent] = []
    for obligation in ReportObligation.objects.filter(active=True):
        for year in (on.year - 1, on.year):
            step = latest_step(obligation.due_on(year), on)
            if step is None:
                continue
            done = {
                ident_of(row)
                for row in ReportSubmission.objects.filter(
                    obligation=obligation, year=year, status__in=DONE
                ).only("unit_id", "institution_id", "employer_id")
            }
            claimed = {
                ident_of(row)
                for row in Reminder.objects.filter(
                    obligation=obligation, year=year, step=step
                ).only("unit_id", "institution_id", "employer_id")
            }
            for party in responsible_parties(obligation):
                if party.ident in done or party.ident in claimed:
                    continue
                if _send_one(obligation, party, year, step, on):
                    sent.append(Sent(obligation.code, party.label, year, step))
    return sent
