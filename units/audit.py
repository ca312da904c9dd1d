"""Writing the audit log: one call per security event, from the use case where it happens."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from units.models import AuditEvent, User


def client_address(request: HttpRequest | None) -> str | None:
    # REMOTE_ADDR is set by the WSGI server; a proxy's X-Forwarded-For is trusted only through
    # the same setting django-axes uses (see config/settings.py).
    return request.META.get("REMOTE_ADDR") if request is not None else None


def record(
    kind: str,
    *,
    user: User | None,
    request: HttpRequest | None = None,
    subject: Any | None = None,
    summary: str = "",
    **details: Any,
) -> AuditEvent:
    """Append one event. `subject` is any model instance (its type and id are kept), `details`
    must be JSON-serialisable (filters, row counts, file names)."""
    return AuditEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.is_authenticated else None,
        username=user.get_username() if user is not None and user.is_authenticated else "",
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=subject.pk if subject is not None else None,
        summary=summary[:300],
        details=details,
        ip_address=client_address(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:300],
    )
