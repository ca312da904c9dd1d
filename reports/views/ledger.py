"""The tracking ledger in the browser: download a year's ledger with the citizen IDs masked, and
import one: upload → preview (every error by row and column, or what would change) → confirm.

The upload stays on the server between the preview and the confirmation, with the soldier
import's staging (its path and hash in the session), so what is saved is exactly the file that
was checked."""

from __future__ import annotations

from dataclasses import asdict

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reports import ledger
from soldiers.importing import workbook
from soldiers.services import require_writer
from units.models import Unit
from units.scoping import scope_for
from units.spreadsheets import xlsx_export

SESSION_KEY = "ledger_import"
# A preview lists this many errors at most; the counts are always whole.
SHOWN = 1_000


class ExportForm(forms.Form):
    year = forms.IntegerField(
        label=gettext_lazy("Year of discharge"), min_value=2000, max_value=2100
    )
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        label=gettext_lazy("Unit"),
        required=False,
        empty_label=gettext_lazy("The whole province"),
        help_text=gettext_lazy("The unit with all its sub-units."),
    )

    def __init__(
        self, *args: object, units: QuerySet[Unit], province: bool, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if not province:  # a unit officer downloads his own units' ledger, never the province's
            self.fields["unit"].required = True
            self.fields["unit"].empty_label = None


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Ledger file"),
        help_text=gettext_lazy("A ledger with whole citizen IDs, saved as .xlsx."),
        widget=forms.FileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self) -> workbook.Upload:
        try:
            return workbook.check_upload(
                self.cleaned_data["file"], columns=ledger.COLUMNS, optional=ledger.OPTIONAL
            )
        except workbook.ImportRefused as refusal:
            raise ValidationError(str(refusal), code="refused") from refusal


def _export_form(request: HttpRequest, data: object = None) -> ExportForm:
    units = ledger.export_units(request.user)  # 403 for commune police
    province = scope_for(request.user).everything
    initial = {"year": timezone.localdate().year, "unit": None if province else request.user.unit}
    return ExportForm(data, units=units, province=province, initial=initial)


def _render_page(
    request: HttpRequest, export_form: ExportForm, import_form: ImportForm | None = None
) -> HttpResponse:
    context = {
        "export_form": export_form,
        "import_form": import_form,
        "can_import": scope_for(request.user).can_write,
        "columns": ledger.COLUMNS,
        "optional_columns": ledger.OPTIONAL,
        "max_rows": workbook.MAX_ROWS,
        "max_megabytes": workbook.MAX_BYTES // (1024 * 1024),
    }
    return render(request, "reports/ledger.html", context)


@require_http_methods(["GET", "POST"])
def ledger_page(request: HttpRequest) -> HttpResponse:
    export_form = _export_form(request)
    if request.method == "GET":
        return _render_page(request, export_form, ImportForm())
    require_writer(request.user, None)  # leaders download, never import
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_page(request, export_form, form)
    _forget_staged(request)
    request.session[SESSION_KEY] = asdict(workbook.stage(form.cleaned_data["file"]))
    return redirect("reports:ledger_preview")


@require_GET
def ledger_download(request: HttpRequest) -> HttpResponse:
    form = _export_form(request, request.GET)
    if not form.is_valid():
        return _render_page(request, form, ImportForm())
    year, unit = form.cleaned_data["year"], form.cleaned_data["unit"]
    name = f"so-theo-doi-{year}-{slugify(unit.code) if unit else 'toan-tinh'}.xlsx"
    return xlsx_export(
        request,
        name,
        [ledger.ledger_sheet(year=year, unit=unit, mask=True)],
        summary=ledger.export_summary(year=year, unit=unit),
        filters={"year": year, "unit": unit.code if unit else ""},
    )


def _staged(request: HttpRequest) -> workbook.StagedFile | None:
    data = request.session.get(SESSION_KEY)
    return workbook.StagedFile(**data) if data else None


def _forget_staged(request: HttpRequest) -> None:
    staged = _staged(request)
    if staged is not None:
        workbook.staged_discard(staged)
        del request.session[SESSION_KEY]


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect("reports:ledger")


def _render_plan(request: HttpRequest, plan: ledger.LedgerPlan, name: str) -> HttpResponse:
    context = {"plan": plan, "file_name": name, "errors": plan.errors[:SHOWN], "shown": SHOWN}
    return render(request, "reports/ledger_preview.html", context)


@require_GET
def ledger_preview(request: HttpRequest) -> HttpResponse:
    require_writer(request.user, None)
    staged = _staged(request)
    content = workbook.staged_content(staged) if staged else None
    if staged is None or content is None:
        return _refused(
            request, _("The uploaded file is no longer on the server: upload it again.")
        )
    try:
        plan = ledger.ledger_check(user=request.user, content=content)
    except workbook.ImportRefused as refusal:
        _forget_staged(request)
        return _refused(request, str(refusal))
    return _render_plan(request, plan, staged.name)


@require_POST
def ledger_confirm(request: HttpRequest) -> HttpResponse:
    require_writer(request.user, None)
    staged = _staged(request)
    content = workbook.staged_content(staged) if staged else None
    _forget_staged(request)  # a file is imported once, whatever happens next
    if staged is None or content is None:
        return _refused(
            request, _("The uploaded file is no longer on the server: upload it again.")
        )
    try:
        plan = ledger.ledger_apply(
            user=request.user, content=content, file_name=staged.name, request=request
        )
    except workbook.ImportRefused as refusal:
        return _refused(request, str(refusal))
    if plan.errors:  # the files changed since the preview: nothing was saved
        return _render_plan(request, plan, staged.name)
    messages.success(request, plan.summary)
    return redirect("reports:ledger")
