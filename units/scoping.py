"""The one answer to "which units, and so which soldiers, may this user see and change?".

Every selector in every app filters through `scope_for(user)`; nothing else decides visibility.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from units.models import Unit, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

Role = User.Role


@dataclass(frozen=True, slots=True)
class Scope:
    """What one user may reach.

    everything: headquarters staff, leaders and superusers see the whole province.
    unit_path: a unit officer sees his unit and every unit below it.
    ward_code: a commune officer sees the soldiers whose home commune is his.
    can_write: leaders only read.
    """

    everything: bool = False
    unit_path: str | None = None
    ward_code: int | None = None
    unit_id: int | None = None
    can_write: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.unit_path or self.ward_code)

    def q(self, *, unit_field: str = "unit", ward_field: str | None = None) -> Q:
        """A filter for any model that points at a unit (and, for commune scope, a home ward).

        A model without a ward field is invisible to a commune officer, except for his own unit.
        """
        if self.everything:
            return Q()
        if self.unit_path:
            return Q(**{f"{unit_field}__path__startswith": self.unit_path})
        if self.ward_code is not None and ward_field:
            return Q(**{ward_field: self.ward_code})
        return Q(pk__in=[])

    def units(self) -> QuerySet[Unit]:
        """The units this user may see: his subtree, his own unit, or all of them."""
        qs = Unit.objects.all()
        if self.everything:
            return qs
        if self.unit_path:
            return qs.filter(path__startswith=self.unit_path)
        if self.unit_id is not None:
            return qs.filter(pk=self.unit_id)
        return qs.none()

    def covers_unit(self, unit: Unit) -> bool:
        if self.everything:
            return True
        if self.unit_path:
            return unit.path.startswith(self.unit_path)
        return False


NO_SCOPE = Scope()


def scope_for(user: User | AnonymousUser) -> Scope:
    if not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    if user.is_superuser:
        return Scope(everything=True, can_write=True)
    unit = user.unit
    if unit is None or not unit.active:
        return NO_SCOPE
    match user.role:
        case Role.HQ_STAFF:
            return Scope(everything=True, unit_id=unit.pk, can_write=True)
        case Role.LEADER:
            return Scope(everything=True, unit_id=unit.pk, can_write=False)
        case Role.UNIT_OFFICER:
            return Scope(unit_path=unit.path, unit_id=unit.pk, can_write=True)
        case Role.COMMUNE_OFFICER:
            return Scope(ward_code=unit.ward_code, unit_id=unit.pk, can_write=True)
    return NO_SCOPE


class Catalogue:
    """Province-wide lists, each kept by one headquarters department (DESIGN.md §1) and by PX01."""

    INSTITUTIONS = "institutions"
    EMPLOYERS = "employers"
    JOB_FAIRS = "job_fairs"
    BUDGET = "budget"


CATALOGUE_KEEPERS: dict[str, frozenset[str]] = {
    Catalogue.INSTITUTIONS: frozenset({"PA03"}),
    Catalogue.EMPLOYERS: frozenset({"PA04"}),
    Catalogue.JOB_FAIRS: frozenset({"PX03"}),
    Catalogue.BUDGET: frozenset({"PH10"}),
}
# PX01 leads the work and "sees and edits everything".
LEAD_DEPARTMENT = "PX01"


def may_keep(user: User | AnonymousUser, catalogue: str) -> bool:
    """Whether the user may change one of the province-wide lists."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if user.role != Role.HQ_STAFF or user.unit is None:
        return False
    return user.unit.code in CATALOGUE_KEEPERS[catalogue] | {LEAD_DEPARTMENT}


def is_lead(user: User | AnonymousUser) -> bool:
    """PX01's headquarters staff, or a superuser standing in: they review the units' reports,
    read the audit log and answer for personal data."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.department_code == LEAD_DEPARTMENT
