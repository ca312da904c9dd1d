"""Occupations and the soldier's career wishes (the month-15 survey)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from soldiers.models import Soldier


class Occupation(models.Model):
    """A trade (nghề), as PA03's list and the career-wish survey name it."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=150, unique=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CareerWish(models.Model):
    """One answer to the month-15 survey: the newest is current, the earlier ones are history."""

    class Training(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        UNDECIDED = "undecided", _("Undecided")

    class WorkPlace(models.TextChoices):
        HOME_PROVINCE = "home_province", _("Home province")
        ELSEWHERE = "elsewhere", _("Elsewhere in Viet Nam")
        ABROAD = "abroad", _("Abroad")

    class StayInPolice(models.TextChoices):
        NO = "no", _("No")
        SCHOOL_EXAM = "school_exam", _("Sit the police school entrance exam")
        POLICE_CONTRACT = "police_contract", _("Open-ended labour contract in the police")

    class LoanPurpose(models.TextChoices):
        WORK_ABROAD = "work_abroad", _("Work abroad")
        START_UP = "start_up", _("Start a business")
        PRODUCTION = "production", _("Production and household business")

    soldier = models.ForeignKey(
        Soldier, verbose_name=_("soldier"), on_delete=models.PROTECT, related_name="career_wishes"
    )
    is_current = models.BooleanField(default=True, editable=False)
    surveyed_on = models.DateField(_("survey date"))
    wants_training = models.CharField(
        _("wants vocational training"), max_length=10, choices=Training.choices
    )
    occupation = models.ForeignKey(
        Occupation,
        verbose_name=_("desired occupation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="wishes",
    )
    preferred_institution = models.CharField(
        _("preferred training institution"), max_length=200, blank=True
    )
    wants_job_referral = models.BooleanField(_("wants a job referral"), default=False)
    preferred_work_place = models.CharField(
        _("preferred place of work"), max_length=20, choices=WorkPlace.choices, blank=True
    )
    stay_in_police = models.CharField(
        _("wants to stay in the police"),
        max_length=20,
        choices=StayInPolice.choices,
        default=StayInPolice.NO,
    )
    wants_loan = models.BooleanField(_("wants a loan"), default=False)
    loan_purpose = models.CharField(
        _("loan purpose"), max_length=20, choices=LoanPurpose.choices, blank=True
    )
    wants_grassroots_security = models.BooleanField(
        _("wants to join the grassroots security force"), default=False
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("career wish")
        verbose_name_plural = _("career wishes")
        ordering = ["-surveyed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["soldier"], condition=Q(is_current=True), name="careerwish_one_current"
            ),
            models.CheckConstraint(
                condition=~Q(wants_training="yes") | Q(occupation__isnull=False),
                name="careerwish_training_needs_occupation",
                violation_error_message=_("Choose the occupation he wants to learn."),
            ),
            models.CheckConstraint(
                condition=Q(wants_loan=True) | Q(loan_purpose=""),
                name="careerwish_loan_purpose_only_with_loan",
                violation_error_message=_("A loan purpose needs a wish for a loan."),
            ),
        ]
        indexes = [
            models.Index(fields=["soldier", "is_current"], name="careerwish_current_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.soldier_id} {self.surveyed_on:%d/%m/%Y}"
