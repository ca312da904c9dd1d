from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from units import selectors
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
