from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("Units and accounts")

    def ready(self) -> None:
        # Sign-in, sign-out, failed sign-in and lockout reach the audit log through the only way
        # Django and django-axes expose them: signals. Every other event is recorded at its call
        # site. dispatch_uid keeps a second ready() (tests, reloads) from logging twice.
        from axes.signals import user_locked_out
        from django.contrib.auth import signals

        from units import audit, sessions, two_factor

        signals.user_logged_in.connect(audit.on_login, dispatch_uid="audit_login")
        signals.user_logged_out.connect(audit.on_logout, dispatch_uid="audit_logout")
        signals.user_login_failed.connect(audit.on_login_failed, dispatch_uid="audit_login_failed")
        user_locked_out.connect(audit.on_lockout, dispatch_uid="audit_lockout")
        # Every sign-in, whichever view makes it (ours, the admin's, the test client's), starts
        # the session's clock and notes whether a second factor is to be asked for.
        signals.user_logged_in.connect(sessions.on_login, dispatch_uid="sessions_login")
        signals.user_logged_in.connect(two_factor.on_login, dispatch_uid="two_factor_login")
