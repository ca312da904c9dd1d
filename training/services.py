"""Writes of the training layer. Each function is one use case, in one transaction, and leaves an
entry in the soldier's history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from soldiers import milestones
from soldiers.dates import add_months
from soldiers.models import Soldier, SoldierChange
from soldiers.outcomes import outcome_history, require_outcome_writer
from soldiers.services import history_record, require_writer
from training.models import (
    CareerWish,
    Course,
    Institution,
    InstitutionStaff,
    Occupation,
    Registration,
    RegistrationList,
    TrainingSupport,
)
from training.selectors import (
    may_record_for_institution,
    may_settle_for_institution,
    partner_institution,
    staff_institution,
    support_cap_on,
)
from units.models import User
from units.scoping import Catalogue, may_keep
from units.selectors import unit_officers_over
from units.services import invitation_create, notify, partner_account_invite

# The answers an officer reads in the soldier's history, in the order of the survey form.
MAIN_ANSWERS = (
    "surveyed_on",
    "wants_training",
    "occupation",
    "preferred_institution",
    "wants_job_referral",
    "preferred_work_place",
    "stay_in_police",
    "wants_loan",
    "loan_purpose",
    "wants_grassroots_security",
)


@transaction.atomic
def career_wish_record(
    *,
    user: User,
    soldier: Soldier,
    surveyed_on: dt.date,
    wants_training: str,
    occupation: Occupation | None = None,
    preferred_institution: str = "",
    wants_job_referral: bool = False,
    preferred_work_place: str = "",
    stay_in_police: str = CareerWish.StayInPolice.NO,
    wants_loan: bool = False,
    loan_purpose: str = "",
    wants_grassroots_security: bool = False,
    note: str = "",
) -> CareerWish:
    """Record the soldier's answers to the survey as his current wish; the wish it replaces stays
    on record as history."""
    # The lock makes two officers surveying one soldier at once take turns, so the second
    # replaces the first instead of failing on the one-current-wish constraint.
    locked = Soldier.objects.select_for_update().get(pk=soldier.pk)
    require_writer(user, locked.unit)
    current = (
        CareerWish.objects.filter(soldier=locked, is_current=True)
        .select_related("occupation")
        .first()
    )
    wish = CareerWish(
        soldier=locked,
        surveyed_on=surveyed_on,
        wants_training=wants_training,
        occupation=occupation,
        preferred_institution=" ".join(preferred_institution.split()),
        wants_job_referral=wants_job_referral,
        preferred_work_place=preferred_work_place,
        stay_in_police=stay_in_police,
        wants_loan=wants_loan,
        loan_purpose=loan_purpose,
        wants_grassroots_security=wants_grassroots_security,
        note=note.strip(),
        recorded_by=user,
    )
    _validate(locked, wish, current)
    if current is not None:
        CareerWish.objects.filter(pk=current.pk).update(is_current=False)
    wish.save()
    history_record(
        soldier=locked,
        user=user,
        action=SoldierChange.Action.WISH,
        changes={"wish": _summary_change(current, wish)},
    )
    milestones.refresh([locked.pk])
    return wish


def _validate(soldier: Soldier, wish: CareerWish, current: CareerWish | None) -> None:
    """Every rule of the survey at once, with Vietnamese messages by field."""
    if soldier.archived:
        raise ValidationError(_("This soldier's file is archived; restore it first."))
    errors: dict[str, list[str]] = {}
    if wish.surveyed_on > timezone.localdate():
        errors["surveyed_on"] = [_("The survey date is in the future.")]
    elif wish.surveyed_on < soldier.enlistment_date:
        errors["surveyed_on"] = [_("The survey date is before his enlistment.")]
    elif current is not None and wish.surveyed_on < current.surveyed_on:
        errors["surveyed_on"] = [
            _("His current wish was surveyed on %(date)s; a new survey cannot be dated earlier.")
            % {"date": date_format(current.surveyed_on, "SHORT_DATE_FORMAT")}
        ]
    if wish.wants_training == CareerWish.Training.YES and wish.occupation is None:
        errors["occupation"] = [_("Choose the occupation he wants to learn.")]
    elif wish.occupation is not None and not _may_name(wish.occupation, current):
        errors["occupation"] = [_("This occupation is no longer on the list.")]
    if wish.loan_purpose and not wish.wants_loan:
        errors["loan_purpose"] = [_("A loan purpose needs a wish for a loan.")]
    try:
        # Choices and lengths, as the model declares them (a caller other than the form).
        wish.full_clean(exclude=["soldier", "recorded_by", *errors], validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _may_name(occupation: Occupation, current: CareerWish | None) -> bool:
    """An active occupation, or the one his current wish already names (kept if taken off)."""
    return occupation.active or (current is not None and current.occupation_id == occupation.pk)


def _answers(wish: CareerWish | None) -> dict[str, str]:
    """The main answers of a wish as an officer reads them ("" for no wish yet)."""
    if wish is None:
        return {}
    answers = {}
    for name in MAIN_ANSWERS:
        field = CareerWish._meta.get_field(name)
        value = getattr(wish, name)
        if isinstance(value, bool):
            text = _("Yes") if value else _("No")
        elif isinstance(value, dt.date):
            text = date_format(value, "SHORT_DATE_FORMAT")
        elif field.choices:
            text = str(dict(field.flatchoices).get(value, value))
        else:
            text = str(value or "")
        answers[name] = text
    return answers


def _summary_change(before: CareerWish | None, after: CareerWish) -> list[str]:
    """[before, after] of the answers that changed, each as "label: value; label: value".

    The first survey lists every answer given; a later one only those that differ.
    """
    old, new = _answers(before), _answers(after)
    if old:
        changed = [name for name in MAIN_ANSWERS if old[name] != new[name]]
    else:
        changed = [name for name in MAIN_ANSWERS if new[name]]

    def text(answers: dict[str, str]) -> str:
        if not answers:
            return ""
        return "; ".join(
            f"{capfirst(CareerWish._meta.get_field(name).verbose_name)}: {answers[name] or '—'}"
            for name in changed
        )

    return [text(old), text(new)]


# ---- PA03's list: institutions and courses, kept by PA03 and PX01 (no soldier's history) ----


def _require_catalogue_keeper(user: User) -> None:
    if not may_keep(user, Catalogue.INSTITUTIONS):
        raise PermissionDenied(_("Your account may not change this list."))


def _catalogue_save(instance: Any, errors: dict[str, list[str]]) -> Any:
    """Check every rule of the model at once, adding to `errors` found before, then save.

    A field already at fault is left out of the model's checks, so it is reported only once.
    """
    try:
        instance.full_clean(exclude=list(errors))
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    instance.save()
    return instance


@transaction.atomic
def institution_save(
    *, user: User, institution: Institution | None = None, **fields: Any
) -> Institution:
    """Add or change an institution of PA03's list. Its name is unique on the list."""
    _require_catalogue_keeper(user)
    institution = institution or Institution()
    if "name" in fields:
        fields["name"] = " ".join(str(fields["name"]).split())
    for name, value in fields.items():
        setattr(institution, name, value)
    errors: dict[str, list[str]] = {}
    # Case-insensitively, where the database can: "trường" and "Trường" are one school.
    namesakes = Institution.objects.filter(name__iexact=institution.name).exclude(pk=institution.pk)
    if institution.name and namesakes.exists():
        errors["name"] = [_("An institution of this name is already on the list.")]
    return _catalogue_save(institution, errors)


@transaction.atomic
def course_save(*, user: User, course: Course | None = None, **fields: Any) -> Course:
    """Add or change a course of PA03's list: it lasts more than zero months, costs no negative
    amount, and an institution lists an occupation at a level once in a year's list."""
    _require_catalogue_keeper(user)
    return _course_check_and_save(course or Course(), fields)


def _course_check_and_save(course: Course, fields: dict[str, Any]) -> Course:
    for name, value in fields.items():
        setattr(course, name, value)
    errors: dict[str, list[str]] = {}
    # The database refuses these too; checked here so that the message names the field.
    if course.duration_months is not None and course.duration_months <= 0:
        errors["duration_months"] = [_("The duration must be more than zero.")]
    if course.tuition_vnd is not None and course.tuition_vnd < 0:
        errors["tuition_vnd"] = [_("Tuition must not be negative.")]
    if course.support_vnd is not None and course.support_vnd < 0:
        errors["support_vnd"] = [_("The support level must not be negative.")]
    return _catalogue_save(course, errors)


# ---- partners: what an institution's or an employer's staff may change, and who is told ----


def require_writer_or_partner(user: User, soldier: Soldier, *, partner: bool) -> None:
    """The police who record the soldier's outcomes (soldiers.outcomes), or the partner the
    record concerns (`partner`: the institution it was sent to, the employer he was referred to,
    as the partner's own selectors decide). Nobody changes an archived file."""
    if not partner:
        require_outcome_writer(user, soldier)
    elif soldier.archived:
        raise ValidationError(_("This soldier's file is archived; restore it first."))


def outcome_recorded(
    *, soldier: Soldier, user: User, action: str, summary: str, before: str = "", partner: str = ""
) -> None:
    """The history line of an outcome. A change made by a partner (`partner`: the name of his
    institution or employer) is also told in the app to the officers of the soldier's unit and
    of the units above it, who answer for his path."""
    outcome_history(soldier=soldier, user=user, action=action, before=before, summary=summary)
    if not partner:
        return
    label = SoldierChange.Action(action).label
    notify(
        users=unit_officers_over(units=[soldier.unit]),
        title=_("%(partner)s updated the file of %(name)s")
        % {"partner": partner, "name": soldier.full_name},
        body=_("%(action)s: %(summary)s (recorded by %(user)s).")
        % {"action": label, "summary": summary, "user": user.get_full_name()},
        url=reverse("soldiers:detail", args=[soldier.pk]),
    )


def _institution_name(user: User) -> str:
    """The name of the user's institution if he is its staff ("" for the police)."""
    institution = staff_institution(user)
    return institution.name if institution else ""


# ---- registrations: wished → sent to institution → enrolled → completed / withdrawn ----


def _not_in_future(day: dt.date, field: str = "on") -> None:
    """Outcomes are recorded once they happened, never ahead of time."""
    if day > timezone.localdate():
        raise ValidationError({field: [_("This date is in the future.")]})


def _require_status(registration: Registration, *allowed: str, message: str) -> None:
    if registration.status not in allowed:
        raise ValidationError(message)


def _move(registration: Registration, expected: str, **changes: Any) -> Registration:
    """A conditional update: the row moves only from the status the user saw."""
    updated = Registration.objects.filter(pk=registration.pk, status=expected).update(**changes)
    if not updated:
        raise ValidationError(_("Someone else changed this registration; reload the page."))
    registration.refresh_from_db()
    return registration


def _require_registration_writer(user: User, registration: Registration) -> None:
    require_writer_or_partner(
        user, registration.soldier, partner=may_record_for_institution(user, registration)
    )


def _registration_changed(registration: Registration, user: User, before: str = "") -> None:
    """History line for the change, and the soldier's milestone columns brought up to date."""
    milestones.refresh([registration.soldier_id])
    course = registration.course
    where = f" – {course.institution.name}" if course else ""
    outcome_recorded(
        soldier=registration.soldier,
        user=user,
        action=SoldierChange.Action.REGISTRATION,
        before=before,
        summary=f"{registration.occupation.name}{where}: {registration.get_status_display()}",
        partner=_institution_name(user),
    )


@transaction.atomic
def registration_create(
    *,
    user: User,
    soldier: Soldier,
    on: dt.date,
    course: Course | None = None,
    occupation: Occupation | None = None,
) -> Registration:
    """Register a soldier for training: for a course, or for an occupation whose course is not
    chosen yet. Refused for archived soldiers and while another registration is open."""
    require_outcome_writer(user, soldier)
    if course is not None:
        if not (course.approved and course.active):
            raise ValidationError({"course": [_("This course is not open for registration.")]})
        occupation = course.occupation
    if occupation is None:
        raise ValidationError({"occupation": [_("Choose the course or the occupation.")]})
    if Registration.objects.filter(soldier=soldier, status__in=Registration.OPEN_STATUSES).exists():
        raise ValidationError(_("He already has a registration in progress."))
    registration = Registration.objects.create(
        soldier=soldier,
        course=course,
        institution=course.institution if course else None,
        occupation=occupation,
        status=Registration.Status.WISHED,
        wished_on=on,
        created_by=user,
    )
    _registration_changed(registration, user)
    return registration


@transaction.atomic
def registration_choose_course(
    *, user: User, registration: Registration, course: Course
) -> Registration:
    """Pick the course of a registration that has none yet (e.g. one from the tracking ledger)."""
    require_outcome_writer(user, registration.soldier)
    _require_status(
        registration,
        Registration.Status.WISHED,
        message=_("The course can only be chosen before the list is sent."),
    )
    registration.course, registration.institution = course, course.institution
    registration.occupation = course.occupation
    registration.save(update_fields=["course", "institution", "occupation"])
    _registration_changed(registration, user)
    return registration


@transaction.atomic
def registrations_send(
    *, user: User, registrations: list[Registration], on: dt.date
) -> list[RegistrationList]:
    """The month-18 step: send the selected registrations, one list per institution."""
    if not registrations:
        raise ValidationError(_("Select at least one soldier."))
    _not_in_future(on)
    by_institution: dict[int, list[Registration]] = {}
    for registration in registrations:
        require_outcome_writer(user, registration.soldier)
        if registration.status != Registration.Status.WISHED:
            raise ValidationError(
                _("%(name)s's registration was already sent.") % {"name": registration.soldier}
            )
        if registration.course is None:
            raise ValidationError(
                _("Choose a course for %(name)s before sending.") % {"name": registration.soldier}
            )
        by_institution.setdefault(registration.institution_id, []).append(registration)
    lists = []
    for institution_id, rows in by_institution.items():
        sent = RegistrationList.objects.create(
            institution_id=institution_id, sent_on=on, sent_by=user
        )
        for registration in rows:
            _move(
                registration,
                Registration.Status.WISHED,
                status=Registration.Status.SENT,
                sent_on=on,
                sent_list=sent,
            )
            _registration_changed(registration, user, before=_("Wished"))
        lists.append(sent)
    return lists


@transaction.atomic
def registration_enrol(*, user: User, registration: Registration, on: dt.date) -> Registration:
    """The institution took him in. Only after the list was sent, and not before that day."""
    _require_registration_writer(user, registration)
    _require_status(
        registration,
        Registration.Status.SENT,
        message=_("Enrolment can only be recorded after the list was sent to the institution."),
    )
    _not_in_future(on)
    if on < registration.sent_on:
        raise ValidationError({"on": [_("The enrolment date is before the list was sent.")]})
    _move(
        registration, Registration.Status.SENT, status=Registration.Status.ENROLLED, enrolled_on=on
    )
    _registration_changed(registration, user, before=Registration.Status.SENT.label)
    return registration


@transaction.atomic
def registration_complete(
    *, user: User, registration: Registration, on: dt.date, certificate_number: str = ""
) -> Registration:
    """He finished the course: only after enrolment; a certificate number is unique per school."""
    _require_registration_writer(user, registration)
    _require_status(
        registration,
        Registration.Status.ENROLLED,
        message=_("Completion can only be recorded after enrolment."),
    )
    _not_in_future(on)
    if on < registration.enrolled_on:
        raise ValidationError({"on": [_("The completion date is before the enrolment date.")]})
    number = certificate_number.strip()
    if (
        number
        and Registration.objects.filter(
            institution_id=registration.institution_id, certificate_number=number
        ).exists()
    ):
        raise ValidationError(
            {
                "certificate_number": [
                    _("This certificate number is already used at this institution.")
                ]
            }
        )
    _move(
        registration,
        Registration.Status.ENROLLED,
        status=Registration.Status.COMPLETED,
        completed_on=on,
        certificate_number=number,
    )
    _registration_changed(registration, user, before=Registration.Status.ENROLLED.label)
    return registration


@transaction.atomic
def registration_withdraw(
    *, user: User, registration: Registration, on: dt.date, reason: str
) -> Registration:
    """He left before finishing (or gave up before starting); the reason is required."""
    _require_registration_writer(user, registration)
    _require_status(
        registration,
        *Registration.OPEN_STATUSES,
        message=_("Only a registration in progress can be withdrawn."),
    )
    _not_in_future(on)
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for withdrawal.")]})
    before = registration.get_status_display()
    _move(
        registration,
        registration.status,
        status=Registration.Status.WITHDRAWN,
        withdrawn_on=on,
        withdrawal_reason=reason.strip(),
    )
    _registration_changed(registration, user, before=before)
    return registration


# ---- training support: the card (Decree 61/2015), the commune application (Decree 338/2025) ----

CARD_LAST_COHORT = 2025
COMMUNE_REGIME_FROM = dt.date(2026, 1, 1)
COMMUNE_WINDOW_MONTHS = 60


def _support_history(support: TrainingSupport, user: User, summary: str) -> None:
    outcome_recorded(
        soldier=support.soldier,
        user=user,
        action=SoldierChange.Action.SUPPORT,
        summary=summary,
        partner=_institution_name(user),
    )


@transaction.atomic
def support_issue_card(
    *,
    user: User,
    soldier: Soldier,
    card_number: str,
    issued_on: dt.date,
    registration: Registration | None = None,
) -> TrainingSupport:
    """Issue a vocational training card: for cohorts discharged up to 2025, valid one year from
    issue, worth at most 12 × the base salary in force at issue."""
    require_outcome_writer(user, soldier)
    if soldier.discharge_date.year > CARD_LAST_COHORT:
        raise ValidationError(
            _("Training cards are for soldiers discharged up to 2025; he is under Decree 338/2025.")
        )
    number = card_number.strip()
    if not number:
        raise ValidationError({"card_number": [_("Enter the card number.")]})
    if TrainingSupport.objects.filter(card_number=number).exists():
        raise ValidationError({"card_number": [_("This card number is already recorded.")]})
    support = TrainingSupport.objects.create(
        soldier=soldier,
        regime=TrainingSupport.Regime.CARD,
        registration=registration,
        cap_vnd=support_cap_on(issued_on),
        card_number=number,
        issued_on=issued_on,
        valid_until=add_months(issued_on, 12),
        card_status=TrainingSupport.CardStatus.ISSUED,
        created_by=user,
    )
    _support_history(support, user, _("Card %(number)s issued") % {"number": number})
    return support


@transaction.atomic
def support_settle_card(
    *, user: User, support: TrainingSupport, on: dt.date, amount_vnd: int
) -> TrainingSupport:
    """The institution settles the card after the course; an expired card cannot be used. The
    police record it, or the institution's own staff (a soldier sent to it)."""
    require_writer_or_partner(
        user, support.soldier, partner=may_settle_for_institution(user, support)
    )
    if support.regime != TrainingSupport.Regime.CARD or support.card_status != "issued":
        raise ValidationError(_("Only an issued card can be settled."))
    if on > support.valid_until:
        raise ValidationError(
            _("The card expired on %(date)s and can no longer be used.")
            % {"date": support.valid_until.strftime("%d/%m/%Y")}
        )
    if amount_vnd > support.cap_vnd:
        raise ValidationError({"amount_vnd": [_("The amount is above the card's value.")]})
    updated = TrainingSupport.objects.filter(pk=support.pk, card_status="issued").update(
        card_status=TrainingSupport.CardStatus.SETTLED, settled_on=on, settled_vnd=amount_vnd
    )
    if not updated:
        raise ValidationError(_("Only an issued card can be settled."))
    support.refresh_from_db()
    _support_history(support, user, _("Card %(number)s settled") % {"number": support.card_number})
    return support


@transaction.atomic
def support_apply_at_commune(
    *, user: User, soldier: Soldier, applied_on: dt.date, registration: Registration | None = None
) -> TrainingSupport:
    """An application at the commune People's Committee (Decree 338/2025): from 01/01/2026,
    within 60 months of discharge, once only; capped at 12 × base salary."""
    require_outcome_writer(user, soldier)
    if applied_on < COMMUNE_REGIME_FROM:
        raise ValidationError(_("Applications at the commune start on 01/01/2026."))
    deadline = add_months(soldier.discharge_date, COMMUNE_WINDOW_MONTHS)
    if applied_on > deadline:
        raise ValidationError(
            _("The application is more than 60 months after his discharge (deadline %(date)s).")
            % {"date": deadline.strftime("%d/%m/%Y")}
        )
    if TrainingSupport.objects.filter(
        soldier=soldier, regime=TrainingSupport.Regime.COMMUNE_APPLICATION
    ).exists():
        raise ValidationError(_("Support under Decree 338/2025 is granted only once."))
    support = TrainingSupport.objects.create(
        soldier=soldier,
        regime=TrainingSupport.Regime.COMMUNE_APPLICATION,
        registration=registration,
        cap_vnd=support_cap_on(applied_on),
        applied_on=applied_on,
        created_by=user,
    )
    _support_history(support, user, _("Application at the commune recorded"))
    return support


@transaction.atomic
def support_decide_application(
    *, user: User, support: TrainingSupport, decided_on: dt.date, amount_vnd: int
) -> TrainingSupport:
    """The commune decided the amount: tuition, meals and travel together, within the cap."""
    require_outcome_writer(user, support.soldier)
    if support.regime != TrainingSupport.Regime.COMMUNE_APPLICATION or support.decided_on:
        raise ValidationError(_("Only an application not yet decided can be decided."))
    if decided_on < support.applied_on:
        raise ValidationError({"decided_on": [_("The decision is before the application.")]})
    if amount_vnd > support.cap_vnd:
        raise ValidationError(
            {
                "amount_vnd": [
                    _("The amount is above the cap of %(cap)s đ.")
                    % {"cap": f"{support.cap_vnd:,}".replace(",", ".")}
                ]
            }
        )
    support.decided_on, support.amount_vnd = decided_on, amount_vnd
    support.save(update_fields=["decided_on", "amount_vnd"])
    _support_history(support, user, _("Application decided"))
    return support


# ---- partner accounts and course proposals (PA03 and PX01; the institution's own staff) ----


@transaction.atomic
def institution_staff_invite(
    *,
    user: User,
    institution: Institution,
    username: str,
    full_name: str,
    email: str,
    base_url: str = "",
) -> User:
    """PA03 or PX01 opens an account for a member of an institution's staff: role
    institution_staff, no unit, no password until he follows the invitation e-mailed to him."""
    _require_catalogue_keeper(user)
    account = partner_account_invite(
        created_by=user,
        role=User.Role.INSTITUTION_STAFF,
        username=username,
        full_name=full_name,
        email=email,
        base_url=base_url,
    )
    InstitutionStaff.objects.create(user=account, institution=institution)
    return account


@transaction.atomic
def institution_staff_reinvite(*, user: User, staff: InstitutionStaff, base_url: str = "") -> str:
    """A new invitation for an institution's account (the last one expired, or was lost)."""
    _require_catalogue_keeper(user)
    return invitation_create(user=staff.user, created_by=user, base_url=base_url)


@transaction.atomic
def course_propose(*, user: User, course: Course | None = None, **fields: Any) -> Course:
    """An institution's staff proposes a course of his institution for a year's list, or changes
    a proposal not yet approved: it waits for PA03's approval before officers see it (a course
    already on the list is PA03's to change). The rules are PA03's own."""
    institution = partner_institution(user)
    if course is not None and course.institution_id != institution.pk:
        raise PermissionDenied(_("Your account may not change this list."))
    if course is not None and course.approved:
        raise ValidationError(_("This course is already on the list; ask PA03 to change it."))
    fields |= {"institution": institution, "approved": False, "proposed_by": user}
    return _course_check_and_save(course or Course(), fields)


@transaction.atomic
def course_approve(*, user: User, course: Course) -> Course:
    """PA03 or PX01 approves a proposed course: from now on it is on the list (the conditional
    update approves it once; the proposer is told)."""
    _require_catalogue_keeper(user)
    if not Course.objects.filter(pk=course.pk, approved=False).update(approved=True):
        raise ValidationError(_("This course is already approved."))
    course.refresh_from_db()
    if course.proposed_by_id:
        notify(
            users=User.objects.filter(pk=course.proposed_by_id),
            title=_("Course approved: %(course)s") % {"course": course},
            body=_("PA03 has approved the course you proposed; it is now on the list."),
            url=reverse("training:partner_courses"),
        )
    return course
