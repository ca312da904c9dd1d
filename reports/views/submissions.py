"""Unit reports against the yearly deadlines: the list (a unit's own reports; the province's
timeliness matrix for headquarters and leaders), one report's page, and its moves.

Every view reads through reports.selectors (403 for roles without reports pages, 404 for another
unit's report) and writes through one service of reports.submissions."""

from __future__ import annotations

from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reports import contents, deadlines, selectors, submissions
from reports.forms import ReportYearForm, ReturnForm, SubmitForm
from reports.selectors import SubmissionPage
from units import audit

UPCOMING_DAYS = 60


@require_GET
def submission_list(request: HttpRequest) -> HttpResponse:
    scope = selectors.reports_scope(request.user)
    filters = ReportYearForm(request.GET)
    year, on = filters.chosen_year(), timezone.localdate()
    context = {
        "filters": filters,
        "year": year,
        "owed": selectors.owed_reports(user=request.user, year=year, on=on),
        "whole_province": scope.everything,
        "partner": deadlines.own_party(request.user),
    }
    if scope.everything:
        obligations, rows = deadlines.timeliness_matrix(year=year, on=on)
        context |= {
            "obligations": obligations,
            "rows": rows,
            "upcoming": [
                {"due": due, "obligation": obligation, "days": (due - on).days}
                for due, obligation in deadlines.upcoming(on=on, days=UPCOMING_DAYS)
            ],
            "upcoming_days": UPCOMING_DAYS,
        }
    return render(request, "reports/submission_list.html", context)


def _page(request: HttpRequest, code: str, year: int, unit: str) -> SubmissionPage:
    return selectors.submission_page(
        user=request.user, obligation_code=code, year=year, unit_code=unit
    )


def _render(
    request: HttpRequest,
    page: SubmissionPage,
    submit_form: SubmitForm | None = None,
    return_form: ReturnForm | None = None,
) -> HttpResponse:
    submission = page.submission
    status = submission.status if submission else submissions.Status.DRAFT
    prepare = submissions.may_prepare(request.user, page.party) and status in submissions.EDITABLE
    review = submissions.may_review(request.user) and status == submissions.Status.SUBMITTED
    state = page.state(timezone.localdate())
    data = submission.data if submission else {}
    context = {
        "page": page,
        "submission": submission,
        "state": state,
        "state_label": deadlines.Timeliness.LABELS[state],
        "tables": contents.tables(data, page.year),
        "generated_at": contents.generated_at(data),
        "can_prepare": prepare,
        "can_review": review,
        "submit_form": submit_form or (SubmitForm() if prepare else None),
        "return_form": return_form or (ReturnForm() if review else None),
    }
    return render(request, "reports/submission_detail.html", context)


@require_GET
def submission_detail(request: HttpRequest, code: str, year: int, unit: str) -> HttpResponse:
    return _render(request, _page(request, code, year, unit))


@require_POST
def submission_generate(request: HttpRequest, code: str, year: int, unit: str) -> HttpResponse:
    page = _page(request, code, year, unit)
    if not submissions.may_prepare(request.user, page.party):
        raise PermissionDenied
    submission = page.submission or submissions.submission_for(
        party=page.party, obligation=page.obligation, year=year
    )
    try:
        submissions.submission_generate(user=request.user, submission=submission)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The report's content was generated from the current data."))
    return redirect(submissions.submission_url(submission))


@require_POST
def submission_submit(request: HttpRequest, code: str, year: int, unit: str) -> HttpResponse:
    page = _page(request, code, year, unit)
    if not submissions.may_prepare(request.user, page.party):
        raise PermissionDenied
    form = SubmitForm(request.POST, request.FILES)
    if form.is_valid():
        submission = page.submission or submissions.submission_for(
            party=page.party, obligation=page.obligation, year=year
        )
        try:
            submissions.submission_submit(
                user=request.user, submission=submission, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The report was submitted to PX01."))
            return redirect(submissions.submission_url(submission))
    return _render(request, page, submit_form=form)


def _reviewed(request: HttpRequest, code: str, year: int, unit: str) -> SubmissionPage:
    """The page of a report PX01 acts on: 403 for anyone else, 404 if nothing was submitted."""
    page = _page(request, code, year, unit)
    if not submissions.may_review(request.user):
        raise PermissionDenied
    if page.submission is None:
        raise Http404
    return page


@require_POST
def submission_accept(request: HttpRequest, code: str, year: int, unit: str) -> HttpResponse:
    page = _reviewed(request, code, year, unit)
    try:
        submissions.submission_accept(user=request.user, submission=page.submission)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The report was accepted; the unit has been told."))
    return redirect(submissions.submission_url(page.submission))


@require_POST
def submission_return(request: HttpRequest, code: str, year: int, unit: str) -> HttpResponse:
    page = _reviewed(request, code, year, unit)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            submissions.submission_return(
                user=request.user, submission=page.submission, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The report was returned to the unit for correction."))
            return redirect(submissions.submission_url(page.submission))
    return _render(request, page, return_form=form)


@require_GET
def submission_file(request: HttpRequest, code: str, year: int, unit: str) -> FileResponse:
    """The attached file, to whoever may see the report (never a public media URL)."""
    submission = _page(request, code, year, unit).submission
    if submission is None or not submission.attachment:
        raise Http404
    filename = f"{code}-{unit}-{year}{PurePath(submission.attachment.name).suffix}"
    # An uploaded file, not one we wrote: its rows are not ours to count.
    audit.record_export(
        user=request.user,
        request=request,
        subject=submission,
        summary=_("Attachment of the report %(code)s %(year)s of %(party)s")
        % {"code": code, "year": year, "party": unit},
        file=filename,
        filters={},
        rows=None,
    )
    return FileResponse(submission.attachment.open("rb"), as_attachment=True, filename=filename)
