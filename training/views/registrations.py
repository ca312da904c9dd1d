"""Pages of a soldier's way through training: registering him, the month-18 list sent to the
institutions, enrolment, completion or withdrawal, and the public support for his training.

Unit officers (their units), commune officers (their commune's soldiers) and headquarters record
these; leaders read the soldier's page and change nothing (403 here). A soldier, registration or
support outside the user's scope is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from soldiers.models import Soldier
from soldiers.outcomes import may_record_outcomes
from soldiers.selectors import soldier_get
from training import forms, selectors, services
from training.models import Registration, RegistrationList, TrainingSupport
from units.models import User
from units.spreadsheets import Column, Sheet, xlsx_export

SEND_PAGE_SIZE = 100
SENT_PAGE_SIZE = 50


def _soldier(user: User, pk: int) -> Soldier:
    """A soldier whose training the user may record: 404 outside his scope, 403 for readers."""
    soldier = soldier_get(user=user, pk=pk)
    if not may_record_outcomes(user, soldier):
        raise PermissionDenied
    return soldier


def _registration(user: User, pk: int) -> Registration:
    registration = selectors.registration_get(user=user, pk=pk)
    if not may_record_outcomes(user, registration.soldier):
        raise PermissionDenied
    return registration


def _support(user: User, pk: int) -> TrainingSupport:
    support = selectors.support_get(user=user, pk=pk)
    if not may_record_outcomes(user, support.soldier):
        raise PermissionDenied
    return support


def accepted(request: HttpRequest, form: Form, service: Callable[..., Any], **known: Any) -> bool:
    """Whether a posted, valid form was accepted by the service; a refusal goes on the form.
    (The institution's own pages, training/views/partner.py, record outcomes the same way.)"""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        service(user=request.user, **known, **form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return False
    except selectors.NoBaseSalary as error:
        # A date before any recorded base salary: the cap cannot be set, nothing is saved.
        form.add_error(None, str(error))
        return False
    return True


def _done(request: HttpRequest, soldier: Soldier, message: str) -> HttpResponse:
    messages.success(request, message % {"name": soldier.full_name})
    return redirect("soldiers:detail", pk=soldier.pk)


def _form_page(
    request: HttpRequest, form: Form, soldier: Soldier, title: str, **context: Any
) -> HttpResponse:
    context |= {"form": form, "soldier": soldier, "title": title}
    return render(request, "training/outcome_form.html", context)


# -- registrations --


@require_http_methods(["GET", "POST"])
def registration_create(request: HttpRequest, soldier_pk: int) -> HttpResponse:
    """Register a soldier; `?course=<id>` (from the matching panel) opens on that course."""
    soldier = _soldier(request.user, soldier_pk)
    wish = selectors.current_wish(soldier=soldier)
    initial = {"course": request.GET.get("course"), "occupation": wish and wish.occupation_id}
    form = forms.RegistrationForm(request.POST or None, initial=initial, on=timezone.localdate())
    if accepted(request, form, services.registration_create, soldier=soldier):
        return _done(request, soldier, _("%(name)s is registered for training."))
    return _form_page(request, form, soldier, _("Register for training"))


@require_http_methods(["GET", "POST"])
def registration_course(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request.user, pk)
    initial = {"course": request.GET.get("course") or registration.course_id}
    form = forms.RegistrationCourseForm(
        request.POST or None, initial=initial, on=timezone.localdate()
    )
    if accepted(request, form, services.registration_choose_course, registration=registration):
        return _done(request, registration.soldier, _("The course of %(name)s was recorded."))
    title = _("Choose the course")
    return _form_page(request, form, registration.soldier, title, registration=registration)


@require_http_methods(["GET", "POST"])
def registration_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request.user, pk)
    form = forms.EnrolForm(request.POST or None)
    if accepted(request, form, services.registration_enrol, registration=registration):
        return _done(request, registration.soldier, _("The enrolment of %(name)s was recorded."))
    title = _("Record enrolment")
    return _form_page(request, form, registration.soldier, title, registration=registration)


@require_http_methods(["GET", "POST"])
def registration_complete(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request.user, pk)
    form = forms.CompleteForm(request.POST or None)
    if accepted(request, form, services.registration_complete, registration=registration):
        return _done(request, registration.soldier, _("%(name)s's completion was recorded."))
    title = _("Record completion")
    return _form_page(request, form, registration.soldier, title, registration=registration)


@require_http_methods(["GET", "POST"])
def registration_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request.user, pk)
    form = forms.WithdrawForm(request.POST or None)
    if accepted(request, form, services.registration_withdraw, registration=registration):
        return _done(request, registration.soldier, _("%(name)s's withdrawal was recorded."))
    title = _("Record withdrawal")
    return _form_page(request, form, registration.soldier, title, registration=registration)


# -- the month-18 step: the lists sent to the institutions --


@require_http_methods(["GET", "POST"])
def send(request: HttpRequest) -> HttpResponse:
    """Tick the registrations waiting in the user's scope and send them: one list per
    institution, each downloadable from the sent lists page."""
    if not selectors.may_send_registrations(request.user):
        raise PermissionDenied
    form = forms.SendForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.registrations_send(
                user=request.user,
                registrations=list(form.cleaned_data["registrations"]),
                on=form.cleaned_data["on"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            count = len(sent)
            message = ngettext(
                "The list was sent to %(count)s institution.",
                "The lists were sent to %(count)s institutions.",
                count,
            )
            messages.success(request, message % {"count": count})
            return redirect("training:sent_lists")
    filters = forms.SendFilterForm(request.GET, user=request.user)
    pending = selectors.registrations_to_send(user=request.user, **filters.arguments())
    page = Paginator(pending, SEND_PAGE_SIZE).get_page(request.GET.get("page"))
    # Ticks survive a refused sending, so the officer only fixes what the message names.
    checked = {str(pk) for pk in form["registrations"].value() or []}
    context = {"form": form, "filters": filters, "page": page, "checked": checked}
    return render(request, "training/send.html", context)


@require_GET
def sent_lists(request: HttpRequest) -> HttpResponse:
    lists = selectors.sent_lists(user=request.user)
    page = Paginator(lists, SENT_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "can_send": selectors.may_send_registrations(request.user)}
    return render(request, "training/sent_lists.html", context)


def _sent_list_sheet(sent_list: RegistrationList) -> Sheet:
    """The file that goes to the institution: its soldiers, citizen IDs masked (DESIGN.md §8)."""
    rows = (
        (
            number,
            row.soldier.full_name,
            row.soldier.date_of_birth,
            row.soldier.masked_citizen_id,
            row.soldier.unit.code,
            row.occupation.name,
            row.course.get_level_display() if row.course else "",
            row.soldier.expected_discharge_date,
        )
        for number, row in enumerate(selectors.sent_list_rows(sent_list), start=1)
    )
    columns = [
        Column(_("No."), 6),
        Column(_("Full name"), 28),
        Column(_("Date of birth"), 12),
        Column(_("Citizen ID"), 16),
        Column(_("Unit"), 14),
        Column(_("Occupation"), 28),
        Column(_("Course (level)"), 20),
        Column(_("Expected discharge date"), 14),
    ]
    return Sheet(title=sent_list.institution.name, columns=columns, rows=rows)


@require_GET
def sent_list_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    sent_list = selectors.sent_list_get(user=request.user, pk=pk)
    filename = f"danh-sach-dang-ky-hoc-nghe-{sent_list.pk}-{sent_list.sent_on:%Y%m%d}.xlsx"
    return xlsx_export(
        request,
        filename,
        [_sent_list_sheet(sent_list)],
        summary=_("Registration list sent to %(institution)s on %(day)s")
        % {"institution": sent_list.institution.name, "day": f"{sent_list.sent_on:%d/%m/%Y}"},
        filters={"sent_list": sent_list.pk},
        subject=sent_list,
    )


# -- training support: the card (Decree 61/2015), the commune application (Decree 338/2025) --


@require_http_methods(["GET", "POST"])
def support_card_issue(request: HttpRequest, soldier_pk: int) -> HttpResponse:
    soldier = _soldier(request.user, soldier_pk)
    form = forms.CardIssueForm(request.POST or None, soldier=soldier)
    if accepted(request, form, services.support_issue_card, soldier=soldier):
        return _done(request, soldier, _("A training card was issued to %(name)s."))
    return _form_page(request, form, soldier, _("Issue a training card"))


@require_http_methods(["GET", "POST"])
def support_card_settle(request: HttpRequest, pk: int) -> HttpResponse:
    support = _support(request.user, pk)
    form = forms.CardSettleForm(request.POST or None)
    if accepted(request, form, services.support_settle_card, support=support):
        return _done(request, support.soldier, _("The training card of %(name)s was settled."))
    title = _("Settle the training card")
    return _form_page(request, form, support.soldier, title, support=support)


@require_http_methods(["GET", "POST"])
def support_apply(request: HttpRequest, soldier_pk: int) -> HttpResponse:
    soldier = _soldier(request.user, soldier_pk)
    form = forms.CommuneApplicationForm(request.POST or None, soldier=soldier)
    if accepted(request, form, services.support_apply_at_commune, soldier=soldier):
        return _done(
            request, soldier, _("The application of %(name)s at the commune was recorded.")
        )
    return _form_page(request, form, soldier, _("Record the application at the commune"))


@require_http_methods(["GET", "POST"])
def support_decide(request: HttpRequest, pk: int) -> HttpResponse:
    support = _support(request.user, pk)
    form = forms.DecisionForm(request.POST or None)
    if accepted(request, form, services.support_decide_application, support=support):
        return _done(
            request, support.soldier, _("The decision on %(name)s's support was recorded.")
        )
    title = _("Record the commune's decision")
    return _form_page(request, form, support.soldier, title, support=support)
