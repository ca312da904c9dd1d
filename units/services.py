"""Writes to the organisation tree and to accounts: one function per use case, in a transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from units.models import Notification, Unit, User


def _path_under(parent: Unit | None, unit_id: int) -> str:
    return f"{parent.path if parent else '/'}{unit_id}/"


@transaction.atomic
def unit_create(
    *,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None = None,
    ward_code: int | None = None,
    province_code: int | None = None,
    active: bool = True,
) -> Unit:
    """Create a unit under `parent` and give it its place in the tree."""
    unit = Unit(
        active=active,
        code=code.strip().upper(),
        name=name.strip(),
        kind=kind,
        parent=parent,
        ward_code=ward_code,
        province_code=province_code,
    )
    unit.full_clean(exclude=["path"])
    unit.save()
    unit.path = _path_under(parent, unit.pk)
    unit.save(update_fields=["path"])
    return unit


@transaction.atomic
def unit_update(*, unit: Unit, parent: Unit | None, **fields: object) -> Unit:
    """Change a unit's fields and, if its parent changes, move its whole subtree with it."""
    for name, value in fields.items():
        setattr(unit, name, value)
    if parent is not None and parent.path.startswith(unit.path or "\0"):
        raise ValidationError(
            {"parent": _("A unit cannot be placed under itself or its own sub-unit.")}
        )
    old_path = unit.path
    unit.parent = parent
    unit.full_clean(exclude=["path"])
    unit.save()
    new_path = _path_under(parent, unit.pk)
    if new_path != old_path:
        # One UPDATE rewrites the prefix of the unit and all its descendants.
        Unit.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr(F("path"), len(old_path) + 1))
        )
        unit.refresh_from_db(fields=["path"])
    return unit


@transaction.atomic
def account_create(
    *,
    username: str,
    unit: Unit,
    role: str,
    email: str = "",
    full_name: str = "",
    password: str | None = None,
) -> User:
    """Create a staff account in one unit with one role. Without a password it cannot sign in."""
    user = User(username=username, unit=unit, role=role, email=email, full_name=full_name)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def notify(*, users: Iterable[User], title: str, body: str, url: str = "") -> list[Notification]:
    """One in-app notification per active account, and its e-mail copy sent once the caller's
    transaction commits (a rolled-back notice sends nothing)."""
    # Imported here: units.tasks calls back into this module.
    from units.tasks import send_notification_email

    recipients = {user.pk: user for user in users if user.is_active}
    notifications = Notification.objects.bulk_create(
        Notification(user=user, title=title[:200], body=body, url=url)
        for user in recipients.values()
    )
    for notification in notifications:
        if recipients[notification.user_id].email:
            send_notification_email.delay_on_commit(notification.pk)
    return notifications


def notification_email_send(*, notification_id: int) -> bool:
    """E-mail one notification to its account, at most once: the conditional update claims it,
    and only a failed send gives the claim back so that a retry may try again."""
    claimed = Notification.objects.filter(pk=notification_id, emailed_at=None).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("user").get(pk=notification_id)
    if not notification.user.email:
        return False
    body = notification.body
    if notification.url:
        # A worker has no request to choose the language: the staff read Vietnamese.
        with translation.override(settings.LANGUAGE_CODE):
            link = _("See it in the application: %(url)s") % {"url": notification.url}
        body = f"{body}\n\n{link}"
    try:
        send_mail(notification.title, body, None, [notification.user.email])
    except Exception:
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    return True


def notifications_mark_read(*, user: User) -> int:
    """Mark every unread notification of the account as read; returns how many were."""
    return Notification.objects.filter(user=user, read_at=None).update(read_at=timezone.now())


def notification_ids_unsent(*, older_than: dt.timedelta = dt.timedelta(hours=1)) -> list[int]:
    """Notifications with an e-mail address whose e-mail has not gone out after `older_than`."""
    return list(
        Notification.objects.filter(
            emailed_at=None,
            created_at__lt=timezone.now() - older_than,
            user__is_active=True,
        )
        .exclude(user__email="")
        .values_list("pk", flat=True)
    )
