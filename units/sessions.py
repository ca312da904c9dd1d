"""Signed-in sessions: when each began and where from (units.UserSession beside Django's own
session row), how long one may last, and ending them.

A session ends after SESSION_COOKIE_AGE without a request (Django's idle expiry) and, however
busy, SESSION_ABSOLUTE_SECONDS after signing in (units.middleware.SessionLimitMiddleware). A new
password ends every other session: Django refuses a session whose password fingerprint is no
longer the account's, and the sessions page lists only those it still accepts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from units.audit import client_address
from units.models import AuditEvent, User, UserSession

# When the session signed in (seconds since the epoch), and the session key its UserSession row
# was written for: the key changes on a password change, and the row is then written anew.
STARTED_KEY = "units.signed_in_at"
TRACKED_KEY = "units.tracked_session"
# When the session's idle expiry was last pushed back (seconds since the epoch).
RENEWED_KEY = "units.renewed_at"
RECENT_SIGN_INS = 20


def on_login(sender: object, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """user_logged_in receiver (units.apps): every sign-in, by any view, starts the clock."""
    request.session[STARTED_KEY] = request.session[RENEWED_KEY] = int(timezone.now().timestamp())
    session_track(request=request, user=user)


def session_track(*, request: HttpRequest, user: User) -> UserSession:
    """Write (or rewrite, under a new key) the row saying whose this session is."""
    if request.session.session_key is None:  # a session emptied by the sign-in: give it its row
        request.session.save()
    key = request.session.session_key
    started = request.session.setdefault(STARTED_KEY, int(timezone.now().timestamp()))
    row, _created = UserSession.objects.update_or_create(
        session_id=key,
        defaults={
            "user": user,
            "created_at": dt.datetime.fromtimestamp(started, tz=dt.UTC),
            "ip_address": client_address(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        },
    )
    request.session[TRACKED_KEY] = key
    return row


def keep_tracked(request: HttpRequest) -> None:
    """After a request: a signed-in session whose key changed gets its row back, and one opened
    before these rules (no sign-in time) starts its clock now."""
    session = request.session
    key = session.session_key
    if not (key and request.user.is_authenticated):
        return
    if session.get(TRACKED_KEY) != key or STARTED_KEY not in session:
        session_track(request=request, user=request.user)


def renew(request: HttpRequest) -> None:
    """After a request: push the idle expiry back (SESSION_COOKIE_AGE from now) when the session
    is saved anyway or its last renewal is SESSION_RENEW_SECONDS old. Between renewals a page
    reads the session and writes nothing."""
    session = request.session
    if session.session_key is None or not request.user.is_authenticated:
        return
    now = int(timezone.now().timestamp())
    renewed = session.get(RENEWED_KEY)
    if session.modified or renewed is None or now - renewed >= settings.SESSION_RENEW_SECONDS:
        session[RENEWED_KEY] = now  # marks the session modified: SessionMiddleware saves it


def expired(request: HttpRequest) -> bool:
    """Whether the signed-in session has lasted SESSION_ABSOLUTE_SECONDS."""
    started = request.session.get(STARTED_KEY)
    if started is None:
        return False
    return timezone.now().timestamp() - started >= settings.SESSION_ABSOLUTE_SECONDS


# -- the sessions page --


def session_token(session_key: str) -> str:
    """How the page names a session: never by its key, which would sign anyone in with it."""
    return salted_hmac("units.sessions", session_key, algorithm="sha256").hexdigest()[:32]


def sessions_active(*, user: User) -> list[UserSession]:
    """The account's sessions Django still accepts (not expired, opened with the current
    password), newest first."""
    fingerprint = user.get_session_auth_hash()
    rows = (
        UserSession.objects.filter(user=user, session__expire_date__gt=timezone.now())
        .select_related("session")
        .order_by("-created_at")
    )
    return [
        row
        for row in rows
        if constant_time_compare(row.session.get_decoded().get(HASH_SESSION_KEY, ""), fingerprint)
    ]


@dataclass(frozen=True)
class SessionRow:
    started: dt.datetime
    last_seen: dt.datetime  # the last request, read back from the idle expiry it renewed
    ip_address: str | None
    browser: str
    token: str
    current: bool


def session_rows(*, user: User, current: str | None) -> list[SessionRow]:
    """The sessions page's list: the account's open sessions, the current one marked."""
    idle = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    return [
        SessionRow(
            started=row.created_at,
            last_seen=row.session.expire_date - idle,
            ip_address=row.ip_address,
            browser=browser_label(row.user_agent),
            token=session_token(row.session_id),
            current=row.session_id == current,
        )
        for row in sessions_active(user=user)
    ]


@dataclass(frozen=True)
class SignInRow:
    at: dt.datetime
    ip_address: str | None
    browser: str


def sign_in_rows(*, user: User) -> list[SignInRow]:
    """The account's latest sign-ins, from the audit log: time, address, browser."""
    events = AuditEvent.objects.filter(user=user, kind=AuditEvent.Kind.LOGIN).order_by("-at", "-pk")
    return [
        SignInRow(at=event.at, ip_address=event.ip_address, browser=browser_label(event.user_agent))
        for event in events[:RECENT_SIGN_INS]
    ]


# Browser and system names in a User-Agent header, most specific first (Edge and Cốc Cốc say
# "Chrome" too, Chrome says "Safari").
BROWSERS = (
    ("coc_coc_browser", "Cốc Cốc"),
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def browser_label(user_agent: str) -> str:
    """ "Chrome · Windows" from a User-Agent header; the header itself when neither is known."""
    browser = next((name for mark, name in BROWSERS if mark in user_agent), "")
    system = next((name for mark, name in SYSTEMS if mark in user_agent), "")
    if browser and system:
        return f"{browser} · {system}"
    return browser or system or user_agent[:60]


@transaction.atomic
def session_end(*, user: User, token: str, current: str | None) -> bool:
    """End one other session of the account, named by its token; False if there is none (ended
    already, or not his). The current session is ended by signing out."""
    for key in UserSession.objects.filter(user=user).values_list("session_id", flat=True):
        if key != current and constant_time_compare(session_token(key), token):
            Session.objects.filter(pk=key).delete()
            return True
    return False


@transaction.atomic
def sessions_end_others(*, user: User, keep: str | None) -> int:
    """End every session of the account but `keep`; returns how many."""
    _total, deleted = Session.objects.filter(owner__user=user).exclude(pk=keep).delete()
    return _sessions_in(deleted)


@transaction.atomic
def sessions_end_all(*, user: User) -> int:
    _total, deleted = Session.objects.filter(owner__user=user).delete()
    return _sessions_in(deleted)


def _sessions_in(deleted: dict[str, int]) -> int:
    return deleted.get(Session._meta.label, 0)
