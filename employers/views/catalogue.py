"""PA04's list: employers and their job openings, the soldiers who fit an opening with a
one-click referral, and the gap between wishes, seats and openings. Every signed-in role reads
them; PA04 and PX01 keep the list (403 for anyone else's write)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from employers import selectors, services
from employers.catalogue_sheet import opening_sheet, place_of_work
from employers.forms import EmployerFilterForm, EmployerForm, OpeningFilterForm, OpeningForm
from employers.matching import occupation_gaps, soldiers_for
from employers.models import Employer, EmployerStaff, JobOpening
from soldiers.models import Soldier
from soldiers.outcomes import may_record_outcomes
from soldiers.selectors import soldier_get
from training.forms import YearForm
from training.selectors import address_with_province
from training.views import partner
from units.models import User
from units.scoping import Catalogue, may_keep
from units.selectors import partner_accounts
from units.spreadsheets import xlsx_export

PAGE_SIZE = 50


def _require_keeper(user: User) -> None:
    if not may_keep(user, Catalogue.EMPLOYERS):
        raise PermissionDenied


@dataclass(frozen=True)
class OpeningRow:
    opening: JobOpening
    place: str


@dataclass(frozen=True)
class MatchRow:
    """A soldier who fits an opening, and whether this user may refer him."""

    soldier: Soldier
    can_refer: bool


# -- employers --


@require_GET
def employer_list(request: HttpRequest) -> HttpResponse:
    filters = EmployerFilterForm(request.GET)
    employers = selectors.employer_list(**filters.list_arguments())
    context = {
        "filters": filters,
        "page": Paginator(employers, PAGE_SIZE).get_page(request.GET.get("page")),
        "can_keep": may_keep(request.user, Catalogue.EMPLOYERS),
    }
    return render(request, "employers/employer_list.html", context)


@require_GET
def employer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    employer = selectors.employer_get(pk=pk)
    openings = selectors.employer_openings(employer=employer)
    can_keep = may_keep(request.user, Catalogue.EMPLOYERS)
    context = {
        "employer": employer,
        "address": address_with_province(employer.address, employer.province_code),
        "rows": [OpeningRow(opening, place_of_work(opening)) for opening in openings],
        "can_keep": can_keep,
        # The partner accounts are the keepers' business (they invite them).
        "partner_accounts": partner_accounts(employer.staff.all()) if can_keep else [],
    }
    return render(request, "employers/employer_detail.html", context)


@require_http_methods(["GET", "POST"])
def employer_staff_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """PA04 or PX01 opens an account for a member of the employer's staff and invites him."""
    _require_keeper(request.user)
    employer = get_object_or_404(Employer, pk=pk)
    invite = partial(services.employer_staff_invite, employer=employer)
    back = reverse("employers:employer_detail", args=[pk])
    return partner.invite_page(request, organisation=employer, invite=invite, back=back)


@require_POST
def employer_staff_reinvite(request: HttpRequest, pk: int, staff_pk: int) -> HttpResponse:
    """A new invitation for one of the employer's accounts (the last one expired)."""
    _require_keeper(request.user)
    staff = get_object_or_404(
        EmployerStaff.objects.select_related("user"), pk=staff_pk, employer_id=pk
    )
    services.employer_staff_reinvite(
        user=request.user, staff=staff, base_url=request.build_absolute_uri("/")
    )
    back = reverse("employers:employer_detail", args=[pk])
    return partner.invited(request, staff.user, back=back)


def _employer_form(request: HttpRequest, employer: Employer | None) -> HttpResponse:
    """The add and edit pages: one form, one service."""
    _require_keeper(request.user)
    form = EmployerForm(request.POST or None, instance=employer)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.employer_save(
                user=request.user, employer=employer, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The employer %(name)s was saved.") % {"name": saved})
            return redirect("employers:employer_detail", pk=saved.pk)
    return render(request, "employers/employer_form.html", {"form": form, "employer": employer})


@require_http_methods(["GET", "POST"])
def employer_create(request: HttpRequest) -> HttpResponse:
    return _employer_form(request, None)


@require_http_methods(["GET", "POST"])
def employer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _employer_form(request, get_object_or_404(Employer, pk=pk))


# -- job openings --


@require_GET
def opening_list(request: HttpRequest) -> HttpResponse:
    filters = OpeningFilterForm(request.GET)
    can_keep = may_keep(request.user, Catalogue.EMPLOYERS)
    openings = selectors.opening_list(
        on=timezone.localdate(), listed_only=not can_keep, **filters.list_arguments()
    )
    page = Paginator(openings, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "rows": [OpeningRow(opening, place_of_work(opening)) for opening in page.object_list],
        "year": timezone.localdate().year,
        "can_keep": can_keep,
    }
    return render(request, "employers/opening_list.html", context)


@require_GET
def opening_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The opening, the soldiers of the user's scope who fit it, and those already referred."""
    opening = selectors.opening_get(pk=pk)
    # An opening that names no trade matches nobody (there is nothing to compare a wish with).
    fitting = soldiers_for(opening, user=request.user) if opening.occupation_id else []
    open_now = selectors.takes_referrals(opening, on=timezone.localdate())
    context = {
        "opening": opening,
        "open_now": open_now,
        "place": place_of_work(opening),
        "matches": [
            MatchRow(s, open_now and may_record_outcomes(request.user, s)) for s in fitting
        ],
        "referrals": selectors.opening_referrals(user=request.user, opening=opening),
        "can_keep": may_keep(request.user, Catalogue.EMPLOYERS),
    }
    return render(request, "employers/opening_detail.html", context)


def _opening_form(request: HttpRequest, opening: JobOpening | None) -> HttpResponse:
    _require_keeper(request.user)
    # "Add an opening" on an employer's page opens with that employer chosen.
    initial = {"employer": request.GET.get("employer")} if opening is None else {}
    form = OpeningForm(request.POST or None, instance=opening, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.opening_save(user=request.user, opening=opening, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The opening %(opening)s was saved.") % {"opening": saved})
            return redirect("employers:opening_detail", pk=saved.pk)
    return render(request, "employers/opening_form.html", {"form": form, "opening": opening})


@require_http_methods(["GET", "POST"])
def opening_create(request: HttpRequest) -> HttpResponse:
    return _opening_form(request, None)


@require_http_methods(["GET", "POST"])
def opening_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _opening_form(request, get_object_or_404(JobOpening, pk=pk))


@require_POST
def opening_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """PA04 or PX01 approves an opening an employer's staff added or changed."""
    _require_keeper(request.user)
    opening = get_object_or_404(JobOpening, pk=pk)
    try:
        services.opening_approve(user=request.user, opening=opening)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The opening %(opening)s is approved.") % {"opening": opening.title}
        )
    return redirect("employers:opening_detail", pk=opening.pk)


@require_POST
def refer(request: HttpRequest, pk: int, soldier_pk: int) -> HttpResponse:
    """The one-click "Giới thiệu" of an opening's page. A soldier outside the user's scope is a
    404; the service refuses (403) those who may not record his outcomes, such as leaders."""
    opening = get_object_or_404(JobOpening.objects.select_related("employer"), pk=pk)
    soldier = soldier_get(user=request.user, pk=soldier_pk)
    try:
        services.referral_create(
            user=request.user, soldier=soldier, opening=opening, on=timezone.localdate()
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(name)s was referred to %(opening)s.")
            % {"name": soldier.full_name, "opening": opening},
        )
    return redirect("employers:opening_detail", pk=opening.pk)


@require_GET
def openings_export(request: HttpRequest) -> HttpResponse:
    """PA04's list of a year (?year=, this year by default) as an xlsx file."""
    year = YearForm(request.GET).chosen_year()
    return xlsx_export(
        request,
        f"nhu-cau-tuyen-dung-{year}.xlsx",
        [opening_sheet(year)],
        summary=_("Employers' job openings %(year)s") % {"year": year},
        filters={"year": year},
    )


# -- the gap between wishes, seats and openings --


@require_GET
def gaps(request: HttpRequest) -> HttpResponse:
    """For each occupation: soldiers wishing it, the seats of the year's courses and the places
    of open openings; the occupations short of seats come first."""
    form = YearForm(request.GET)
    year = form.chosen_year()
    context = {"form": form, "year": year, "gaps": occupation_gaps(year=year)}
    return render(request, "employers/gaps.html", context)
