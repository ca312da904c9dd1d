"""The pages of an employer's own staff (role employer_staff): its openings, which wait for
PA04's approval whenever they change, and the soldiers referred to it, whose hire it confirms
(the job is then recorded) or declines with a reason.

Every page reads through employers.selectors scoped to the partner's employer: another
employer's referral or opening is a 404, and any police account gets a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from employers import selectors, services
from employers.catalogue_sheet import place_of_work
from employers.forms import DeclineForm, HireForm, OpeningProposalForm, PartnerReferralFilterForm
from employers.models import JobOpening
from employers.views.catalogue import OpeningRow
from training.views.registrations import accepted


@require_GET
def partner_home(request: HttpRequest) -> HttpResponse:
    """The soldiers referred to the partner's employer (newest first) and its openings."""
    employer = selectors.partner_employer(request.user)
    filters = PartnerReferralFilterForm(request.GET)
    referrals = selectors.partner_referrals(employer=employer, **filters.arguments())
    page = Paginator(referrals, selectors.PARTNER_PAGE_SIZE).get_page(request.GET.get("page"))
    openings = selectors.employer_openings(employer=employer)
    context = {
        "employer": employer,
        "filters": filters,
        "page": page,
        "rows": selectors.referral_rows(page.object_list),
        "openings": [OpeningRow(opening, place_of_work(opening)) for opening in openings],
    }
    return render(request, "employers/partner_home.html", context)


def _referral_page(
    request: HttpRequest, pk: int, form_class: type, service: object, title: str, done: str
) -> HttpResponse:
    """Confirm a hire or decline: one referral to his employer, one form, one service."""
    referral = selectors.partner_referral_get(user=request.user, pk=pk)
    form = form_class(request.POST or None)
    if accepted(request, form, service, referral=referral):
        messages.success(request, done % {"name": referral.soldier.full_name})
        return redirect("employers:partner_home")
    context = {"form": form, "title": title, "referral": referral}
    return render(request, "employers/partner_form.html", context)


@require_http_methods(["GET", "POST"])
def partner_hire(request: HttpRequest, pk: int) -> HttpResponse:
    return _referral_page(
        request,
        pk,
        HireForm,
        services.referral_hire,
        _("Confirm the hire"),
        _("The hire of %(name)s was recorded; his unit has been told."),
    )


@require_http_methods(["GET", "POST"])
def partner_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _referral_page(
        request,
        pk,
        DeclineForm,
        services.referral_decline,
        _("Decline the soldier"),
        _("Your answer about %(name)s was recorded; his unit has been told."),
    )


def _opening_form(request: HttpRequest, opening: JobOpening | None) -> HttpResponse:
    form = OpeningProposalForm(request.POST or None, instance=opening)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.opening_propose(
                user=request.user, opening=opening, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The opening %(opening)s was sent to PA04 for approval.")
                % {"opening": saved.title},
            )
            return redirect("employers:partner_home")
    title = _("Change the opening") if opening else _("Add an opening")
    context = {"form": form, "title": title, "opening": opening}
    return render(request, "employers/partner_form.html", context)


@require_http_methods(["GET", "POST"])
def partner_opening_create(request: HttpRequest) -> HttpResponse:
    selectors.partner_employer(request.user)
    return _opening_form(request, None)


@require_http_methods(["GET", "POST"])
def partner_opening_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _opening_form(request, selectors.partner_opening_get(user=request.user, pk=pk))
