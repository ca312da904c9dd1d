"""Writing the audit log: one call per security event, from the use case where it happens.

Sign-in, failed sign-in, sign-out and lockout are the exception: Django and django-axes expose
them only as signals, so the receivers below are connected in units.apps.UnitsConfig.ready().
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from units.models import AuditEvent, User
from units.scoping import is_lead

Kind = AuditEvent.Kind


@cache
def _address_of() -> Callable[[HttpRequest], str | None]:
    # The same address django-axes counts failures under (config/client_ip.py: REMOTE_ADDR, or
    # X-Forwarded-For only behind the deployment's own proxies). Named in the settings, so that
    # this lower layer does not import config.
    return import_string(settings.AXES_CLIENT_IP_CALLABLE)


def client_address(request: HttpRequest | None) -> str | None:
    return _address_of()(request) if request is not None else None


def record(
    kind: str,
    *,
    user: User | None,
    request: HttpRequest | None = None,
    subject: Any | None = None,
    summary: str = "",
    username: str = "",
    **details: Any,
) -> AuditEvent:
    """Append one event. `subject` is any model instance (its type and id are kept), `details`
    must be JSON-serialisable (filters, row counts, file names). `username` names who acted when
    there is no account (a failed sign-in under an unknown name); an account gives its own."""
    signed_in = user is not None and user.is_authenticated
    return AuditEvent.objects.create(
        kind=kind,
        user=user if signed_in else None,
        username=(user.get_username() if signed_in else username)[:150],
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=subject.pk if subject is not None else None,
        summary=summary[:300],
        details=details,
        ip_address=client_address(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:300],
    )


def record_export(
    *,
    user: User | None,
    summary: str,
    file: str,
    filters: Mapping[str, Any],
    rows: int | None,
    request: HttpRequest | None = None,
    subject: Any | None = None,
    full_ids: int = 0,
    **details: Any,
) -> AuditEvent:
    """An export: who, what (`summary`, the file's name), the filters it was asked with and the
    number of data rows it holds (None when the file is not ours to count, an attachment).
    `full_ids` is the number of whole citizen IDs in it, which the daily check adds up
    (units.services.full_id_export_alerts); a file with masked IDs leaves it at 0."""
    if full_ids:
        details["full_ids"] = full_ids
    return record(
        Kind.EXPORT,
        user=user,
        request=request,
        subject=subject,
        summary=summary,
        file=file,
        filters={key: plain(value) for key, value in filters.items()},
        rows=rows,
        **details,
    )


def plain(value: Any) -> Any:
    """A filter value as the JSON details keep it: a record by its text, a day as ISO."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def may_read_log(user: User) -> bool:
    """Only PX01's headquarters staff and superusers read the audit log (issue 9)."""
    return is_lead(user)


# -- signal receivers: connected in UnitsConfig.ready() --


def on_login(sender: object, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    record(Kind.LOGIN, user=user, request=request)


def on_logout(
    sender: object, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    # Signing out without being signed in (an expired session) sends user None: nothing happened.
    if user is not None:
        record(Kind.LOGOUT, user=user, request=request)


def on_login_failed(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    typed = str(credentials.get(User.USERNAME_FIELD) or "")
    record(Kind.LOGIN_FAILED, user=_account_named(typed), request=request, username=typed)


def on_lockout(
    sender: object, request: HttpRequest | None, username: str | None = None, **kwargs: Any
) -> None:
    typed = str(username or "")
    record(Kind.LOCKOUT, user=_account_named(typed), request=request, username=typed)


def _account_named(typed: str) -> User | None:
    # A failure against an existing account is filed under it (looked up as the sign-in does);
    # an unknown name is kept as typed, so that the log still shows which names were tried.
    return User.objects.filter(**{User.USERNAME_FIELD: typed}).first() if typed else None


# -- account and role changes --

# What an account may reach: its unit, its role, superuser and admin access. A change to any of
# them is a "role" entry; the other fields make an "account" entry.
ROLE_FIELDS = ("unit", "role", "is_superuser", "is_staff")
ACCOUNT_FIELDS = ("username", "full_name", "email", "is_active", "password")


def _shown(account: User | None, name: str) -> Any:
    if account is None:
        return None
    if name == "unit":
        return account.unit.code if account.unit_id else ""
    if name == "password":  # never the hash: only that it changed
        return "***"
    return getattr(account, name)


def record_account_saved(
    *,
    user: User,
    account: User,
    before: User | None,
    changed: Iterable[str],
    request: HttpRequest | None = None,
) -> list[AuditEvent]:
    """The entries of one save of an account by `user` (an administrator). A new account (no
    `before`) is one "account" entry with its fields; a change is a "role" entry for what the
    account may reach and an "account" entry for the rest, each changed field as [before,
    after]. A save that changed nothing records nothing."""

    def entry(kind: str, names: list[str], summary: str) -> AuditEvent:
        changes = {name: [_shown(before, name), _shown(account, name)] for name in names}
        return record(
            kind, user=user, request=request, subject=account, summary=summary, changes=changes
        )

    names = {"username": account.username}
    if before is None:
        fields = [name for name in (*ROLE_FIELDS, *ACCOUNT_FIELDS) if name != "password"]
        return [entry(Kind.ACCOUNT, fields, _("Account %(username)s created") % names)]
    events = []
    if role_fields := [name for name in ROLE_FIELDS if name in changed]:
        summary = _("Unit, role or access of %(username)s changed") % names
        events.append(entry(Kind.ROLE, role_fields, summary))
    if account_fields := [name for name in ACCOUNT_FIELDS if name in changed]:
        summary = _("Account %(username)s changed") % names
        events.append(entry(Kind.ACCOUNT, account_fields, summary))
    return events
