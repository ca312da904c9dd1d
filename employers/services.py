"""Writes on the demand side: the employers' list (PA04), job fairs (PX03), and each soldier's
referrals, placements and loans. One use case per function, in one transaction."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from employers.models import (
    Employer,
    EmployerStaff,
    JobFair,
    JobOpening,
    Loan,
    Placement,
    Referral,
)
from employers.selectors import may_record_for_employer, partner_employer, staff_employer
from soldiers import milestones
from soldiers.models import Counselling, Soldier, SoldierChange
from soldiers.outcomes import outcome_history, require_outcome_writer
from training.services import outcome_recorded, require_writer_or_partner
from units.models import User
from units.scoping import Catalogue, may_keep, scope_for
from units.services import invitation_create, notify, partner_account_invite

TAX_CODE_RE = re.compile(r"^(\d{10}|\d{13})$")


def _require_keeper(user: User, catalogue: str) -> None:
    if not may_keep(user, catalogue):
        raise PermissionDenied(_("Your account may not change this list."))


def _save(instance: Any, fields: dict[str, Any]) -> Any:
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def employer_save(*, user: User, employer: Employer | None = None, **fields: Any) -> Employer:
    """Add or change an employer of PA04's list. The tax code is 10 or 13 digits, unique."""
    _require_keeper(user, Catalogue.EMPLOYERS)
    fields["tax_code"] = re.sub(r"[\s.\-]", "", fields.get("tax_code") or "")
    if not TAX_CODE_RE.match(fields["tax_code"]):
        raise ValidationError({"tax_code": [_("The tax code must be 10 or 13 digits.")]})
    return _save(employer or Employer(), fields)


@transaction.atomic
def opening_save(*, user: User, opening: JobOpening | None = None, **fields: Any) -> JobOpening:
    """Add or change a job opening of PA04's list."""
    _require_keeper(user, Catalogue.EMPLOYERS)
    return _save(opening or JobOpening(), fields)


@transaction.atomic
def referral_create(*, user: User, soldier: Soldier, opening: JobOpening, on: dt.date) -> Referral:
    """Introduce a soldier to an opening (the employer later confirms a hire or declines)."""
    require_outcome_writer(user, soldier)
    if opening.open_until < on or not (opening.active and opening.approved):
        raise ValidationError(_("This opening is closed."))
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                soldier=soldier, opening=opening, referred_on=on, referred_by=user
            )
    except IntegrityError:
        raise ValidationError(_("He has already been referred to this opening.")) from None
    outcome_history(
        soldier=soldier,
        user=user,
        action=SoldierChange.Action.REFERRAL,
        summary=f"{opening.title} – {opening.employer.name}",
    )
    return referral


@transaction.atomic
def placement_record(*, user: User, soldier: Soldier, **fields: Any) -> Placement:
    """Record a job the soldier took. It cannot start before his enlistment. The police record
    any job; an employer's own staff records only the hire of a soldier referred to one of its
    openings, which the hire confirms (the referral's conditional update decides, once)."""
    employer = staff_employer(user)
    require_writer_or_partner(user, soldier, partner=employer is not None)
    started_on: dt.date = fields["started_on"]
    if started_on > timezone.localdate():
        raise ValidationError({"started_on": [_("This date is in the future.")]})
    if started_on < soldier.enlistment_date:
        raise ValidationError(
            {"started_on": [_("The job cannot start before his enlistment date.")]}
        )
    opening: JobOpening | None = fields.get("opening")
    if employer is not None and (opening is None or opening.employer_id != employer.pk):
        raise _not_referred(soldier)
    if opening is not None:
        fields.setdefault("employer", opening.employer)
        if fields.get("occupation") is None:
            fields["occupation"] = opening.occupation
        hired = Referral.objects.filter(
            soldier=soldier, opening=opening, status=Referral.Status.REFERRED
        ).update(status=Referral.Status.HIRED, decided_on=started_on)
        if employer is not None and not hired:
            raise _not_referred(soldier)
    placement = _save(Placement(soldier=soldier, recorded_by=user), fields)
    outcome_recorded(
        soldier=soldier,
        user=user,
        action=SoldierChange.Action.PLACEMENT,
        summary=_placement_summary(placement),
        partner=employer.name if employer else "",
    )
    milestones.refresh([soldier.pk])
    return placement


def _not_referred(soldier: Soldier) -> ValidationError:
    return ValidationError(
        _(
            "%(name)s has no open referral to this opening of your company: only the hire of a "
            "soldier referred to you can be confirmed."
        )
        % {"name": soldier.full_name}
    )


def _placement_summary(placement: Placement) -> str:
    where = placement.employer.name if placement.employer_id else placement.workplace
    started = date_format(placement.started_on, "SHORT_DATE_FORMAT")
    return " – ".join(p for p in (placement.get_kind_display(), where, started) if p)


@transaction.atomic
def loan_record(*, user: User, soldier: Soldier, **fields: Any) -> Loan:
    """Record a loan application to the social policy bank."""
    require_outcome_writer(user, soldier)
    if fields["applied_on"] > timezone.localdate():
        raise ValidationError({"applied_on": [_("This date is in the future.")]})
    loan = _save(Loan(soldier=soldier, recorded_by=user), fields)
    outcome_history(
        soldier=soldier,
        user=user,
        action=SoldierChange.Action.LOAN,
        summary=f"{loan.get_purpose_display()} – {loan.amount_vnd:,} đ".replace(",", "."),
    )
    return loan


LOAN_NEXT = {
    Loan.Status.APPLIED: {Loan.Status.APPROVED, Loan.Status.REJECTED},
    Loan.Status.APPROVED: {Loan.Status.DISBURSED, Loan.Status.REJECTED},
    Loan.Status.DISBURSED: {Loan.Status.REPAID},
}


@transaction.atomic
def loan_set_status(*, user: User, loan: Loan, status: str, on: dt.date) -> Loan:
    """Move a loan forward: applied → approved or rejected → disbursed → repaid."""
    require_outcome_writer(user, loan.soldier)
    if status not in LOAN_NEXT.get(loan.status, set()):
        raise ValidationError(_("This loan cannot move to that status."))
    before = loan.get_status_display()
    updated = Loan.objects.filter(pk=loan.pk, status=loan.status).update(
        status=status, decided_on=on
    )
    if not updated:
        raise ValidationError(_("Someone else changed this loan; reload the page."))
    loan.refresh_from_db()
    outcome_history(
        soldier=loan.soldier,
        user=user,
        action=SoldierChange.Action.LOAN,
        before=before,
        summary=loan.get_status_display(),
    )
    return loan


@transaction.atomic
def job_fair_save(
    *,
    user: User,
    fair: JobFair | None = None,
    employers: list[Employer] | None = None,
    **fields: Any,
) -> JobFair:
    """Add or change a job fair (PX03's list)."""
    _require_keeper(user, Catalogue.JOB_FAIRS)
    fair = _save(fair or JobFair(), fields)
    if employers is not None:
        fair.employers.set(employers)
    return fair


@transaction.atomic
def job_fair_record_attendance(*, user: User, fair: JobFair, soldiers: list[Soldier]) -> int:
    """Record who attended; each new attendee also gets a counselling of kind "job fair" dated
    on the fair. Returns how many attendees were new; recording a soldier twice adds nothing."""
    scope = scope_for(user)
    if not scope.can_write:
        raise PermissionDenied(_("Your account may not change this list."))
    if fair.date > timezone.localdate():
        raise ValidationError(_("Attendance can be recorded once the fair has taken place."))
    present = set(fair.soldiers.values_list("pk", flat=True))
    new = [s for s in soldiers if s.pk not in present]
    for soldier in new:
        require_outcome_writer(user, soldier)
        if fair.date < soldier.enlistment_date:
            raise ValidationError(
                _("%(name)s enlisted after the fair.") % {"name": soldier.full_name}
            )
    fair.soldiers.add(*new)
    Counselling.objects.bulk_create(
        Counselling(
            soldier=s, date=fair.date, kind=Counselling.Kind.JOB_FAIR, officer=user, note=fair.name
        )
        for s in new
    )
    SoldierChange.objects.bulk_create(
        SoldierChange(
            soldier=s,
            by=user,
            action=SoldierChange.Action.JOB_FAIR,
            changes={
                "job_fair": ["", f"{fair.name} {date_format(fair.date, 'SHORT_DATE_FORMAT')}"]
            },
        )
        for s in new
    )
    milestones.refresh([s.pk for s in new])
    return len(new)


# ---- partners: accounts of an employer's staff, their openings, hires and refusals ----


@transaction.atomic
def employer_staff_invite(
    *, user: User, employer: Employer, username: str, full_name: str, email: str, base_url: str = ""
) -> User:
    """PA04 or PX01 opens an account for a member of an employer's staff: role employer_staff,
    no unit, no password until he follows the invitation e-mailed to him."""
    _require_keeper(user, Catalogue.EMPLOYERS)
    account = partner_account_invite(
        created_by=user,
        role=User.Role.EMPLOYER_STAFF,
        username=username,
        full_name=full_name,
        email=email,
        base_url=base_url,
    )
    EmployerStaff.objects.create(user=account, employer=employer)
    return account


@transaction.atomic
def employer_staff_reinvite(*, user: User, staff: EmployerStaff, base_url: str = "") -> str:
    """A new invitation for an employer's account (the last one expired, or was lost)."""
    _require_keeper(user, Catalogue.EMPLOYERS)
    return invitation_create(user=staff.user, created_by=user, base_url=base_url)


@transaction.atomic
def opening_propose(*, user: User, opening: JobOpening | None = None, **fields: Any) -> JobOpening:
    """An employer's staff adds or changes one of its openings: it leaves PA04's list until PA04
    approves it again (officers refer soldiers only to approved openings)."""
    employer = partner_employer(user)
    if opening is not None and opening.employer_id != employer.pk:
        raise PermissionDenied(_("Your account may not change this list."))
    fields |= {"employer": employer, "approved": False, "proposed_by": user}
    return _save(opening or JobOpening(), fields)


@transaction.atomic
def opening_approve(*, user: User, opening: JobOpening) -> JobOpening:
    """PA04 or PX01 approves an employer's opening: it joins the list (once; the employer's
    staff who proposed it is told)."""
    _require_keeper(user, Catalogue.EMPLOYERS)
    if not JobOpening.objects.filter(pk=opening.pk, approved=False).update(approved=True):
        raise ValidationError(_("This opening is already approved."))
    opening.refresh_from_db()
    if opening.proposed_by_id:
        notify(
            users=User.objects.filter(pk=opening.proposed_by_id),
            title=_("Opening approved: %(opening)s") % {"opening": opening.title},
            body=_("PA04 has approved your opening; officers may now refer soldiers to it."),
            url=reverse("employers:partner_home"),
        )
    return opening


def _source_of(referral: Referral) -> str:
    """How a job that came from a referral came: from the commune police or from the unit."""
    if referral.referred_by.role == User.Role.COMMUNE_OFFICER:
        return Placement.Source.COMMUNE_POLICE
    return Placement.Source.UNIT


@transaction.atomic
def referral_hire(
    *,
    user: User,
    referral: Referral,
    started_on: dt.date,
    evidence: str,
    salary_vnd: int | None = None,
) -> Placement:
    """The employer confirms it hired a soldier referred to it: the referral becomes "hired" and
    his job (a Placement) is recorded, as placement_record records any job."""
    opening = referral.opening
    return placement_record(
        user=user,
        soldier=referral.soldier,
        kind=Placement.Kind.ABROAD if opening.abroad else Placement.Kind.ENTERPRISE,
        opening=opening,
        employer=opening.employer,
        started_on=started_on,
        salary_vnd=salary_vnd,
        evidence=evidence,
        source=_source_of(referral),
    )


@transaction.atomic
def referral_decline(*, user: User, referral: Referral, on: dt.date, reason: str) -> Referral:
    """The employer did not take the soldier referred to it, and says why."""
    employer = staff_employer(user)
    require_writer_or_partner(
        user, referral.soldier, partner=may_record_for_employer(user, referral)
    )
    if on > timezone.localdate():
        raise ValidationError({"on": [_("This date is in the future.")]})
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason why he was not taken.")]})
    if not Referral.objects.filter(pk=referral.pk, status=Referral.Status.REFERRED).update(
        status=Referral.Status.DECLINED, decided_on=on, reason=reason.strip()
    ):
        raise ValidationError(_("This referral was already decided."))
    referral.refresh_from_db()
    outcome_recorded(
        soldier=referral.soldier,
        user=user,
        action=SoldierChange.Action.REFERRAL,
        before=Referral.Status.REFERRED.label,
        summary=f"{referral.opening.title} – {referral.opening.employer.name}: "
        f"{referral.get_status_display()} ({referral.reason})",
        partner=employer.name if employer else "",
    )
    return referral
