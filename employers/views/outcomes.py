"""A soldier's way to a job: what fits him (courses and openings, with one-click registration and
referral), and the placements and loans recorded for him. Views authorise, bind a form, call one
service and redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from employers import selectors, services
from employers.forms import LoanForm, LoanStatusForm, PlacementForm
from employers.models import JobOpening
from soldiers.models import Soldier
from soldiers.outcomes import may_record_outcomes
from soldiers.selectors import soldier_get
from units.models import User


def _writable(user: User, soldier_pk: int) -> Soldier:
    """A soldier whose outcomes the user may record: 404 if he may not see him, 403 if he may
    only read (leaders)."""
    soldier = soldier_get(user=user, pk=soldier_pk)
    if not may_record_outcomes(user, soldier):
        raise PermissionDenied
    return soldier


@require_GET
def matches(request: HttpRequest, soldier_pk: int) -> HttpResponse:
    """Courses and openings that fit the soldier; every role that sees him may read it."""
    soldier = soldier_get(user=request.user, pk=soldier_pk)
    context = {
        "soldier": soldier,
        "matches": selectors.soldier_matches(soldier=soldier, on=timezone.localdate()),
        # An archived file takes no new record until it is restored: no button leads there.
        "can_record_outcomes": may_record_outcomes(request.user, soldier) and not soldier.archived,
    }
    return render(request, "employers/matches.html", context)


@require_POST
def refer_from_soldier(request: HttpRequest, soldier_pk: int, opening_pk: int) -> HttpResponse:
    """The one-click referral of the matches page."""
    soldier = _writable(request.user, soldier_pk)
    opening = get_object_or_404(JobOpening.objects.select_related("employer"), pk=opening_pk)
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
    return redirect("employers:matches", soldier_pk=soldier.pk)


@require_http_methods(["GET", "POST"])
def placement_create(request: HttpRequest, soldier_pk: int) -> HttpResponse:
    soldier = _writable(request.user, soldier_pk)
    form = PlacementForm(
        request.POST or None,
        soldier=soldier,
        on=timezone.localdate(),
        opening_id=request.GET.get("opening"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_record(user=request.user, soldier=soldier, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The job of %(name)s was recorded.") % {"name": soldier.full_name}
            )
            return redirect("soldiers:detail", pk=soldier.pk)
    return render(request, "employers/placement_form.html", {"form": form, "soldier": soldier})


@require_http_methods(["GET", "POST"])
def loan_create(request: HttpRequest, soldier_pk: int) -> HttpResponse:
    soldier = _writable(request.user, soldier_pk)
    form = LoanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.loan_record(user=request.user, soldier=soldier, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The loan of %(name)s was recorded.") % {"name": soldier.full_name}
            )
            return redirect("soldiers:detail", pk=soldier.pk)
    return render(request, "employers/loan_form.html", {"form": form, "soldier": soldier})


@require_http_methods(["GET", "POST"])
def loan_status(request: HttpRequest, pk: int) -> HttpResponse:
    loan = selectors.loan_get(user=request.user, pk=pk)
    soldier = loan.soldier
    if not may_record_outcomes(request.user, soldier):
        raise PermissionDenied
    form = LoanStatusForm(request.POST or None, loan=loan)
    if request.method == "POST" and form.is_valid():
        try:
            loan = services.loan_set_status(user=request.user, loan=loan, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The loan of %(name)s is now: %(status)s.")
                % {"name": soldier.full_name, "status": loan.get_status_display()},
            )
            return redirect("soldiers:detail", pk=soldier.pk)
    context = {"form": form, "loan": loan, "soldier": soldier}
    return render(request, "employers/loan_status.html", context)
