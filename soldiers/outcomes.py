"""Who may record what happens to a soldier after his service: training, support, jobs, loans.

Unit officers (for their units), commune officers (for the soldiers whose home commune is theirs)
and headquarters staff may; leaders only read. One rule, used by training/ and employers/.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from soldiers.models import Soldier, SoldierChange
from units.models import User
from units.scoping import scope_for


def may_record_outcomes(user: User, soldier: Soldier) -> bool:
    scope = scope_for(user)
    if not scope.can_write:
        return False
    if scope.ward_code is not None:
        return soldier.home_ward_code == scope.ward_code
    return scope.covers_unit(soldier.unit)


def require_outcome_writer(user: User, soldier: Soldier) -> None:
    """Refuse users who may not record outcomes, and archived soldiers."""
    if not may_record_outcomes(user, soldier):
        raise PermissionDenied(_("Your account may not record this soldier's training or job."))
    if soldier.archived:
        raise ValidationError(_("This soldier's file is archived; restore it first."))


def outcome_history(
    *, soldier: Soldier, user: User | None, action: str, summary: str, before: str = ""
) -> SoldierChange:
    """A history line for an outcome recorded above the soldiers layer."""
    return SoldierChange.objects.create(
        soldier=soldier, by=user, action=action, changes={str(action): [str(before), str(summary)]}
    )
