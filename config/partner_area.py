"""Partner accounts (institution and employer staff) reach their own pages and nothing else.

Their selectors already scope them to their institution or employer, and they see no soldier
through a unit; this is the second lock, and the one that holds for a view added tomorrow: a
partner asking for any other page gets a 403, whether that page would have shown him an empty
list, a province-wide catalogue or a 404. Pages open to everyone (`login_not_required`) stay open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from units.models import User

Role = User.Role

# Pages of every signed-in account: landing, account, notifications, and the reports a partner
# owes (reports.selectors scopes them to his own institution or employer).
SHARED_PAGES = frozenset(
    {
        "home",
        "logout",
        "password_change",
        "password_change_done",
        "units:notifications",
        # Their own second factor (optional for partners) and sessions.
        "units:two_factor",
        "units:two_factor_verify",
        "units:two_factor_setup",
        "units:two_factor_recovery_codes",
        "units:sessions",
        "units:sessions_end",
        "reports:submissions",
        "reports:submission",
        "reports:submission_generate",
        "reports:submission_submit",
        "reports:submission_file",
    }
)
# Each partner role's own portal, by URL name prefix.
PORTALS = {
    Role.INSTITUTION_STAFF: "training:partner_",
    Role.EMPLOYER_STAFF: "employers:partner_",
}


def may_open(role: str, view_name: str) -> bool:
    """Whether a partner of `role` may open the page named `view_name`."""
    return view_name in SHARED_PAGES or view_name.startswith(PORTALS[role])


class PartnerAreaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.role not in PORTALS:
            return
        if not getattr(view_func, "login_required", True):  # public pages stay public
            return
        if not may_open(user.role, request.resolver_match.view_name):
            raise PermissionDenied
