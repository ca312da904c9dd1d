"""Reads of the organisation tree, always through the requesting user's scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from units import audit
from units.models import AuditEvent, Notification, Unit, User
from units.scoping import LEAD_DEPARTMENT, scope_for


def unit_list(*, user: User) -> QuerySet[Unit]:
    """The units the user may see, in tree order, each with its number of accounts."""
    return (
        scope_for(user)
        .units()
        .select_related("parent")
        .annotate(staff_count=Count("staff", distinct=True))
        .order_by("path")
    )


def notification_list(*, user: User) -> QuerySet[Notification]:
    """The account's own notifications, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def unread_notification_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at=None).count()


def unit_officers_over(*, units: Iterable[Unit]) -> list[User]:
    """The active unit officers whose scope covers any of these units: officers of the units
    themselves and of every unit above them (read from the materialised paths, one query)."""
    ids = {int(part) for unit in units for part in unit.path.strip("/").split("/")}
    return list(
        User.objects.filter(
            role=User.Role.UNIT_OFFICER, is_active=True, unit_id__in=ids, unit__active=True
        ).select_related("unit")
    )


@dataclass(frozen=True)
class AccountStatus:
    """Where an invited account stands: `label` to show, `expires` of a link still open."""

    label: str
    expires: dt.datetime | None = None


def account_status(user: User) -> AccountStatus:
    """Password chosen, invitation waiting (until when) or expired. Reads the account's
    invitations as prefetched (newest first), so a list of accounts costs no query per row."""
    if user.has_usable_password():
        return AccountStatus(_("Password chosen"))
    latest = next(iter(user.invitations.all()), None)
    if latest is None or latest.used_at is not None:
        return AccountStatus(_("Not invited"))
    if latest.expires_at <= timezone.now():
        return AccountStatus(_("Invitation expired"))
    return AccountStatus(_("Invited"), latest.expires_at)


def partner_link(user: User, *, role: str, relation: str) -> Any | None:
    """The row linking an active partner account of `role` to its institution or employer,
    reached by the reverse `relation` that training/ or employers/ declares on the account
    (units knows only the name); None for any other account."""
    if not (user.is_authenticated and user.is_active) or user.role != role:
        return None
    try:
        return getattr(user, relation)
    except ObjectDoesNotExist:
        return None


def partner_accounts(links: QuerySet) -> list[tuple[Any, AccountStatus]]:
    """The partner accounts of one institution or employer (its `staff` links), by name, each
    with where it stands with its invitations: three queries whatever their number."""
    rows = links.select_related("user").prefetch_related("user__invitations")
    return [
        (link, account_status(link.user))
        for link in rows.order_by("user__full_name", "user__username")
    ]


# -- the audit log (PX01) --

# The subjects a row links to, by URL name: units may not import the apps above it.
SUBJECT_URLS = {"soldiers.soldier": "soldiers:detail"}
SOLDIER_LABEL = "soldiers.soldier"
# How the details of an entry are named on the page and in its export.
DETAIL_LABELS = {
    "file": _("file name"),
    "rows": _("rows"),
    "sheets": _("sheets"),
    "full_ids": _("whole citizen IDs"),
    "filters": _("filters"),
    "created": _("new"),
    "updated": _("updated"),
    "unchanged": _("unchanged"),
    "changes": _("changes"),
    "role": _("role"),
    "unit": _("unit"),
    "year": _("year"),
    "as_of": _("as of"),
    "expires_at": _("valid until"),
}


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    subject: str
    subject_url: str
    details: str


def audit_events(
    *,
    user: User,
    account: str = "",
    soldier: tuple[str, str] | None = None,
    kind: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """The log, newest first, for PX01 and superusers only (PermissionDenied for anyone else):
    the entries of one account (by user name, now or at the time), about one soldier
    (("id", "123") or ("citizen_id", "037…")), of one kind, from `start` to `end` (local days,
    both included)."""
    if not audit.may_read_log(user):
        raise PermissionDenied
    events = AuditEvent.objects.order_by("-at", "-pk")
    if account:
        events = events.filter(Q(username__iexact=account) | Q(user__username__iexact=account))
    if soldier is not None:
        events = events.filter(subject_type=SOLDIER_LABEL, subject_id__in=_soldier_ids(*soldier))
    if kind:
        events = events.filter(kind=kind)
    if start is not None:
        events = events.filter(at__gte=local_midnight(start))
    if end is not None:
        events = events.filter(at__lt=local_midnight(end + dt.timedelta(days=1)))
    return events


def _soldier_ids(by: str, value: str) -> QuerySet | list[int]:
    if by == "id":
        return [int(value)]
    # The soldier's model is reached through the app registry, not imported: soldiers/ sits
    # above units/ (DESIGN.md §6), and the log names it only by its label.
    soldier_model = apps.get_model(SOLDIER_LABEL)
    return soldier_model.objects.filter(citizen_id=value).values("pk")


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_rows(events: Iterable[AuditEvent]) -> list[AuditRow]:
    return [audit_row(event) for event in events]


def audit_row(event: AuditEvent) -> AuditRow:
    """The entry with its subject named and linked, and its details as text (no query)."""
    return AuditRow(event, _subject_text(event), _subject_url(event), details_text(event.details))


def _subject_text(event: AuditEvent) -> str:
    if not event.subject_type:
        return ""
    try:
        name = apps.get_model(event.subject_type)._meta.verbose_name
    except LookupError:  # a model since removed: its label still says what it was
        name = event.subject_type
    return f"{capfirst(name)} #{event.subject_id}"


def _subject_url(event: AuditEvent) -> str:
    url_name = SUBJECT_URLS.get(event.subject_type)
    return reverse(url_name, args=[event.subject_id]) if url_name and event.subject_id else ""


def details_text(details: Any) -> str:
    """The JSON details as one line: "file name: a.xlsx · rows: 12 · filters: unit: PK02"."""
    if isinstance(details, dict):
        return " · ".join(_pairs(details))
    return _value_text(details)


def _pairs(values: dict[str, Any]) -> list[str]:
    # In DETAIL_LABELS' order, then by name: PostgreSQL's jsonb does not keep the keys' order.
    known = list(DETAIL_LABELS)
    order = sorted(values, key=lambda k: (known.index(k) if k in known else len(known), k))
    return [f"{DETAIL_LABELS.get(key, key)}: {_value_text(values[key])}" for key in order]


def _value_text(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(_pairs(value))
    if isinstance(value, list) and len(value) == 2:  # [before, after] of a change
        return f"{_value_text(value[0])} → {_value_text(value[1])}"
    if value is None or value == "":
        return "—"
    return str(value)


# -- whole citizen IDs per account and day (the daily check) --


@dataclass(frozen=True)
class FullIdCount:
    user_id: int | None  # None: the command line
    username: str
    full_ids: int


def full_id_counts(*, day: dt.date, above: int) -> list[FullIdCount]:
    """The accounts that saw or exported more than `above` whole citizen IDs on `day` (a local
    day): each full ID shown on a soldier's page counts one, each exported file its full_ids.
    One query, read from the audit log itself."""
    whole_ids = Sum(
        Case(
            When(kind=AuditEvent.Kind.CITIZEN_ID_VIEWED, then=Value(1)),
            default=Cast(KT("details__full_ids"), BigIntegerField()),
            output_field=BigIntegerField(),
        )
    )
    rows = (
        AuditEvent.objects.filter(
            Q(kind=AuditEvent.Kind.CITIZEN_ID_VIEWED)
            | Q(kind=AuditEvent.Kind.EXPORT, details__has_key="full_ids"),
            at__gte=local_midnight(day),
            at__lt=local_midnight(day + dt.timedelta(days=1)),
        )
        .values("user")
        .annotate(full_ids=whole_ids, name=Max("username"))
        .filter(full_ids__gt=above)
        .order_by("username")
    )
    return [FullIdCount(row["user"], row["name"], row["full_ids"]) for row in rows]


def lead_department_staff() -> QuerySet[User]:
    """PX01's active headquarters accounts, who are told what concerns the whole province."""
    return User.objects.filter(unit__code=LEAD_DEPARTMENT, role=User.Role.HQ_STAFF, is_active=True)
