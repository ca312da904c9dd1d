"""PA03's list: the training institutions and their courses. Every signed-in role reads it
(officers register soldiers from it); PA03 and PX01 keep it (403 for anyone else's write)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from training import selectors, services
from training.catalogue_sheet import course_sheet
from training.forms import (
    CourseFilterForm,
    CourseForm,
    InstitutionFilterForm,
    InstitutionForm,
    YearForm,
)
from training.models import Course, Institution, InstitutionStaff
from training.views import partner
from units.models import User
from units.scoping import Catalogue, may_keep
from units.selectors import partner_accounts
from units.spreadsheets import xlsx_export

PAGE_SIZE = 50


def _require_keeper(user: User) -> None:
    if not may_keep(user, Catalogue.INSTITUTIONS):
        raise PermissionDenied


@dataclass(frozen=True)
class Row:
    """A line of a list: the record and the name of its province (from the 2025 list)."""

    item: Institution | Course
    province: str


def _rows(page: Page, province_of: Callable[[Any], int | None]) -> list[Row]:
    return [Row(item, selectors.province_name(province_of(item))) for item in page.object_list]


# -- institutions --


@require_GET
def institution_list(request: HttpRequest) -> HttpResponse:
    filters = InstitutionFilterForm(request.GET)
    institutions = selectors.institution_list(**filters.list_arguments())
    page = Paginator(institutions, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "rows": _rows(page, lambda institution: institution.province_code),
        "can_keep": may_keep(request.user, Catalogue.INSTITUTIONS),
    }
    return render(request, "training/institution_list.html", context)


@require_GET
def institution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    institution = get_object_or_404(Institution, pk=pk)
    can_keep = may_keep(request.user, Catalogue.INSTITUTIONS)
    context = {
        "institution": institution,
        "address": selectors.address_with_province(institution.address, institution.province_code),
        "courses": selectors.institution_courses(institution),
        "can_keep": can_keep,
        # The partner accounts are the keepers' business (they invite them).
        "partner_accounts": partner_accounts(institution.staff.all()) if can_keep else [],
    }
    return render(request, "training/institution_detail.html", context)


@require_http_methods(["GET", "POST"])
def institution_staff_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """PA03 or PX01 opens an account for a member of the institution's staff and invites him."""
    _require_keeper(request.user)
    institution = get_object_or_404(Institution, pk=pk)
    invite = partial(services.institution_staff_invite, institution=institution)
    back = reverse("training:institution_detail", args=[pk])
    return partner.invite_page(request, organisation=institution, invite=invite, back=back)


@require_POST
def institution_staff_reinvite(request: HttpRequest, pk: int, staff_pk: int) -> HttpResponse:
    """A new invitation for one of the institution's accounts (the last one expired)."""
    _require_keeper(request.user)
    staff = get_object_or_404(
        InstitutionStaff.objects.select_related("user"), pk=staff_pk, institution_id=pk
    )
    services.institution_staff_reinvite(
        user=request.user, staff=staff, base_url=request.build_absolute_uri("/")
    )
    return partner.invited(
        request, staff.user, back=reverse("training:institution_detail", args=[pk])
    )


def _institution_form(request: HttpRequest, institution: Institution | None) -> HttpResponse:
    """The add and edit pages: one form, one service."""
    _require_keeper(request.user)
    form = InstitutionForm(request.POST or None, instance=institution)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.institution_save(
                user=request.user, institution=institution, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The institution %(name)s was saved.") % {"name": saved})
            return redirect("training:institution_detail", pk=saved.pk)
    context = {"form": form, "institution": institution}
    return render(request, "training/institution_form.html", context)


@require_http_methods(["GET", "POST"])
def institution_create(request: HttpRequest) -> HttpResponse:
    return _institution_form(request, None)


@require_http_methods(["GET", "POST"])
def institution_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _institution_form(request, get_object_or_404(Institution, pk=pk))


# -- courses --


@require_GET
def course_list(request: HttpRequest) -> HttpResponse:
    filters = CourseFilterForm(request.GET)
    arguments = filters.list_arguments()
    can_keep = may_keep(request.user, Catalogue.INSTITUTIONS)
    courses = selectors.course_list(**arguments, listed_only=not can_keep)
    page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "year": arguments["year"],
        "page": page,
        "rows": _rows(page, lambda course: course.institution.province_code),
        "wishes": selectors.wishes_vs_seats(arguments["year"]),
        "can_keep": can_keep,
    }
    return render(request, "training/course_list.html", context)


def _course_form(request: HttpRequest, course: Course | None) -> HttpResponse:
    _require_keeper(request.user)
    # "Add a course" on an institution's page opens with that institution chosen.
    initial = {"institution": request.GET.get("institution")} if course is None else {}
    form = CourseForm(request.POST or None, instance=course, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.course_save(user=request.user, course=course, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The course %(course)s was saved.") % {"course": saved})
            return redirect("training:institution_detail", pk=saved.institution_id)
    return render(request, "training/course_form.html", {"form": form, "course": course})


@require_http_methods(["GET", "POST"])
def course_create(request: HttpRequest) -> HttpResponse:
    return _course_form(request, None)


@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _course_form(request, get_object_or_404(Course, pk=pk))


@require_POST
def course_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """PA03 or PX01 approves a course an institution proposed: it joins the list."""
    _require_keeper(request.user)
    course = get_object_or_404(Course, pk=pk)
    try:
        services.course_approve(user=request.user, course=course)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The course %(course)s is approved.") % {"course": course})
    return redirect(f"{reverse('training:courses')}?year={course.list_year}")


@require_GET
def courses_export(request: HttpRequest) -> HttpResponse:
    """PA03's list of a year (?year=, this year by default) as an xlsx file."""
    year = YearForm(request.GET).chosen_year()
    return xlsx_export(
        request,
        f"danh-sach-co-so-dao-tao-{year}.xlsx",
        [course_sheet(year)],
        summary=_("Training institutions and courses %(year)s") % {"year": year},
        filters={"year": year},
    )
