"""Two-factor sign-in (django-otp): a time-based code from an authenticator app (TOTP), and ten
single-use recovery codes for the day the phone is lost.

It is required of headquarters staff, leaders and superusers, who see the whole province, and
optional for everyone else. After the password, an account with a device gives a code before any
page (units.middleware.TwoFactorMiddleware); an account that must have one and has none sets it
up first. A wrong or reused code is a failed sign-in for django-axes, so five of them lock the
account exactly as five wrong passwords do.
"""

from __future__ import annotations

import base64
import math
from typing import Any

import django_otp
import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_credentials
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from units import audit, sessions
from units.models import AuditEvent, User

REQUIRED_ROLES = frozenset({User.Role.HQ_STAFF, User.Role.LEADER})
RECOVERY_CODE_COUNT = 10
# Whether the signed-in account had a confirmed device when it signed in: read on every request
# by the middleware, so that accounts without one (most officers) cost no query for it.
HAS_DEVICE_KEY = "units.two_factor_device"
# The key of the device being set up, until its first code confirms it.
ENROLMENT_KEY = "units.two_factor_enrolment"
VERIFY = "units:two_factor_verify"
SET_UP = "units:two_factor_setup"


def required_for(user: User) -> bool:
    """Whether the account must sign in with a second factor."""
    return user.is_superuser or user.role in REQUIRED_ROLES


def totp_device(user: User, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()


# -- where the signed-in account stands --


def on_login(sender: object, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """user_logged_in receiver (units.apps): remember whether the account has a device."""
    request.session[HAS_DEVICE_KEY] = TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def _has_device(request: HttpRequest) -> bool:
    if HAS_DEVICE_KEY not in request.session:  # a session from before two-factor sign-in
        on_login(None, request, request.user)
    return request.session[HAS_DEVICE_KEY]


def pending_step(request: HttpRequest) -> str | None:
    """The page the signed-in account must pass before any other: the code (VERIFY), setting
    up two-factor sign-in (SET_UP), or None."""
    user = request.user
    if user.is_verified():
        return None
    if _has_device(request):
        return VERIFY
    if required_for(user):
        return SET_UP
    return None


# -- setting it up --


def enrolment_device(request: HttpRequest) -> TOTPDevice:
    """The device being set up, unsaved: its key is kept in the session until the first code
    confirms it, so that reloading the page shows the same QR code and an abandoned set-up
    leaves nothing behind."""
    if totp_device(request.user) is not None:
        raise PermissionDenied
    key = request.session.get(ENROLMENT_KEY) or default_key()
    request.session[ENROLMENT_KEY] = key
    return TOTPDevice(user=request.user, name="authenticator", key=key)


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// link as an inline SVG QR code, drawn here: the secret goes to no other
    service."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, light="#fff", title=_("QR code to scan with the authenticator app")
    )


def secret_text(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed: base32, in groups of four."""
    key = base64.b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def enrolment_confirm(*, request: HttpRequest, code: str) -> list[str]:
    """Turn two-factor sign-in on with the first right code from the app: the device is saved,
    ten recovery codes are made (returned, to be shown once), this session counts as verified
    and every other session of the account is ended (it was opened without the code). A wrong
    code changes nothing."""
    # Two submissions at once (a double click) must not save two devices: one waits here.
    User.objects.select_for_update().filter(pk=request.user.pk).first()
    device = enrolment_device(request)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    code = _normalised(code)
    if not (code.isdigit() and totp.verify(int(code), device.tolerance)):
        raise ValidationError(
            _(
                "The code is not right. Check that the phone's clock is correct and type the "
                "code the app shows now."
            )
        )
    # The code just used cannot sign in again (django-otp accepts only later time steps).
    device.last_t, device.drift = totp.t(), totp.drift
    device.save()
    del request.session[ENROLMENT_KEY]
    user = request.user
    codes = _new_recovery_codes(user)
    _record_own(request, _("Two-factor sign-in set up"), action="enrolled")
    _mark_verified(request, device)
    sessions.sessions_end_others(user=user, keep=request.session.session_key)
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, request: HttpRequest) -> list[str]:
    """Ten new recovery codes for the signed-in account; the old ones stop working."""
    user = request.user
    if totp_device(user) is None or not user.is_verified():
        raise PermissionDenied
    codes = _new_recovery_codes(user)
    _record_own(request, _("Recovery codes made anew"), action="recovery_codes_regenerated")
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": "recovery codes"}
    )
    device.token_set.all().delete()
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return sorted(codes)


# -- signing in with it --


class CodeRefused(Exception):
    """The code was not accepted; the message tells the officer what to do."""


def code_verify(*, request: HttpRequest, code: str) -> None:
    """The second step of signing in: a right code from the app, or an unused recovery code,
    verifies this session. Else CodeRefused, and the attempt counts as a failed sign-in for
    django-axes; the one that reaches its limit ends the session and shows the lockout page.
    A code asked for too soon after wrong ones (each device makes the next try wait 1, 2, 4…
    seconds) is not checked, and not counted."""
    user = request.user
    credentials = get_credentials(user.get_username())
    if AxesProxyHandler.is_locked(request, credentials):
        _lock_out(request, credentials)
        raise CodeRefused(_("Signing in to this account is locked for now."))
    code = _normalised(code)
    device = _device_for(user, code)
    if device is not None and (wait := _throttled_for(device)):
        raise CodeRefused(
            _("Too many wrong codes: wait %(seconds)s seconds, then type the code again.")
            % {"seconds": wait}
        )
    if device is None or django_otp.verify_token(user, device.persistent_id, code) is None:
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            _lock_out(request, credentials)
        raise CodeRefused(
            _("The code is wrong or has already been used. Type the code the app shows now.")
        )
    _mark_verified(request, device)
    # The whole sign-in succeeded: the failures counted against it go, as after a right password.
    AxesProxyHandler.reset_attempts(
        ip_address=request.axes_ip_address, username=user.get_username()
    )
    if isinstance(device, StaticDevice):
        left = recovery_codes_left(user)
        summary = _("Signed in with a recovery code (%(left)s left)") % {"left": left}
        _record_own(request, summary, action="recovery_code_used", left=left)


def _normalised(code: str) -> str:
    # Typed as shown ("123 456", "abcd-efgh", in capitals): only letters and digits count.
    return "".join(ch for ch in code if ch.isalnum()).lower()


def _device_for(user: User, code: str) -> Device | None:
    """The device a code is for, by its shape: six digits from the app, else a recovery code."""
    if len(code) == 6 and code.isdigit():
        return totp_device(user)
    return StaticDevice.objects.filter(user=user, confirmed=True).first()


def _throttled_for(device: Device) -> int:
    allowed, details = device.verify_is_allowed()
    if allowed:
        return 0
    return max(1, math.ceil((details["locked_until"] - timezone.now()).total_seconds()))


def _lock_out(request: HttpRequest, credentials: dict[str, Any]) -> None:
    # The half-signed-in session ends; AxesMiddleware turns the response into the lockout page.
    logout(request)
    request.axes_locked_out = True
    request.axes_credentials = credentials


def _record_own(request: HttpRequest, summary: str, **details: Any) -> None:
    """An account's own two-factor event in the audit log."""
    user = request.user
    audit.record(
        AuditEvent.Kind.TWO_FACTOR,
        user=user,
        request=request,
        subject=user,
        summary=summary,
        **details,
    )


def _mark_verified(request: HttpRequest, device: Device) -> None:
    django_otp.login(request, device)
    request.session[HAS_DEVICE_KEY] = True


# -- an administrator's reset --


@transaction.atomic
def two_factor_reset(
    *, account: User, by: User, reason: str, request: HttpRequest | None = None
) -> None:
    """An administrator removes an account's two-factor devices (a lost or replaced phone): its
    sessions end, and at its next sign-in it sets two-factor sign-in up again (or, where it is
    optional, signs in with the password alone). Who and why go to the audit log."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the reset.")})
    TOTPDevice.objects.filter(user=account).delete()
    StaticDevice.objects.filter(user=account).delete()
    sessions.sessions_end_all(user=account)
    audit.record(
        AuditEvent.Kind.TWO_FACTOR,
        user=by,
        request=request,
        subject=account,
        summary=_("Two-factor sign-in of %(username)s reset: %(reason)s")
        % {"username": account.username, "reason": reason},
        action="reset",
        account=account.username,
        reason=reason,
    )
