"""Duties to the people in the data, for PX01: a soldier's subject-access report (page, PDF,
workbook), and the monthly anonymisation batches (list, drop a soldier, approve)."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from reports import retention, subject_access
from reports.forms import BatchApproveForm, CandidateDropForm
from reports.pdf import PDF_CONTENT_TYPE, render_pdf
from units.spreadsheets import xlsx_response

CANDIDATES_PER_PAGE = 50
BATCHES_PER_PAGE = 12


# ---- the subject-access report ----


@require_GET
def subject_access_page(request: HttpRequest, soldier_pk: int) -> HttpResponse:
    soldier = subject_access.subject_get(user=request.user, pk=soldier_pk)
    report = subject_access.report_for(soldier)
    subject_access.subject_access_record(
        user=request.user, report=report, form="page", request=request
    )
    return render(request, "reports/subject_access.html", {"report": report})


@require_GET
def subject_access_pdf(request: HttpRequest, soldier_pk: int) -> FileResponse:
    soldier = subject_access.subject_get(user=request.user, pk=soldier_pk)
    report = subject_access.report_for(soldier)
    html = render_to_string("reports/subject_access_pdf.html", {"report": report}, request)
    pdf = render_pdf(html, base_url=request.build_absolute_uri("/"))
    subject_access.subject_access_record(
        user=request.user, report=report, form="pdf", request=request
    )
    return FileResponse(
        io.BytesIO(pdf),
        filename=report.file_name("pdf"),
        as_attachment=True,
        content_type=PDF_CONTENT_TYPE,
    )


@require_GET
def subject_access_xlsx(request: HttpRequest, soldier_pk: int) -> HttpResponse:
    soldier = subject_access.subject_get(user=request.user, pk=soldier_pk)
    report = subject_access.report_for(soldier)
    response = xlsx_response(report.file_name("xlsx"), report.sheets())
    subject_access.subject_access_record(
        user=request.user, report=report, form="xlsx", request=request
    )
    return response


# ---- anonymisation batches ----


def _pk(value: str | None) -> int | None:
    """A batch named in the query or the form; anything but a number names none."""
    return int(value) if value and value.isdigit() else None


def _require_px01(request: HttpRequest) -> None:
    if not subject_access.may_handle_personal_data(request.user):
        raise PermissionDenied


@require_GET
def anonymisation_page(request: HttpRequest) -> HttpResponse:
    batch = retention.batch_get(user=request.user, pk=_pk(request.GET.get("batch")))
    batches = Paginator(retention.batch_list(), BATCHES_PER_PAGE)
    candidates = retention.candidate_list(batch) if batch else None
    context = {
        "batch": batch,
        "batches": batches.get_page(request.GET.get("months")),
        "candidates": (
            Paginator(candidates, CANDIDATES_PER_PAGE).get_page(request.GET.get("page"))
            if candidates is not None
            else None
        ),
        "approve_form": BatchApproveForm(initial={"batch": batch}) if batch else None,
    }
    return render(request, "reports/anonymisation.html", context)


def _back(batch_pk: int | None) -> HttpResponse:
    url = reverse("reports:anonymisation")
    return redirect(f"{url}?batch={batch_pk}" if batch_pk else url)


@require_POST
def anonymisation_drop(request: HttpRequest) -> HttpResponse:
    _require_px01(request)
    form = CandidateDropForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("candidate", [])))
        return _back(None)
    candidate = form.cleaned_data["candidate"]
    try:
        retention.anonymisation_candidate_drop(user=request.user, candidate=candidate)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s was dropped from the batch: his file is kept.")
            % {"name": candidate.soldier.full_name},
        )
    return _back(candidate.batch_id)


@require_POST
def anonymisation_approve(request: HttpRequest) -> HttpResponse:
    _require_px01(request)
    form = BatchApproveForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return _back(_pk(request.POST.get("batch")))
    batch = form.cleaned_data["batch"]
    try:
        count = retention.anonymisation_batch_approve(
            user=request.user, batch=batch, request=request
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            ngettext(
                "The batch was approved: %(count)s soldier's file was anonymised.",
                "The batch was approved: %(count)s soldiers' files were anonymised.",
                count,
            )
            % {"count": count},
        )
    return _back(batch.pk)
