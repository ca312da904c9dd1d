"""Rolling out police accounts: one at a time from the command line (`create_account`) or many
from one Excel file (units/account_import.py), with the same rules.

An account is opened in one unit with one role, with a password typed by the administrator or
none until the officer follows his invitation e-mail. Accounts are deactivated, never deleted: the
history rows of an officer who moved point at his account, and the audit log keeps his name.
"""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import override

from units import audit, services
from units.models import Unit, User
from units.scoping import LEAD_DEPARTMENT

Role = User.Role

# The kind of unit each police role belongs to: a commune officer's scope is his commune, a unit
# officer's his unit's subtree, headquarters staff and leaders work at the provincial police.
UNIT_KIND_OF_ROLE: dict[str, str] = {
    Role.UNIT_OFFICER: Unit.Kind.MANAGING,
    Role.COMMUNE_OFFICER: Unit.Kind.COMMUNE,
    Role.HQ_STAFF: Unit.Kind.HQ_DEPARTMENT,
    Role.LEADER: Unit.Kind.HQ_DEPARTMENT,
}
POLICE_ROLES = tuple(UNIT_KIND_OF_ROLE)


def may_manage_accounts(user: User) -> bool:
    """Superusers and PX01 open accounts in bulk and reset a lost second factor (issue 9)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.department_code == LEAD_DEPARTMENT


def role_unit_problem(role: str, unit: Unit) -> str | None:
    """Why an account of `role` cannot belong to `unit`, or None."""
    if not unit.active:
        return _("The unit %(code)s is no longer active.") % {"code": unit.code}
    if unit.kind != UNIT_KIND_OF_ROLE[role]:
        return _(
            "A %(role)s account belongs to a unit of the kind “%(kind)s”; %(code)s is not."
        ) % {
            "role": Role(role).label,
            "kind": Unit.Kind(UNIT_KIND_OF_ROLE[role]).label,
            "code": unit.code,
        }
    return None


def role_names() -> dict[str, str]:
    """A police role's code, by what a file or a command may call it: its Vietnamese name or its
    code, in lower case."""
    with override("vi"):
        names = {str(Role(role).label).lower(): role for role in POLICE_ROLES}
    return names | {role.lower(): role for role in POLICE_ROLES}


def email_problem(email: str) -> str | None:
    """Why the invitation could not reach `email`, or None."""
    try:
        validate_email(email)
    except ValidationError:
        return _("%(email)s is not an e-mail address.") % {"email": email}
    return None


def username_taken(username: str) -> bool:
    # Compared without case: "CanBo.PK02" beside "canbo.pk02" would be two accounts that
    # officers cannot tell apart.
    return User.objects.filter(username__iexact=username).exists()


@transaction.atomic
def account_open(
    *,
    created_by: User | None,
    username: str,
    unit: Unit,
    role: str,
    email: str,
    full_name: str = "",
    password: str | None = None,
    invite: bool = False,
    base_url: str = "",
    request: HttpRequest | None = None,
) -> User:
    """Open a police account: with `password` (Django's password rules apply), or with an
    invitation e-mailed once the transaction commits (`invite`). Its creation goes to the audit
    log under `created_by` (None: the command line)."""
    if role not in POLICE_ROLES:
        raise ValidationError({"role": _("Choose one of the police roles.")})
    if problem := role_unit_problem(role, unit):
        raise ValidationError({"unit": problem})
    username = username.strip()
    if username_taken(username):
        raise ValidationError(
            {"username": _("The user name %(username)s is taken.") % {"username": username}}
        )
    if problem := email_problem(email.strip()):
        raise ValidationError({"email": problem})
    if password is None and not invite:
        raise ValidationError(_("Give a password or send an invitation."))
    account = services.account_create(
        username=username,
        unit=unit,
        role=role,
        email=email.strip(),
        full_name=" ".join(full_name.split()),
    )
    if password is not None:
        validate_password(password, user=account)
        account.set_password(password)
        account.save(update_fields=["password"])
    audit.record_account_saved(
        user=created_by, account=account, before=None, changed=(), request=request
    )
    if invite:
        services.invitation_create(user=account, created_by=created_by, base_url=base_url)
    return account
