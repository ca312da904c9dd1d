"""Writes to the organisation tree and to accounts: one function per use case, in a transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import smtplib
from collections.abc import Iterable
from functools import partial
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerUnavailable

from units import audit, selectors
from units.models import AuditEvent, ExportAlert, Invitation, Notification, Unit, User

logger = logging.getLogger(__name__)


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
    unit: Unit | None,
    role: str,
    email: str = "",
    full_name: str = "",
    password: str | None = None,
) -> User:
    """Create a staff account in one unit with one role (a partner account has no unit). Without
    a password it cannot sign in."""
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
    """One in-app notification per active account, and its e-mail copy queued once the caller's
    transaction commits (a rolled-back notice sends nothing)."""
    recipients = {user.pk: user for user in users if user.is_active}
    notifications = Notification.objects.bulk_create(
        Notification(user=user, title=title[:200], body=body, url=url)
        for user in recipients.values()
    )
    to_email = [n.pk for n in notifications if recipients[n.user_id].email]
    if to_email:
        transaction.on_commit(partial(_queue_emails, to_email))
    return notifications


def _queue_emails(notification_ids: list[int]) -> None:
    """Queue the e-mail copies of committed notifications. With the broker (Redis) down, the
    notices are already saved and the request must still succeed: the e-mails stay unsent
    (emailed_at NULL) and the hourly units.resend_unsent_emails sweep queues them later."""
    # Imported here: units.tasks calls back into this module.
    from units.tasks import send_notification_email

    for queued, notification_id in enumerate(notification_ids):
        try:
            send_notification_email.delay(notification_id)
        except BrokerUnavailable:
            # Each attempt waits out the publish retries: one failure is enough to stop.
            logger.warning(
                "Broker unavailable: %d notification e-mail(s) left for the hourly resend.",
                len(notification_ids) - queued,
            )
            return


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


# ---- invitations: a one-time link with which a new account sets its password ----

INVITATION_HOURS = 72


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_create(
    *, user: User, created_by: User | None, valid_hours: int = INVITATION_HOURS, base_url: str = ""
) -> str:
    """Invite `user` to set his password: a random token whose sha256 alone is stored, e-mailed
    as a link (absolute when `base_url`, e.g. "https://csnv.congan.local", is given) once the
    transaction commits. Returns the token."""
    if not user.email:
        raise ValidationError({"email": [_("The account has no e-mail address to invite.")]})
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        user=user,
        token_hash=_token_hash(token),
        expires_at=timezone.now() + dt.timedelta(hours=valid_hours),
        created_by=created_by,
    )
    link = base_url.rstrip("/") + reverse("invitation_accept", args=[token])
    audit.record(
        AuditEvent.Kind.INVITATION,
        user=created_by,
        subject=user,
        summary=_("Invitation for the account %(username)s") % {"username": user.username},
        role=user.role,
        expires_at=invitation.expires_at.isoformat(),
    )
    # The token lives only in this closure and the e-mail, never in the database or a task's
    # arguments. A mail server that refuses is logged; the inviter may send a new invitation.
    transaction.on_commit(lambda: _invitation_send(invitation, link))
    return token


def _invitation_send(invitation: Invitation, link: str) -> None:
    # The inviter may be any language; the partners read Vietnamese.
    with translation.override(settings.LANGUAGE_CODE):
        names = {
            "name": invitation.user.get_full_name(),
            "username": invitation.user.username,
            "link": link,
            "expires": date_format(
                timezone.localtime(invitation.expires_at), "SHORT_DATETIME_FORMAT"
            ),
        }
        subject = _("Your account for the conscript training and jobs application")
        body = (
            _(
                "Hello %(name)s,\n\nAn account has been created for you: your user name is "
                "%(username)s. Open this link to choose your password:\n\n%(link)s\n\n"
                "The link can be used once and is valid until %(expires)s."
            )
            % names
        )
    try:
        send_mail(subject, body, None, [invitation.user.email])
    except (smtplib.SMTPException, OSError):
        # The account is saved: a refusing mail server must not fail the request after it.
        logger.exception("The invitation %s could not be e-mailed.", invitation.pk)


def invitation_check(*, token: str) -> Invitation:
    """The invitation a token opens, or a ValidationError saying why it cannot be used: unknown,
    already used, or expired."""
    invitation = (
        Invitation.objects.select_related("user")
        .filter(token_hash=_token_hash(token), user__is_active=True)
        .first()
    )
    if invitation is None:
        raise ValidationError(_("This invitation link is not valid. Check the link in the e-mail."))
    if invitation.used_at is not None:
        raise ValidationError(
            _("This invitation has already been used. Sign in with the password you chose.")
        )
    if invitation.expires_at <= timezone.now():
        raise ValidationError(
            _("This invitation expired on %(date)s. Ask for a new one.")
            % {
                "date": date_format(
                    timezone.localtime(invitation.expires_at), "SHORT_DATETIME_FORMAT"
                )
            }
        )
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    """Set the invited account's password, once: Django's password rules apply, and the
    conditional update lets only one of two simultaneous uses through. Every other invitation
    still open for the account stops working with it."""
    invitation = invitation_check(token=token)
    user = invitation.user
    validate_password(password, user=user)
    now = timezone.now()
    claimed = Invitation.objects.filter(pk=invitation.pk, used_at=None, expires_at__gt=now).update(
        used_at=now
    )
    if not claimed:
        raise ValidationError(
            _("This invitation has already been used. Sign in with the password you chose.")
        )
    Invitation.objects.filter(user=user, used_at=None).update(used_at=now)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(
        AuditEvent.Kind.ACCOUNT,
        user=user,
        subject=user,
        summary=_("Password chosen through an invitation"),
        invitation=invitation.pk,
    )
    return user


@transaction.atomic
def partner_account_invite(
    *, created_by: User, role: str, username: str, full_name: str, email: str, base_url: str = ""
) -> User:
    """A partner account (institution or employer staff): no unit, no password until he
    follows the invitation e-mailed to him. The caller links it to its institution or employer."""
    if role not in User.PARTNER_ROLES:
        raise ValueError(f"{role!r} is not a partner role.")
    if not email.strip():
        raise ValidationError({"email": [_("Enter the e-mail address the invitation goes to.")]})
    account = account_create(
        username=username.strip(),
        unit=None,
        role=role,
        email=email.strip(),
        full_name=" ".join(full_name.split()),
    )
    invitation_create(user=account, created_by=created_by, base_url=base_url)
    return account


# ---- the daily check of whole citizen IDs ----


def full_id_export_alerts(*, day: dt.date) -> list[ExportAlert]:
    """Tell PX01 of every account that saw or exported more whole citizen IDs on `day` than
    settings.FULL_ID_EXPORT_ALERT, once per account and day: the ExportAlert row is claimed
    first, and only the run that creates it notifies, so running the check twice tells once."""
    alerts = []
    limit = settings.FULL_ID_EXPORT_ALERT
    for count in selectors.full_id_counts(day=day, above=limit):
        with transaction.atomic():
            alert, created = ExportAlert.objects.get_or_create(
                user_id=count.user_id, day=day, defaults={"full_ids": count.full_ids}
            )
            if created:
                _full_id_notice(count, day=day, limit=limit)
                alerts.append(alert)
    return alerts


def _full_id_notice(count: selectors.FullIdCount, *, day: dt.date, limit: int) -> None:
    shown_day = f"{day:%d/%m/%Y}"
    # A worker has no request to choose the language: PX01 reads Vietnamese.
    with translation.override(settings.LANGUAGE_CODE):
        who = count.username or _("the command line")
        title = _("%(who)s saw or exported %(count)s whole citizen IDs on %(day)s") % {
            "who": who,
            "count": count.full_ids,
            "day": shown_day,
        }
        body = _(
            "The limit is %(limit)s a day. Each whole ID shown on a soldier's page counts one, "
            "and each whole ID in an exported file one. Check in the audit log that the work "
            "needed them."
        ) % {"limit": limit}
    query = {"start": shown_day, "end": shown_day}
    query |= {"account": count.username} if count.username else {"kind": AuditEvent.Kind.EXPORT}
    url = f"{reverse('units:audit')}?{urlencode(query)}"
    notify(users=selectors.lead_department_staff(), title=title, body=body, url=url)
