"""The soldier's file: identity, service dates, counselling, and everything that changed."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soldiers import citizen_id as cid
from soldiers.dates import add_months, month_of_service, month_start
from units.models import Unit
from units.personal_data import Audience, Basis, PersonalField, Retention

# What the processing record (units.personal_data) says of a soldier's data, by group.
_IDENTITY = PersonalField(
    purpose=_("Identifying the soldier in the lists and on the files sent to institutions"),
    basis=Basis.STATE_TASK,
    audience=Audience.SOLDIER_AND_PARTNER,
    retention=Retention.SOLDIER,
)
_SERVICE = PersonalField(
    purpose=_("Following his service: survey at month 15, registration at month 18, discharge"),
    basis=Basis.STATE_TASK,
    audience=Audience.SOLDIER,
    retention=Retention.SOLDIER_RECORD,
)
_HOME = PersonalField(
    purpose=_("Handing him over to the commune police of his home after discharge"),
    basis=Basis.STATE_TASK,
    audience=Audience.SOLDIER,
    retention=Retention.SOLDIER_RECORD,
)
_HISTORY = PersonalField(
    purpose=_("Keeping who changed his file, when, and what it was before and after"),
    basis=Basis.SECURITY,
    audience=Audience.SOLDIER,
    retention=Retention.SOLDIER_RECORD,
)


class ServiceRule(models.Model):
    """Service-time facts held as data (DESIGN.md §8): the law may change, a release need not."""

    valid_from = models.DateField(_("valid from"), unique=True)
    service_months = models.PositiveSmallIntegerField(_("months of service"), default=24)
    discharge_notice_days = models.PositiveSmallIntegerField(
        _("discharge notice (days)"), default=30
    )
    survey_month = models.PositiveSmallIntegerField(_("survey month"), default=15)
    registration_month = models.PositiveSmallIntegerField(_("registration month"), default=18)
    minimum_enlistment_age = models.PositiveSmallIntegerField(
        _("minimum age at enlistment"), default=18
    )

    class Meta:
        verbose_name = _("service rule")
        verbose_name_plural = _("service rules")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.valid_from:%d/%m/%Y}: {self.service_months}"


class Soldier(models.Model):
    class Gender(models.TextChoices):
        MALE = cid.MALE, _("Male")
        FEMALE = cid.FEMALE, _("Female")

    class Rank(models.TextChoices):
        PRIVATE_2 = "binh_nhi", _("Private second class")
        PRIVATE_1 = "binh_nhat", _("Private first class")
        CORPORAL = "ha_si", _("Corporal")
        SERGEANT = "trung_si", _("Sergeant")
        STAFF_SERGEANT = "thuong_si", _("Staff sergeant")

    class Milestone(models.TextChoices):
        BEFORE_SURVEY = "before_survey", _("Before month 15")
        SURVEY_DUE = "survey_due", _("Month 15: survey due")
        REGISTRATION_DUE = "registration_due", _("Month 18: registration due")
        DISCHARGING = "discharging", _("Discharging within 30 days")
        DISCHARGED = "discharged", _("Discharged")

    full_name = models.CharField(_("full name"), max_length=150)
    # Vietnamese order (given name first, then the whole name): kept by soldiers.services.
    sort_key = models.CharField(max_length=1200, editable=False, default="")
    date_of_birth = models.DateField(_("date of birth"))
    gender = models.CharField(
        _("gender"), max_length=10, choices=Gender.choices, default=Gender.MALE
    )
    citizen_id = models.CharField(_("citizen ID"), max_length=12)
    phone = models.CharField(_("phone number"), max_length=15, blank=True)
    home_province_code = models.PositiveSmallIntegerField(_("home province"))
    home_ward_code = models.PositiveIntegerField(_("home commune or ward"))
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="soldiers"
    )
    rank = models.CharField(_("rank"), max_length=20, choices=Rank.choices, blank=True)
    enlistment_date = models.DateField(_("enlistment date"))
    expected_discharge_date = models.DateField(_("expected discharge date"))
    actual_discharge_date = models.DateField(_("actual discharge date"), null=True, blank=True)
    archived = models.BooleanField(_("archived"), default=False)
    archived_reason = models.CharField(_("reason for archiving"), max_length=300, blank=True)
    # Optimistic lock: a save must name the version it was read at.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Milestones for the province's figures (DESIGN.md §5), kept by soldiers.milestones.refresh in
    # the same transaction as the record that changes them; `recompute_milestones` checks drift.
    cohort_year = models.PositiveSmallIntegerField(editable=False, default=0)
    first_counselling_on = models.DateField(null=True, editable=False)
    need_training = models.BooleanField(default=False, editable=False)
    need_training_since = models.DateField(null=True, editable=False)
    # The occupation (training.Occupation) of that wish: a number, not a foreign key, because
    # soldiers sits below training (DESIGN.md §6).
    need_training_occupation_id = models.PositiveIntegerField(null=True, editable=False)
    enrolled_on = models.DateField(null=True, editable=False)
    employed_on = models.DateField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PERSONAL_DATA = {
        "full_name": _IDENTITY,
        "sort_key": PersonalField(
            purpose=_("Sorting lists by given name, in Vietnamese letter order"),
            basis=Basis.STATE_TASK,
            audience=_("No one: it is made from his name and only orders lists"),
            retention=Retention.SOLDIER,
            label=_("Sort key of the name"),
        ),
        "date_of_birth": _IDENTITY,
        "gender": PersonalField(
            purpose=_("Checking the citizen ID, whose 4th digit gives gender and century"),
            basis=Basis.STATE_TASK,
            audience=Audience.SOLDIER,
            retention=Retention.SOLDIER_RECORD,
        ),
        "citizen_id": PersonalField(
            purpose=_("Telling soldiers apart, and finding him again in an imported file"),
            basis=Basis.STATE_TASK,
            audience=Audience.CITIZEN_ID,
            retention=Retention.SOLDIER,
        ),
        "phone": PersonalField(
            purpose=_("Reaching him about training and job offers"),
            basis=Basis.STATE_TASK,
            audience=Audience.SOLDIER_AND_PARTNER,
            retention=Retention.SOLDIER,
        ),
        "home_province_code": _HOME,
        "home_ward_code": _HOME,
        **dict.fromkeys(
            (
                "unit",
                "rank",
                "enlistment_date",
                "expected_discharge_date",
                "actual_discharge_date",
                "archived_reason",
            ),
            _SERVICE,
        ),
    }

    class Meta:
        verbose_name = _("soldier")
        verbose_name_plural = _("soldiers")
        ordering = ["sort_key", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["citizen_id"],
                name="soldier_citizen_id_unique",
                violation_error_message=_("Another soldier already has this citizen ID."),
            ),
            models.CheckConstraint(
                condition=Q(expected_discharge_date__gt=models.F("enlistment_date")),
                name="soldier_discharge_after_enlistment",
                violation_error_message=_("The discharge date must be after the enlistment date."),
            ),
            models.CheckConstraint(
                condition=Q(actual_discharge_date__isnull=True)
                | Q(actual_discharge_date__gt=models.F("enlistment_date")),
                name="soldier_actual_discharge_after_enlistment",
                violation_error_message=_("The discharge date must be after the enlistment date."),
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "archived", "sort_key"], name="soldier_unit_sort_idx"),
            models.Index(fields=["home_ward_code"], name="soldier_home_ward_idx"),
            models.Index(fields=["enlistment_date"], name="soldier_enlistment_idx"),
            models.Index(fields=["expected_discharge_date"], name="soldier_expected_dis_idx"),
            models.Index(fields=["sort_key", "id"], name="soldier_sort_idx"),
            # The three figures are one aggregate over this index (no join to the related tables).
            models.Index(
                fields=["cohort_year", "unit"],
                name="soldier_cohort_idx",
                include=[
                    "archived",
                    "first_counselling_on",
                    "actual_discharge_date",
                    "expected_discharge_date",
                    "need_training",
                    "need_training_since",
                    "enrolled_on",
                    "employed_on",
                ],
            ),
            # A cohort's training needs by occupation (employers.matching.occupation_gaps).
            models.Index(
                fields=["cohort_year", "need_training_occupation_id"],
                condition=Q(need_training=True, archived=False),
                name="soldier_need_training_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def masked_citizen_id(self) -> str:
        return cid.mask(self.citizen_id)

    @property
    def discharge_date(self) -> dt.date:
        """The actual discharge date if recorded, else the expected one (DESIGN.md §5)."""
        return self.actual_discharge_date or self.expected_discharge_date

    def month_of_service(self, on: dt.date | None = None) -> int:
        return month_of_service(self.enlistment_date, on or timezone.localdate())

    def month_starts(self, month: int) -> dt.date:
        return month_start(self.enlistment_date, month)

    def milestone(self, on: dt.date | None = None, rule: ServiceRule | None = None) -> str:
        """Where the soldier stands on a day: the worklist and the filters use the same rule."""
        on = on or timezone.localdate()
        rule = rule or ServiceRule(valid_from=on)
        if self.discharge_date <= on:
            return self.Milestone.DISCHARGED
        if (self.discharge_date - on).days <= rule.discharge_notice_days:
            return self.Milestone.DISCHARGING
        month = self.month_of_service(on)
        if month >= rule.registration_month:
            return self.Milestone.REGISTRATION_DUE
        if month >= rule.survey_month:
            return self.Milestone.SURVEY_DUE
        return self.Milestone.BEFORE_SURVEY

    @staticmethod
    def default_discharge_date(enlisted: dt.date, service_months: int = 24) -> dt.date:
        return add_months(enlisted, service_months)


class SoldierChange(models.Model):
    """One entry of a soldier's history: who changed what, when, from what to what."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")
        ARCHIVED = "archived", _("Archived")
        RESTORED = "restored", _("Restored")
        COUNSELLING = "counselling", _("Counselling recorded")
        WISH = "wish", _("Career wish recorded")
        IMPORTED = "imported", _("Imported")
        REGISTRATION = "registration", _("Training registration")
        SUPPORT = "support", _("Training support")
        REFERRAL = "referral", _("Job referral")
        PLACEMENT = "placement", _("Job placement")
        LOAN = "loan", _("Loan")
        JOB_FAIR = "job_fair", _("Job fair attendance")

    soldier = models.ForeignKey(Soldier, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(_("time"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    # {field: [before, after]} with values as displayed text.
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    PERSONAL_DATA = {"by": _HISTORY, "changes": _HISTORY}

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["soldier", "-at"], name="soldierchange_soldier_idx")]

    def __str__(self) -> str:
        return f"{self.soldier_id} {self.action} {self.at:%d/%m/%Y %H:%M}"


class CitizenIdView(models.Model):
    """Every time a full citizen ID was shown, and to whom (Nghị định 356/2025)."""

    soldier = models.ForeignKey(Soldier, on_delete=models.CASCADE, related_name="id_views")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    PERSONAL_DATA = {
        "user": PersonalField(
            purpose=_("Who saw his whole citizen ID, and when"),
            basis=Basis.SECURITY,
            audience=Audience.LOG,
            retention=Retention.SOLDIER_RECORD,
            label=_("Account that saw it"),
        ),
    }

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["user", "at"], name="idview_user_at_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.soldier_id} {self.at:%d/%m/%Y %H:%M}"


class Counselling(models.Model):
    """Information, counselling or career guidance given to a soldier (tuyên truyền, tư vấn)."""

    class Kind(models.TextChoices):
        INFORMATION = "information", _("Information")
        CAREER_GUIDANCE = "career_guidance", _("Career guidance")
        TRAINING_ADVICE = "training_advice", _("Training advice")
        JOB_ADVICE = "job_advice", _("Job advice")
        JOB_FAIR = "job_fair", _("Job fair")

    soldier = models.ForeignKey(
        Soldier, verbose_name=_("soldier"), on_delete=models.PROTECT, related_name="counsellings"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        related_name="counsellings_given",
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_DATA = {
        "note": PersonalField(
            purpose=_("What was said at counselling, for the next officer who meets him"),
            basis=Basis.STATE_TASK,
            audience=Audience.SOLDIER,
            retention=Retention.SOLDIER_RECORD,
        ),
    }

    class Meta:
        verbose_name = _("counselling")
        verbose_name_plural = _("counselling")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["soldier", "date"], name="counselling_soldier_date_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"


class MilestoneNotice(models.Model):
    """A unit's officers were told that a soldier reached a milestone month: once per soldier
    and month, whatever happens to the daily task (the unique row is written before sending)."""

    soldier = models.ForeignKey(Soldier, on_delete=models.CASCADE, related_name="milestone_notices")
    month = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["soldier", "month"], name="milestone_notice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.soldier_id}: {self.month}"
