from __future__ import annotations

from django.urls import path

from reports.views import dashboards, exports, funding, ledger, privacy, sheet, submissions

app_name = "reports"

urlpatterns: list = [
    # -- funding (reports/views/funding.py) --
    # Before the submissions: their "<code>/<year>/<unit>/" would take a three-part path.
    path("funding/", funding.funding_page, name="funding"),
    path("funding/estimate.xlsx", funding.funding_xlsx, name="funding_xlsx"),
    path(
        "funding/<int:pk>.xlsx", funding.funding_institution_xlsx, name="funding_institution_xlsx"
    ),
    # -- counselling sheet (reports/views/sheet.py) --
    # Before the submissions too: "sheet/batch/<unit>.pdf" has three parts.
    path("sheet/<int:soldier_pk>/", sheet.sheet_page, name="sheet"),
    path("sheet/<int:soldier_pk>.pdf", sheet.sheet_pdf, name="sheet_pdf"),
    path("sheet/batch/<str:unit_code>.pdf", sheet.sheet_batch, name="sheet_batch"),
    # -- personal data: subject access and anonymisation (reports/views/privacy.py) --
    # Before the submissions, and never three parts, so "<code>/<year>/<unit>/" cannot take them.
    path(
        "subject-access/<int:soldier_pk>/",
        privacy.subject_access_page,
        name="subject_access",
    ),
    path(
        "subject-access/<int:soldier_pk>.pdf",
        privacy.subject_access_pdf,
        name="subject_access_pdf",
    ),
    path(
        "subject-access/<int:soldier_pk>.xlsx",
        privacy.subject_access_xlsx,
        name="subject_access_xlsx",
    ),
    path("anonymisation/", privacy.anonymisation_page, name="anonymisation"),
    path("anonymisation/drop/", privacy.anonymisation_drop, name="anonymisation_drop"),
    path("anonymisation/approve/", privacy.anonymisation_approve, name="anonymisation_approve"),
    # -- deadlines and submissions (reports/views/submissions.py) --
    path("", submissions.submission_list, name="submissions"),
    path(
        "<slug:code>/<int:year>/<str:unit>/",
        submissions.submission_detail,
        name="submission",
    ),
    path(
        "<slug:code>/<int:year>/<str:unit>/generate/",
        submissions.submission_generate,
        name="submission_generate",
    ),
    path(
        "<slug:code>/<int:year>/<str:unit>/submit/",
        submissions.submission_submit,
        name="submission_submit",
    ),
    path(
        "<slug:code>/<int:year>/<str:unit>/accept/",
        submissions.submission_accept,
        name="submission_accept",
    ),
    path(
        "<slug:code>/<int:year>/<str:unit>/return/",
        submissions.submission_return,
        name="submission_return",
    ),
    path(
        "<slug:code>/<int:year>/<str:unit>/file/",
        submissions.submission_file,
        name="submission_file",
    ),
    # -- dashboards (reports/views/dashboards.py) --
    path("dashboard/", dashboards.dashboard, name="dashboard"),
    path("dashboard/soldiers/", dashboards.drilldown, name="drilldown"),
    # -- Excel summary and the tracking ledger (reports/views/exports.py) --
    path("summary.xlsx", exports.summary_xlsx, name="summary_xlsx"),
    path("exports/<int:pk>/", exports.export_job, name="export_job"),
    # Two segments, not three: "<code>/<year>/<unit>/" above would take a third.
    path("exports/<int:pk>.xlsx", exports.export_job_file, name="export_job_file"),
    # -- the tracking ledger, export and import (reports/views/ledger.py) --
    path("ledger/", ledger.ledger_page, name="ledger"),
    path("ledger/export/", ledger.ledger_download, name="ledger_export"),
    path("ledger/preview/", ledger.ledger_preview, name="ledger_preview"),
    path("ledger/confirm/", ledger.ledger_confirm, name="ledger_confirm"),
]
