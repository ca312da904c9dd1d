"""Job fairs, youth festivals and job exchange sessions (PX03's list, kept by PX03 and PX01), and
who attended them. Every signed-in role reads them; attendance is recorded by those who record
outcomes, each for the soldiers in his scope."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from employers import selectors, services
from employers.forms import AttendanceForm, AttendanceUnitForm, FairFilterForm, JobFairForm
from employers.models import JobFair
from units.models import User
from units.scoping import Catalogue, may_keep, scope_for

PAGE_SIZE = 50


def _require_keeper(user: User) -> None:
    if not may_keep(user, Catalogue.JOB_FAIRS):
        raise PermissionDenied


@require_GET
def fair_list(request: HttpRequest) -> HttpResponse:
    on = timezone.localdate()
    filters = FairFilterForm(request.GET)
    fairs = selectors.fair_list(user=request.user, on=on, **filters.list_arguments())
    context = {
        "filters": filters,
        "page": Paginator(fairs, PAGE_SIZE).get_page(request.GET.get("page")),
        "can_keep": may_keep(request.user, Catalogue.JOB_FAIRS),
        "whole_province": scope_for(request.user).everything,
    }
    return render(request, "employers/fair_list.html", context)


def _save(request: HttpRequest, fair: JobFair | None) -> HttpResponse:
    """The add and edit pages: one form, one service."""
    _require_keeper(request.user)
    form = JobFairForm(request.POST or None, instance=fair, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.job_fair_save(user=request.user, fair=fair, **form.service_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The job fair %(name)s was saved.") % {"name": saved.name})
            return redirect("employers:fair_detail", pk=saved.pk)
    return render(request, "employers/fair_form.html", {"form": form, "fair": fair})


@require_http_methods(["GET", "POST"])
def fair_create(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@require_http_methods(["GET", "POST"])
def fair_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _save(request, selectors.fair_get(pk=pk))


def _render_detail(
    request: HttpRequest, fair: JobFair, form: AttendanceForm | None = None
) -> HttpResponse:
    user = request.user
    attendees = selectors.fair_attendees(user=user, fair=fair)
    unit_filter = AttendanceUnitForm(request.GET, user=user)
    can_record = selectors.can_record_attendance(user)
    if can_record:
        candidates = selectors.attendance_candidates(
            user=user, fair=fair, unit=unit_filter.chosen_unit()
        )
        form = form or AttendanceForm(queryset=candidates)
        # A form posted back with an error offers the same soldiers as the page it came from.
        form.fields["soldiers"].queryset = candidates
    context = {
        "fair": fair,
        "employers": selectors.fair_employers(fair=fair),
        "attendees": Paginator(attendees, PAGE_SIZE).get_page(request.GET.get("page")),
        "whole_province": scope_for(user).everything,
        "can_keep": may_keep(user, Catalogue.JOB_FAIRS),
        "unit_filter": unit_filter,
        "form": form if can_record else None,
    }
    return render(request, "employers/fair_detail.html", context)


@require_GET
def fair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, selectors.fair_get(pk=pk))


@require_POST
def fair_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Record attendees; each new one also gets a counselling of kind "job fair"."""
    fair = selectors.fair_get(pk=pk)
    if not selectors.can_record_attendance(request.user):
        raise PermissionDenied
    form = AttendanceForm(request.POST, queryset=selectors.attendance_choices(user=request.user))
    if form.is_valid():
        soldiers = list(form.cleaned_data["soldiers"])
        try:
            added = services.job_fair_record_attendance(
                user=request.user, fair=fair, soldiers=soldiers
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            report = messages.success if added else messages.info
            report(request, _attendance_message(added))
            return redirect("employers:fair_detail", pk=fair.pk)
    return _render_detail(request, fair, form)


def _attendance_message(added: int) -> str:
    if not added:
        return _("Those soldiers were already recorded at this fair; nothing was added.")
    return ngettext(
        "%(n)s soldier recorded as attending, with a job-fair counselling entry.",
        "%(n)s soldiers recorded as attending, each with a job-fair counselling entry.",
        added,
    ) % {"n": added}
