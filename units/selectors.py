"""Reads of the organisation tree, always through the requesting user's scope."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, QuerySet

from units.models import Notification, Unit, User
from units.scoping import scope_for


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
