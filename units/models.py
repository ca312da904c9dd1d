"""The organisation tree and the staff accounts that belong to it."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.models import Session
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from units.personal_data import Audience, Basis, PersonalField, Retention


class Unit(models.Model):
    """A police unit. `path` is a materialised path of ids ("/1/7/12/") kept by units.services,
    so that a unit and all its sub-units are one indexed prefix match."""

    class Kind(models.TextChoices):
        HQ_DEPARTMENT = "hq_department", _("Headquarters department")
        MANAGING = "managing", _("Unit managing conscripts")
        COMMUNE = "commune", _("Commune police")

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, default="")
    province_code = models.PositiveSmallIntegerField(_("province code"), null=True, blank=True)
    ward_code = models.PositiveIntegerField(
        _("commune or ward code"),
        null=True,
        blank=True,
        help_text=_("For commune police: the commune or ward from the 2025 list."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        indexes = [
            models.Index(fields=["path"], name="unit_path_idx"),
            models.Index(fields=["ward_code"], name="unit_ward_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="commune") | Q(ward_code__isnull=False),
                name="unit_commune_has_ward",
                violation_error_message=_("A commune police unit needs its commune or ward."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2 if self.path else 0

    @property
    def indent(self) -> int:
        """Indentation step for tree tables, capped so deep trees stay readable."""
        return min(self.depth, 4)


class User(AbstractUser):
    """A staff account: one unit, one role. Names are one field, as the person writes it."""

    class Role(models.TextChoices):
        UNIT_OFFICER = "unit_officer", _("Officer of a managing unit")
        COMMUNE_OFFICER = "commune_officer", _("Commune police officer")
        HQ_STAFF = "hq_staff", _("Headquarters staff")
        LEADER = "leader", _("Leadership")
        INSTITUTION_STAFF = "institution_staff", _("Staff of a training institution")
        EMPLOYER_STAFF = "employer_staff", _("Staff of an employer")

    # Partner accounts belong to an institution or an employer (linked in training/ and
    # employers/), not to a police unit.
    PARTNER_ROLES = (Role.INSTITUTION_STAFF, Role.EMPLOYER_STAFF)

    first_name = None
    last_name = None
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, blank=True)

    REQUIRED_FIELDS = ["email"]

    # The processing record (units.personal_data) is generated from these entries.
    PERSONAL_DATA = {
        "username": PersonalField(
            purpose=_("Signing in, and naming the author in the history and the audit log"),
            basis=Basis.ACCOUNTS,
            audience=Audience.STAFF,
            retention=Retention.ACCOUNT,
        ),
        "full_name": PersonalField(
            purpose=_("Naming the officer or partner staff member on the pages"),
            basis=Basis.ACCOUNTS,
            audience=Audience.STAFF,
            retention=Retention.ACCOUNT,
        ),
        "email": PersonalField(
            purpose=_("Invitations, and the e-mail copies of notifications"),
            basis=Basis.ACCOUNTS,
            audience=Audience.ACCOUNT,
            retention=Retention.ACCOUNT,
        ),
        "password": PersonalField(
            purpose=_("Signing in; only a one-way hash is kept"),
            basis=Basis.SECURITY,
            audience=_("No one: not even the administrators can read it back"),
            retention=Retention.ACCOUNT,
        ),
        "last_login": PersonalField(
            purpose=_("Spotting accounts no longer in use"),
            basis=Basis.SECURITY,
            audience=Audience.ACCOUNT,
            retention=Retention.ACCOUNT,
        ),
    }

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_superuser=True)
                | (Q(unit__isnull=False) & ~Q(role=""))
                | Q(unit__isnull=True, role__in=["institution_staff", "employer_staff"]),
                name="user_staff_has_unit_and_role",
                violation_error_message=_("An account needs a unit and a role."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.get_full_name()

    @property
    def department_code(self) -> str:
        """The headquarters department (PX01, PA03, …) an hq_staff account works for."""
        return self.unit.code if self.unit_id and self.role == self.Role.HQ_STAFF else ""


class Notification(models.Model):
    """An in-app message to one account; the e-mail copy is sent by the same service."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("content"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Set by the one e-mail task that wins the conditional update: a retried or duplicated
    # task finds it filled and sends nothing.
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    PERSONAL_DATA = dict.fromkeys(
        ("title", "body"),
        PersonalField(
            purpose=_("Telling an account what needs its action; a notice may name a soldier"),
            basis=Basis.STATE_TASK,
            audience=_("The account it is addressed to"),
            retention=Retention.ACCOUNT,
        ),
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.title


class Invitation(models.Model):
    """A one-time link, valid for a limited time, with which a new account sets its password.
    Only a hash of the token is stored: the link itself exists only in the e-mail."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%d/%m/%Y}"


class AuditEvent(models.Model):
    """One security event, appended and never changed (Nghị định 356/2025; OWASP ASVS V7).

    The database itself refuses UPDATE and DELETE on this table (a trigger, see the migration), so
    no one, superusers included, can rewrite the record through the application or the admin.
    The subject is named by type and id rather than a foreign key: units/ sits below the apps
    whose records it logs (DESIGN.md §6), and nothing logged is ever deleted."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Sign-in")
        LOGIN_FAILED = "login_failed", _("Failed sign-in")
        LOCKOUT = "lockout", _("Account locked out")
        LOGOUT = "logout", _("Sign-out")
        CITIZEN_ID_VIEWED = "citizen_id_viewed", _("Full citizen ID viewed")
        EXPORT = "export", _("Export")
        IMPORT = "import", _("Import")
        ACCOUNT = "account", _("Account change")
        ROLE = "role", _("Role or unit change")
        TWO_FACTOR = "two_factor", _("Two-factor change")
        INVITATION = "invitation", _("Partner invitation")
        SUBJECT_ACCESS = "subject_access", _("Subject-access report")
        ANONYMISATION = "anonymisation", _("Anonymisation")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        User, verbose_name=_("account"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    # The name at the time: an account renamed later still shows who acted then.
    username = models.CharField(_("user name"), max_length=150, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    subject_type = models.CharField(max_length=50, blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    PERSONAL_DATA = {
        **dict.fromkeys(
            ("username", "ip_address", "user_agent"),
            PersonalField(
                purpose=_("Who did what, from which address and browser"),
                basis=Basis.SECURITY,
                audience=Audience.LOG,
                retention=Retention.LOG,
            ),
        ),
        "subject_id": PersonalField(
            purpose=_("Whose record the event concerns: a soldier, an account"),
            basis=Basis.SECURITY,
            audience=Audience.LOG,
            retention=Retention.LOG,
        ),
        "details": PersonalField(
            purpose=_("What an export held (its filters and rows) or what changed in an account"),
            basis=Basis.SECURITY,
            audience=Audience.LOG,
            retention=Retention.LOG,
        ),
    }

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["user", "-at"], name="audit_user_idx"),
            models.Index(fields=["kind", "-at"], name="audit_kind_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="audit_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.username} {self.kind}"


class ExportAlert(models.Model):
    """PX01 was told that one account exported more whole citizen IDs in a day than the set
    limit (units.services.full_id_export_alerts). The row is claimed before the notice is sent:
    at most one per account and day (the command line, with no account, counts as one), so the
    daily check may run twice without telling twice."""

    user = models.ForeignKey(
        User, verbose_name=_("account"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    day = models.DateField(_("day"))
    full_ids = models.PositiveIntegerField(_("whole citizen IDs"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("export alert")
        verbose_name_plural = _("export alerts")
        ordering = ["-day", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "day"],
                condition=Q(user__isnull=False),
                name="exportalert_once_per_account_day",
            ),
            # NULLs are distinct in a unique index: the command line needs its own.
            models.UniqueConstraint(
                fields=["day"],
                condition=Q(user__isnull=True),
                name="exportalert_once_per_command_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.user_id} {self.full_ids}"


class UserSession(models.Model):
    """Who a signed-in session belongs to, where from, and since when: Django's session table
    keys sessions by a random key only. The row goes with its session (every session backend
    path deletes through the ORM, which cascades): signing out, ending it from the sessions page,
    the expiry clean-up and a new key for the session all delete it."""

    session = models.OneToOneField(
        Session,
        on_delete=models.CASCADE,
        primary_key=True,
        db_column="session_key",
        related_name="owner",
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    created_at = models.DateTimeField(_("signed in at"))
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    PERSONAL_DATA = dict.fromkeys(
        ("created_at", "ip_address", "user_agent"),
        PersonalField(
            purpose=_("Showing an officer his sessions, so that he can end those not his"),
            basis=Basis.SECURITY,
            audience=Audience.ACCOUNT,
            retention=Retention.SESSION,
        ),
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="usersession_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%d/%m/%Y %H:%M}"
