"""The account pages: two-factor sign-in (the code after the password, setting it up, recovery
codes, an administrator's reset), one's sessions, and the roll-out of accounts from Excel."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from units import account_import, accounts, sessions, two_factor, xlsx_reader
from units.account_forms import AccountImportForm, CodeForm, EnrolmentForm, TwoFactorResetForm
from units.spreadsheets import xlsx_response

IMPORT_SESSION_KEY = "account_import"


def _next_url(request: HttpRequest) -> str:
    """Where to go once the step is passed: the page asked for, if it is one of ours."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if safe else reverse("home")


# -- two-factor sign-in --


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: the code from the app, or a recovery code."""
    next_url = _next_url(request)
    if two_factor.pending_step(request) != two_factor.VERIFY:
        return redirect(next_url)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.code_verify(request=request, code=form.cleaned_data["code"])
        except two_factor.CodeRefused as refusal:
            form.add_error("code", str(refusal))
        else:
            return redirect(next_url)
    return render(request, "units/two_factor_verify.html", {"form": form, "next": next_url})


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Setting up two-factor sign-in: scan the QR code (or type the key), confirm a first code,
    and keep the recovery codes shown once."""
    user = request.user
    if two_factor.totp_device(user) is not None:
        messages.info(request, _("Two-factor sign-in is already on for this account."))
        return redirect("units:two_factor")
    device = two_factor.enrolment_device(request)
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.enrolment_confirm(request=request, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            messages.success(request, _("Two-factor sign-in is on for this account."))
            return _recovery_codes(request, codes)
    context = {
        "form": form,
        "qr_svg": two_factor.qr_svg(device),
        "secret": two_factor.secret_text(device),
        "required": two_factor.required_for(user),
        "next": _next_url(request),
    }
    return render(request, "units/two_factor_setup.html", context)


def _recovery_codes(request: HttpRequest, codes: list[str]) -> HttpResponse:
    # Shown in the answer to the POST that made them, and never again: they are not kept
    # anywhere the page could read them back from.
    context = {"codes": codes, "next": _next_url(request)}
    return render(request, "units/two_factor_codes.html", context)


@require_GET
def two_factor_status(request: HttpRequest) -> HttpResponse:
    """One's own two-factor sign-in: on or off, required or not, recovery codes left."""
    user = request.user
    context = {
        "device": two_factor.totp_device(user),
        "required": two_factor.required_for(user),
        "codes_left": two_factor.recovery_codes_left(user),
    }
    return render(request, "units/two_factor.html", context)


@never_cache
@require_POST
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """Ten new recovery codes; the old ones stop working."""
    codes = two_factor.recovery_codes_regenerate(request=request)
    messages.success(request, _("New recovery codes are made; the old ones no longer work."))
    return _recovery_codes(request, codes)


@require_http_methods(["GET", "POST"])
def two_factor_reset(request: HttpRequest) -> HttpResponse:
    """Superusers and PX01 remove the second factor of an account that lost its phone."""
    if not accounts.may_manage_accounts(request.user):
        raise PermissionDenied
    form = TwoFactorResetForm(request.POST or None, manager=request.user)
    if request.method == "POST" and form.is_valid():
        account = form.cleaned_data["account"]
        two_factor.two_factor_reset(
            account=account, by=request.user, reason=form.cleaned_data["reason"], request=request
        )
        messages.success(
            request,
            _(
                "Two-factor sign-in of %(username)s is reset and the account is signed out "
                "everywhere. It sets two-factor sign-in up again at its next sign-in."
            )
            % {"username": account.username},
        )
        return redirect("units:two_factor_reset")
    return render(request, "units/two_factor_reset.html", {"form": form})


# -- sessions --


@require_GET
def sessions_page(request: HttpRequest) -> HttpResponse:
    """One's recent sign-ins and the sessions still open, with a button to end the others."""
    user = request.user
    context = {
        "open_sessions": sessions.session_rows(user=user, current=request.session.session_key),
        "sign_ins": sessions.sign_in_rows(user=user),
    }
    return render(request, "units/sessions.html", context)


@require_POST
def sessions_end(request: HttpRequest) -> HttpResponse:
    """End one other session (its token posted), or all the others."""
    user, current = request.user, request.session.session_key
    if token := request.POST.get("session"):
        if sessions.session_end(user=user, token=token, current=current):
            messages.success(request, _("The session is ended."))
        else:
            messages.warning(request, _("That session had already ended."))
    else:
        count = sessions.sessions_end_others(user=user, keep=current)
        messages.success(request, _("Other sessions ended: %(count)s.") % {"count": count})
    return redirect("units:sessions")


# -- accounts from Excel: upload → preview → confirm --


def _require_manager(request: HttpRequest) -> None:
    if not accounts.may_manage_accounts(request.user):
        raise PermissionDenied


def _file_gone(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("The uploaded file is no longer on the server: upload it again."))
    return redirect("units:account_import")


@require_http_methods(["GET", "POST"])
def account_import_upload(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = AccountImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        xlsx_reader.session_stage(request.session, IMPORT_SESSION_KEY, form.cleaned_data["file"])
        return redirect("units:account_import_preview")
    context = {
        "form": form,
        "columns": account_import.COLUMNS,
        "roles": account_import.role_choices(),
        "max_rows": xlsx_reader.MAX_ROWS,
    }
    return render(request, "units/account_import.html", context)


@require_GET
def account_import_preview(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    staged, content = xlsx_reader.session_staged(request.session, IMPORT_SESSION_KEY)
    if content is None:
        return _file_gone(request)
    try:
        plan = account_import.accounts_check(user=request.user, content=content)
    except xlsx_reader.ImportRefused as refusal:
        xlsx_reader.session_forget(request.session, IMPORT_SESSION_KEY)
        messages.error(request, str(refusal))
        return redirect("units:account_import")
    context = {"plan": plan, "file_name": staged.name}
    return render(request, "units/account_import_preview.html", context)


@require_POST
def account_import_confirm(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    staged, content = xlsx_reader.session_staged(request.session, IMPORT_SESSION_KEY)
    xlsx_reader.session_forget(request.session, IMPORT_SESSION_KEY)  # imported once at most
    if content is None:
        return _file_gone(request)
    try:
        plan = account_import.accounts_apply(
            user=request.user,
            content=content,
            file_name=staged.name,
            base_url=request.build_absolute_uri("/"),
            request=request,
        )
    except xlsx_reader.ImportRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("units:account_import")
    if plan.errors:  # the accounts changed since the preview: nothing was saved
        context = {"plan": plan, "file_name": staged.name}
        return render(request, "units/account_import_preview.html", context)
    messages.success(
        request,
        _("Accounts opened: %(count)s. Each was sent an invitation e-mail to choose a password.")
        % {"count": len(plan.accounts)},
    )
    return redirect("units:account_import")


@require_GET
def account_import_template(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    return xlsx_response(account_import.TEMPLATE_NAME, account_import.template_sheets())
