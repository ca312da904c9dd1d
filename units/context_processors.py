"""What every page needs from units/: the unread-notification badge in the navigation bar."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from units import selectors


def notifications(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: one COUNT query, and only on pages that draw the navigation bar.
    return {
        "unread_notification_count": SimpleLazyObject(
            lambda: selectors.unread_notification_count(user=user)
        )
    }
