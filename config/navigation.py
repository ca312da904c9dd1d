"""The navigation bar: one list, filtered by role, so a menu shows only what the role may use."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from units.models import User

Role = User.Role
ALL_ROLES = frozenset(Role.values)
# The police's own accounts; partner accounts (institutions, employers) get their own entries.
POLICE_ROLES = ALL_ROLES - frozenset(User.PARTNER_ROLES)
SUPERUSER = "superuser"


@dataclass(frozen=True)
class MenuItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str]


MENU: tuple[MenuItem, ...] = (
    MenuItem(_("Home"), "home", ALL_ROLES | {SUPERUSER}),
    MenuItem(
        _("Overview"),
        "reports:dashboard",
        frozenset({Role.UNIT_OFFICER, Role.HQ_STAFF, Role.LEADER, SUPERUSER}),
    ),
    MenuItem(_("Soldiers"), "soldiers:list", POLICE_ROLES | {SUPERUSER}),
    MenuItem(
        _("Worklist"),
        "soldiers:worklist",
        frozenset({Role.UNIT_OFFICER, Role.HQ_STAFF, SUPERUSER}),
    ),
    MenuItem(_("Training"), "training:courses", POLICE_ROLES | {SUPERUSER}),
    MenuItem(_("Jobs"), "employers:openings", POLICE_ROLES | {SUPERUSER}),
    MenuItem(_("Job fairs"), "employers:fairs", POLICE_ROLES | {SUPERUSER}),
    # The partners' own pages (an institution's or an employer's staff).
    MenuItem(
        _("Registrations sent to us"),
        "training:partner_home",
        frozenset({Role.INSTITUTION_STAFF}),
    ),
    MenuItem(_("Our courses"), "training:partner_courses", frozenset({Role.INSTITUTION_STAFF})),
    MenuItem(
        _("Soldiers referred to us"), "employers:partner_home", frozenset({Role.EMPLOYER_STAFF})
    ),
    MenuItem(
        _("Reports"),
        "reports:submissions",
        frozenset({Role.UNIT_OFFICER, Role.HQ_STAFF, Role.LEADER, *User.PARTNER_ROLES, SUPERUSER}),
    ),
    MenuItem(
        _("Funding"),
        "reports:funding",
        frozenset({Role.HQ_STAFF, Role.LEADER, SUPERUSER}),
    ),
    MenuItem(
        _("Units"),
        "units:list",
        frozenset({Role.UNIT_OFFICER, Role.HQ_STAFF, Role.LEADER, SUPERUSER}),
    ),
    # Only PX01 among headquarters staff may open it (units.audit.may_read_log); telling the
    # departments apart here would cost every page a query for the account's unit.
    MenuItem(_("Audit log"), "units:audit", frozenset({Role.HQ_STAFF, SUPERUSER})),
    MenuItem(_("Administration"), "admin:index", frozenset({SUPERUSER})),
)


def menu_for(user: User) -> list[dict[str, str]]:
    role = SUPERUSER if user.is_superuser else user.role
    items = []
    for item in MENU:
        if role not in item.roles:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:  # an app that is not wired in this deployment
            continue
        items.append({"label": str(item.label), "url": url, "name": item.url_name})
    return items


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    return {"menu": menu_for(user)}
