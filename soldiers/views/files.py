"""The soldier's file: list, detail, create, edit, archive and restore, and the citizen ID shown
whole on request. Views authorise, bind a form, call one service and redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from soldiers import selectors, services
from soldiers.forms import ArchiveForm, SoldierFilterForm, SoldierForm, ward_choices
from soldiers.models import Soldier
from soldiers.outcomes import may_record_outcomes
from units.models import User
from units.scoping import is_lead

PAGE_SIZE = 50


def _editable(user: User, pk: int) -> Soldier:
    """A soldier the user may change: 404 if he may not see him, 403 if he may only read."""
    soldier = selectors.soldier_get(user=user, pk=pk)
    if not selectors.can_edit(user, soldier):
        raise PermissionDenied
    return soldier


def _conflict(form: Form) -> bool:
    return form.has_error(NON_FIELD_ERRORS, code="conflict")


@require_GET
def soldier_list(request: HttpRequest) -> HttpResponse:
    filters = SoldierFilterForm(request.GET, user=request.user)
    arguments = filters.list_arguments()
    soldiers = selectors.soldier_list(user=request.user, **arguments)
    page = Paginator(soldiers, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "rows": selectors.soldier_rows(page.object_list),
        "sort": arguments["sort"],
        "can_add": selectors.can_add_soldiers(request.user),
    }
    return render(request, "soldiers/soldier_list.html", context)


def _render_detail(request: HttpRequest, soldier: Soldier, full_id: str = "") -> HttpResponse:
    province, ward = selectors.place_names(soldier)
    current_wish, earlier_wishes = selectors.career_wishes(soldier)
    context = {
        "soldier": soldier,
        "current_wish": current_wish,
        "earlier_wishes": earlier_wishes,
        "dates": selectors.service_dates(soldier),
        "history": selectors.soldier_history(soldier),
        "home_province": province,
        "home_ward": ward,
        "can_edit": selectors.can_edit(request.user, soldier),
        # Training, support and jobs: commune officers record them too (soldiers.outcomes).
        "can_record_outcomes": may_record_outcomes(request.user, soldier),
        "full_citizen_id": full_id,
        "can_report_subject_access": _answers_for_personal_data(request.user),
    }
    return render(request, "soldiers/soldier_detail.html", context)


def _answers_for_personal_data(user: User) -> bool:
    """PX01 (or a superuser) makes the subject-access report (reports.subject_access; this app
    sits below reports and cannot ask it)."""
    return is_lead(user)


@require_GET
def soldier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, selectors.soldier_detail(user=request.user, pk=pk))


@require_POST
def citizen_id_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The full number, shown on this response only; the service logs who saw it."""
    soldier = selectors.soldier_detail(user=request.user, pk=pk)
    full_id = services.citizen_id_reveal(user=request.user, soldier=soldier, request=request)
    return _render_detail(request, soldier, full_id)


@require_http_methods(["GET", "POST"])
def soldier_create(request: HttpRequest) -> HttpResponse:
    if not selectors.can_add_soldiers(request.user):
        raise PermissionDenied
    unit = request.user.unit
    initial = {"home_province_code": unit.province_code if unit else None, "unit": unit}
    form = SoldierForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            soldier = services.soldier_create(user=request.user, **form.service_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s's file was saved.") % {"name": soldier})
            return redirect("soldiers:detail", pk=soldier.pk)
    return render(request, "soldiers/soldier_form.html", {"form": form, "soldier": None})


@require_http_methods(["GET", "POST"])
def soldier_edit(request: HttpRequest, pk: int) -> HttpResponse:
    soldier = _editable(request.user, pk)
    form = SoldierForm(request.POST or None, user=request.user, soldier=soldier)
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data["version"]
        try:
            saved = services.soldier_update(
                user=request.user, soldier=soldier, version=version, **form.service_fields()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if saved.version == version:
                messages.info(request, _("Nothing was changed."))
            else:
                messages.success(
                    request, _("The changes to %(name)s's file were saved.") % {"name": saved}
                )
            return redirect("soldiers:detail", pk=soldier.pk)
    context = {"form": form, "soldier": soldier, "conflict": _conflict(form)}
    return render(request, "soldiers/soldier_form.html", context)


@require_http_methods(["GET", "POST"])
def soldier_archive(request: HttpRequest, pk: int) -> HttpResponse:
    soldier = _editable(request.user, pk)
    form = ArchiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.soldier_archive(
                user=request.user, soldier=soldier, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s's file was archived.") % {"name": soldier})
            return redirect("soldiers:detail", pk=soldier.pk)
    return render(request, "soldiers/soldier_archive.html", {"form": form, "soldier": soldier})


@require_POST
def soldier_restore(request: HttpRequest, pk: int) -> HttpResponse:
    soldier = _editable(request.user, pk)
    services.soldier_restore(user=request.user, soldier=soldier)
    messages.success(request, _("%(name)s's file was restored.") % {"name": soldier})
    return redirect("soldiers:detail", pk=soldier.pk)


@require_GET
def ward_list(request: HttpRequest) -> JsonResponse:
    """The communes and wards of a province, for the form's ward list (public reference data)."""
    try:
        province = int(request.GET.get("province", ""))
    except ValueError:
        province = 0
    wards = [{"code": code, "name": name} for code, name in ward_choices(province)]
    return JsonResponse({"wards": wards})
