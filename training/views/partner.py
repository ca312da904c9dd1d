"""The pages of an institution's own staff (role institution_staff): the registrations sent to
his institution, where he records enrolment, completion, withdrawal and the settlement of a
training card, and his institution's courses, which he proposes for PA03's approval.

Every page reads through training.selectors scoped to the partner's institution: another
institution's registration, card or course is a 404, and any police account gets a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Model
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from training import forms, selectors, services
from training.models import Course
from training.views.registrations import accepted
from units.models import User
from units.services import INVITATION_HOURS


@require_GET
def partner_home(request: HttpRequest) -> HttpResponse:
    """The registrations sent to the partner's institution, by name, with what he may record."""
    institution = selectors.partner_institution(request.user)
    filters = forms.PartnerRegistrationFilterForm(request.GET, institution=institution)
    registrations = selectors.partner_registrations(institution=institution, **filters.arguments())
    page = Paginator(registrations, selectors.PARTNER_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"institution": institution, "filters": filters, "page": page}
    return render(request, "training/partner_home.html", context)


def _form_page(request: HttpRequest, form: Form, title: str, **context: Any) -> HttpResponse:
    context |= {"form": form, "title": title}
    return render(request, "training/partner_form.html", context)


def _done(request: HttpRequest, message: str, name: str) -> HttpResponse:
    messages.success(request, message % {"name": name})
    return redirect("training:partner_home")


def _outcome(
    request: HttpRequest, pk: int, form_class: type[Form], service: Any, title: str, done: str
) -> HttpResponse:
    """Enrolment, completion and withdrawal: one registration of his institution, one form, one
    service of training.services (the same the police use)."""
    registration = selectors.partner_registration_get(user=request.user, pk=pk)
    form = form_class(request.POST or None)
    if accepted(request, form, service, registration=registration):
        return _done(request, done, registration.soldier.full_name)
    return _form_page(request, form, title, registration=registration)


@require_http_methods(["GET", "POST"])
def partner_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    return _outcome(
        request,
        pk,
        forms.EnrolForm,
        services.registration_enrol,
        _("Record enrolment"),
        _("The enrolment of %(name)s was recorded."),
    )


@require_http_methods(["GET", "POST"])
def partner_complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _outcome(
        request,
        pk,
        forms.CompleteForm,
        services.registration_complete,
        _("Record completion"),
        _("%(name)s's completion was recorded."),
    )


@require_http_methods(["GET", "POST"])
def partner_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _outcome(
        request,
        pk,
        forms.WithdrawForm,
        services.registration_withdraw,
        _("Record withdrawal"),
        _("%(name)s's withdrawal was recorded."),
    )


@require_http_methods(["GET", "POST"])
def partner_card_settle(request: HttpRequest, pk: int) -> HttpResponse:
    """The institution settles the training card it keeps as its voucher, after the course."""
    support = selectors.partner_card_get(user=request.user, pk=pk)
    form = forms.CardSettleForm(request.POST or None)
    if accepted(request, form, services.support_settle_card, support=support):
        return _done(
            request, _("The training card of %(name)s was settled."), support.soldier.full_name
        )
    return _form_page(request, form, _("Settle the training card"), support=support)


# -- the institution's courses, proposed for PA03's list --


@require_GET
def partner_courses(request: HttpRequest) -> HttpResponse:
    institution = selectors.partner_institution(request.user)
    context = {
        "institution": institution,
        "courses": selectors.partner_courses(institution=institution),
    }
    return render(request, "training/partner_courses.html", context)


def _course_form(request: HttpRequest, course: Course | None) -> HttpResponse:
    form = forms.CourseProposalForm(request.POST or None, instance=course)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.course_propose(user=request.user, course=course, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The course %(course)s was sent to PA03 for approval.") % {"course": saved},
            )
            return redirect("training:partner_courses")
    title = _("Change the proposed course") if course else _("Propose a course")
    return _form_page(request, form, title, course=course)


@require_http_methods(["GET", "POST"])
def partner_course_create(request: HttpRequest) -> HttpResponse:
    selectors.partner_institution(request.user)
    return _course_form(request, None)


@require_http_methods(["GET", "POST"])
def partner_course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _course_form(request, selectors.partner_course_get(user=request.user, pk=pk))


# -- partner accounts, opened by the keepers of the province's lists (PA03, PA04, PX01) --


def invite_page(
    request: HttpRequest, *, organisation: Model, invite: Callable[..., User], back: str
) -> HttpResponse:
    """The page that opens an account for an institution's or an employer's staff: `invite`
    is the service of that app, bound to the organisation (the caller checked who may)."""
    form = forms.PartnerInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = invite(
                user=request.user, base_url=request.build_absolute_uri("/"), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return invited(request, account, back=back)
    context = {
        "form": form,
        "organisation": organisation,
        "hours": INVITATION_HOURS,
        "cancel_url": back,
    }
    return render(request, "training/partner_invite.html", context)


def invited(request: HttpRequest, account: User, *, back: str) -> HttpResponse:
    message = _("An invitation valid for %(hours)s hours was e-mailed to %(email)s.")
    messages.success(request, message % {"hours": INVITATION_HOURS, "email": account.email})
    return redirect(back)
