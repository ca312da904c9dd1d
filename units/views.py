from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from units import personal_data, selectors, services
from units.forms import AuditFilterForm, InvitationPasswordForm
from units.models import AuditEvent, User
from units.scoping import scope_for
from units.spreadsheets import audit_sheet, xlsx_export

HOME_TEMPLATES = {
    User.Role.UNIT_OFFICER: "units/home_unit_officer.html",
    User.Role.COMMUNE_OFFICER: "units/home_commune_officer.html",
    User.Role.HQ_STAFF: "units/home_hq_staff.html",
    User.Role.LEADER: "units/home_leader.html",
}


# Partners land on their portal. Named, not imported: units may not import the apps above it.
PARTNER_HOMES = {
    User.Role.INSTITUTION_STAFF: "training:partner_home",
    User.Role.EMPLOYER_STAFF: "employers:partner_home",
}


def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own page."""
    user = request.user
    if user.role in PARTNER_HOMES:
        return redirect(PARTNER_HOMES[user.role])
    template = HOME_TEMPLATES.get(user.role, "units/home_admin.html")
    scope = scope_for(user)
    return render(
        request,
        template,
        {"scope": scope, "unit_count": scope.units().count()},
    )


def unit_list(request: HttpRequest) -> HttpResponse:
    if request.user.role in (User.Role.COMMUNE_OFFICER, *User.PARTNER_ROLES):
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


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link of an invitation e-mail: the invited account chooses its password, once. An
    unknown, used or expired link says which, and offers no form."""
    try:
        invitation = services.invitation_check(token=token)
    except ValidationError as error:
        return render(request, "units/invitation_accept.html", {"refusal": error.messages[0]})
    form = InvitationPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(token=token, password=form.cleaned_data["password1"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your password is set. Sign in with it."))
            return redirect("login")
    context = {"form": form, "account": invitation.user}
    return render(request, "units/invitation_accept.html", context)


# -- the audit log and the processing record (issue 9) --

AUDIT_PAGE_SIZE = 50


def _audit_events(user: User, filters: AuditFilterForm) -> QuerySet[AuditEvent]:
    # Refused (403) before anything else for all but PX01 and superusers; a filter that does
    # not read (a soldier's number with letters) shows its error and no entries.
    if not filters.is_valid():
        return selectors.audit_events(user=user).none()
    return selectors.audit_events(user=user, **filters.selector_arguments())


@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    """PX01's page of the audit log: who did what, filtered by account, soldier, kind and days."""
    filters = AuditFilterForm(request.GET)
    events = _audit_events(request.user, filters)
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filters": filters, "page": page, "rows": selectors.audit_rows(page.object_list)}
    return render(request, "units/audit_log.html", context)


@require_GET
def audit_xlsx(request: HttpRequest) -> HttpResponse:
    """The entries the page shows, every page of them, as a workbook: itself an export."""
    filters = AuditFilterForm(request.GET)
    events = _audit_events(request.user, filters)
    return xlsx_export(
        request,
        f"nhat-ky-{timezone.localdate():%Y%m%d}.xlsx",
        [audit_sheet(events)],
        summary=_("Audit log"),
        filters=filters.used_filters(),
    )


@require_GET
def processing_record(request: HttpRequest) -> HttpResponse:
    """The record of processing: each personal field kept, why, on which basis, who sees it and
    for how long, generated from the models' declarations (units.personal_data). For those who
    answer for the whole province: headquarters staff, leadership and superusers."""
    if not scope_for(request.user).everything:
        raise PermissionDenied
    record = personal_data.processing_record()
    return render(request, "units/processing_record.html", {"record": record})
