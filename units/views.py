from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from units import selectors, services
from units.models import User
from units.scoping import scope_for

HOME_TEMPLATES = {
    User.Role.UNIT_OFFICER: "units/home_unit_officer.html",
    User.Role.COMMUNE_OFFICER: "units/home_commune_officer.html",
    User.Role.HQ_STAFF: "units/home_hq_staff.html",
    User.Role.LEADER: "units/home_leader.html",
}


def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own page."""
    user = request.user
    template = HOME_TEMPLATES.get(user.role, "units/home_admin.html")
    scope = scope_for(user)
    return render(
        request,
        template,
        {"scope": scope, "unit_count": scope.units().count()},
    )


def unit_list(request: HttpRequest) -> HttpResponse:
    if request.user.role == User.Role.COMMUNE_OFFICER:
        return render(request, "403.html", status=403)
    return render(
        request, "units/unit_list.html", {"units": selectors.unit_list(user=request.user)}
    )


@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    """The account's own notifications; a POST marks them all read."""
    if request.method == "POST":
        count = services.notifications_mark_read(user=request.user)
        messages.success(request, _("%(count)s notifications marked as read.") % {"count": count})
        return redirect("units:notifications")
    page = Paginator(selectors.notification_list(user=request.user), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "units/notifications.html", {"page": page})
