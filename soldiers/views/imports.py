"""The soldier list imported from Excel: upload → preview → confirm, and the template to fill in.

The uploaded file stays on the server between the preview and the confirmation (its path and
hash in the session), and the confirmation checks it again before saving, so what is saved is
exactly what the officer saw checked.
"""

from __future__ import annotations

from dataclasses import asdict

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from soldiers import importing, services

SESSION_KEY = "soldier_import"
# A preview lists this many errors or rows at most; the counts are always whole.
SHOWN = 1_000


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file"),
        help_text=gettext_lazy("The template filled in, saved as .xlsx."),
        widget=forms.FileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self) -> importing.Upload:
        try:
            return importing.check_upload(self.cleaned_data["file"])
        except importing.ImportRefused as refusal:
            raise ValidationError(str(refusal), code="refused") from refusal


def _staged(request: HttpRequest) -> importing.StagedFile | None:
    data = request.session.get(SESSION_KEY)
    return importing.StagedFile(**data) if data else None


def _forget_staged(request: HttpRequest) -> None:
    staged = _staged(request)
    if staged is not None:
        importing.staged_discard(staged)
        del request.session[SESSION_KEY]


def _file_gone(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("The uploaded file is no longer on the server: upload it again."))
    return redirect("soldiers:import")


@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    services.require_writer(request.user, None)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        _forget_staged(request)
        request.session[SESSION_KEY] = asdict(importing.stage(form.cleaned_data["file"]))
        return redirect("soldiers:import_preview")
    context = {
        "form": form,
        "columns": importing.COLUMNS,
        "max_rows": importing.MAX_ROWS,
        "max_megabytes": importing.MAX_BYTES // (1024 * 1024),
    }
    return render(request, "soldiers/import.html", context)


def _render_plan(request: HttpRequest, plan: importing.ImportPlan, name: str) -> HttpResponse:
    context = {
        "plan": plan,
        "file_name": name,
        "errors": plan.errors[:SHOWN],
        "created": plan.created[:SHOWN],
        "updated": plan.updated[:SHOWN],
        "shown": SHOWN,
    }
    return render(request, "soldiers/import_preview.html", context)


@require_GET
def import_preview(request: HttpRequest) -> HttpResponse:
    services.require_writer(request.user, None)
    staged = _staged(request)
    content = importing.staged_content(staged) if staged else None
    if staged is None or content is None:
        return _file_gone(request)
    try:
        plan = importing.import_check(user=request.user, content=content)
    except importing.ImportRefused as refusal:
        _forget_staged(request)
        messages.error(request, str(refusal))
        return redirect("soldiers:import")
    return _render_plan(request, plan, staged.name)


@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    services.require_writer(request.user, None)
    staged = _staged(request)
    content = importing.staged_content(staged) if staged else None
    _forget_staged(request)  # a file is imported once, whatever happens next
    if staged is None or content is None:
        return _file_gone(request)
    try:
        plan = importing.import_apply(
            user=request.user, content=content, file_name=staged.name, request=request
        )
    except importing.ImportRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("soldiers:import")
    if plan.errors:  # the soldiers on file changed since the preview: nothing was saved
        return _render_plan(request, plan, staged.name)
    counts = {"created": len(plan.created), "updated": len(plan.updated)}
    counts["unchanged"] = plan.unchanged
    messages.success(
        request,
        _("Import done. New: %(created)s, updated: %(updated)s, unchanged: %(unchanged)s.")
        % counts,
    )
    return redirect("soldiers:list")


@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    services.require_writer(request.user, None)
    response = HttpResponse(
        importing.template_workbook(user=request.user), content_type=importing.CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{importing.FILE_NAME}"'
    return response
