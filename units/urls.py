from __future__ import annotations

from django.urls import path

from units import account_views, views

app_name = "units"

urlpatterns = [
    path("", views.unit_list, name="list"),
    path("notifications/", views.notifications, name="notifications"),
    path("audit/", views.audit_log, name="audit"),
    path("audit.xlsx", views.audit_xlsx, name="audit_xlsx"),
    path("processing-record/", views.processing_record, name="processing_record"),
    # -- one's own account: two-factor sign-in and sessions (units/account_views.py) --
    path("two-factor/", account_views.two_factor_status, name="two_factor"),
    path("two-factor/verify/", account_views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/setup/", account_views.two_factor_setup, name="two_factor_setup"),
    path(
        "two-factor/recovery-codes/",
        account_views.two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("sessions/", account_views.sessions_page, name="sessions"),
    path("sessions/end/", account_views.sessions_end, name="sessions_end"),
    # -- accounts administered by superusers and PX01 --
    path("two-factor/reset/", account_views.two_factor_reset, name="two_factor_reset"),
    path("accounts/import/", account_views.account_import_upload, name="account_import"),
    path(
        "accounts/import/preview/",
        account_views.account_import_preview,
        name="account_import_preview",
    ),
    path(
        "accounts/import/confirm/",
        account_views.account_import_confirm,
        name="account_import_confirm",
    ),
    path(
        "accounts/import/template.xlsx",
        account_views.account_import_template,
        name="account_import_template",
    ),
]
