"""The leadership summary workbook: streamed from the request for a cohort of up to
summary.STREAM_LIMIT soldiers, built by a background job above that, with a progress page and a
download only the user who asked may use."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from reports import services, summary
from reports.filters import PeriodForm
from units import audit
from units.spreadsheets import XLSX_CONTENT_TYPE, xlsx_export

# The progress page reloads itself this often while the job runs (a meta refresh: no script).
REFRESH_SECONDS = 3


@require_GET
def summary_xlsx(request: HttpRequest) -> HttpResponse:
    if not summary.may_download(request.user):
        raise PermissionDenied
    year, as_of = PeriodForm(request.GET).period()
    if summary.cohort_size(year) > summary.STREAM_LIMIT:
        job = services.summary_job_create(user=request.user, year=year, as_of=as_of)
        messages.info(
            request,
            _("The workbook is large, so it is being prepared; download it here when it is ready."),
        )
        return redirect("reports:export_job", pk=job.pk)
    sheets = summary.summary_sheets(user=request.user, year=year, as_of=as_of)
    return xlsx_export(
        request,
        summary.file_name(year),
        sheets,
        summary=summary.export_summary(year),
        filters={"year": year, "as_of": as_of},
    )


@require_GET
def export_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = summary.job_get(user=request.user, pk=pk)
    context = {"job": job, "refresh_seconds": REFRESH_SECONDS if job.in_progress else None}
    return render(request, "reports/export_job.html", context)


@require_GET
def export_job_file(request: HttpRequest, pk: int) -> FileResponse:
    job = summary.job_get(user=request.user, pk=pk, ready=True)
    year = job.params["year"]
    rows = job.params.get("rows", {})
    audit.record_export(
        user=request.user,
        request=request,
        summary=summary.export_summary(year),
        file=summary.file_name(year),
        filters={"year": year, "as_of": job.params["as_of"]},
        rows=sum(rows.values()) if rows else None,
        sheets=rows,
        job=job.pk,
    )
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=summary.file_name(year),
        content_type=XLSX_CONTENT_TYPE,
    )
