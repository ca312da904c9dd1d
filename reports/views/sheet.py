"""The counselling sheet: a printable A4 page, its PDF, and one PDF for a unit's month-15
soldiers. One template draws all three (reports/sheet.html); reports.sheet reads and logs."""

from __future__ import annotations

import io
from urllib.parse import urlencode

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from reports import sheet
from reports.models import SheetPrint
from reports.pdf import PDF_CONTENT_TYPE, render_pdf
from soldiers.models import Soldier

Form = SheetPrint.Form


def _pdf_response(request: HttpRequest, sheets: list[sheet.Sheet], filename: str) -> FileResponse:
    html = render_to_string("reports/sheet.html", {"sheets": sheets, "pdf": True}, request)
    pdf = render_pdf(html, base_url=request.build_absolute_uri("/"))
    # Inline: the browser opens it, ready to print; the name serves "save as".
    return FileResponse(
        io.BytesIO(pdf), filename=filename, as_attachment=False, content_type=PDF_CONTENT_TYPE
    )


@require_GET
def sheet_page(request: HttpRequest, soldier_pk: int) -> HttpResponse:
    soldier = sheet.printable_soldier(user=request.user, pk=soldier_pk)
    sheets = sheet.sheets_for([soldier], on=timezone.localdate())
    sheet.sheet_prints_record(
        user=request.user, soldiers=[soldier], form=Form.PAGE, request=request
    )
    return render(request, "reports/sheet.html", {"sheets": sheets, "pdf": False})


@require_GET
def sheet_pdf(request: HttpRequest, soldier_pk: int) -> FileResponse:
    soldier = sheet.printable_soldier(user=request.user, pk=soldier_pk)
    sheets = sheet.sheets_for([soldier], on=timezone.localdate())
    name = f"phieu-tu-van-{soldier.pk}.pdf"
    response = _pdf_response(request, sheets, name)
    sheet.sheet_prints_record(
        user=request.user, soldiers=[soldier], form=Form.PDF, request=request, file_name=name
    )
    return response


@require_GET
def sheet_batch(request: HttpRequest, unit_code: str) -> HttpResponse:
    unit = sheet.batch_unit(user=request.user, code=unit_code)
    on = timezone.localdate()
    soldiers: list[Soldier] = sheet.month_15_soldiers(user=request.user, unit=unit, on=on)
    if not soldiers:
        messages.info(
            request,
            _("No soldier of %(unit)s is in months 15 to 17 of service today: no sheet to print.")
            % {"unit": unit.code},
        )
        # The unit's list at the same stage: it shows why there is nothing to print.
        query = urlencode({"unit": unit.pk, "milestone": Soldier.Milestone.SURVEY_DUE})
        return redirect(f"{reverse('soldiers:list')}?{query}")
    sheets = sheet.sheets_for(soldiers, on=on)
    name = f"phieu-tu-van-{unit.code}-{on:%Y%m%d}.pdf"
    response = _pdf_response(request, sheets, name)
    sheet.sheet_prints_record(
        user=request.user,
        soldiers=soldiers,
        form=Form.BATCH,
        request=request,
        file_name=name,
        unit=unit,
    )
    return response
