"""Rules every signed-in request passes: the session's twelve hours, then the second factor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _

from units import sessions, two_factor

View = Callable[..., Any]


def _public(view_func: View) -> bool:
    # Pages open without an account (healthz, the board, the invitation link, sign-in, password
    # reset) stay open to a session half-way through signing in, as to anyone.
    return not getattr(view_func, "login_required", True)


class SessionLimitMiddleware:
    """Ends a session SESSION_ABSOLUTE_SECONDS after sign-in, however active, renews its idle
    expiry at most once a SESSION_RENEW_SECONDS, and keeps each signed-in session's UserSession
    row under its current key."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        sessions.keep_tracked(request)
        sessions.renew(request)
        return response

    def process_view(
        self, request: HttpRequest, view_func: View, view_args: tuple, view_kwargs: dict
    ) -> HttpResponse | None:
        if not request.user.is_authenticated or not sessions.expired(request):
            return None
        logout(request)
        if _public(view_func):
            return None
        messages.info(request, _("The session has lasted its 12 hours. Sign in again to continue."))
        return redirect_to_login(request.get_full_path())


class TwoFactorMiddleware:
    """Before any page, a signed-in account with a device gives its code, and one whose role
    requires two-factor sign-in and has no device sets it up. Signing out, the two steps
    themselves and the public pages stay reachable."""

    ALWAYS_OPEN = frozenset({"logout"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: View, view_args: tuple, view_kwargs: dict
    ) -> HttpResponse | None:
        if not request.user.is_authenticated or _public(view_func):
            return None
        view_name = request.resolver_match.view_name
        if view_name in self.ALWAYS_OPEN:
            return None
        step = two_factor.pending_step(request)
        if step is None or view_name == step:
            return None
        # The other step's page is closed too: a session with a device may not set up another.
        return redirect_to_login(request.get_full_path(), resolve_url(step))
