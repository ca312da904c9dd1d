"""Reads of the organisation tree, always through the requesting user's scope."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from units.models import Unit, User
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
