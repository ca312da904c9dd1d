"""The demand side: employers and their openings, job fairs, and what became of each soldier."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from soldiers.models import Soldier
from training.models import Occupation
from units.models import Unit
from units.personal_data import Audience, Basis, PersonalField, Retention

# What the processing record (units.personal_data) says of the data kept here.
_JOB = PersonalField(
    purpose=_("Following his way into work: referrals, jobs and loans, for the figures"),
    basis=Basis.STATE_TASK,
    audience=Audience.SOLDIER_AND_PARTNER,
    retention=Retention.SOLDIER_RECORD,
)


class Employer(models.Model):
    """An employer (doanh nghiệp, cơ quan sử dụng lao động), kept by PA04."""

    class Ownership(models.TextChoices):
        DOMESTIC = "domestic", _("Domestic")
        FOREIGN_INVESTED = "foreign_invested", _("Foreign-invested")

    name = models.CharField(_("name"), max_length=200)
    tax_code = models.CharField(_("tax code"), max_length=13, unique=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    province_code = models.PositiveSmallIntegerField(_("province"), null=True, blank=True)
    sector = models.CharField(_("sector"), max_length=150, blank=True)
    ownership = models.CharField(
        _("ownership"), max_length=20, choices=Ownership.choices, default=Ownership.DOMESTIC
    )
    police_enterprise = models.BooleanField(_("police enterprise"), default=False)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    PERSONAL_DATA = dict.fromkeys(
        ("contact_name", "phone", "email"),
        PersonalField(
            purpose=_("Reaching the employer's contact person about referrals and openings"),
            basis=Basis.CONTACT,
            audience=Audience.CONTACT,
            retention=Retention.CONTACT,
        ),
    )
    NOT_PERSONAL_DATA = {"address": _("The address of a business, not of a person.")}

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(tax_code__regex=r"^([0-9]{10}|[0-9]{13})$"),
                name="employer_tax_code_digits",
                violation_error_message=_("The tax code must be 10 or 13 digits."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class JobOpening(models.Model):
    """A labour demand of PA04's yearly list (nhu cầu tuyển dụng)."""

    employer = models.ForeignKey(
        Employer, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="openings"
    )
    occupation = models.ForeignKey(
        Occupation,
        verbose_name=_("occupation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="openings",
    )
    title = models.CharField(_("job title"), max_length=200)
    headcount = models.PositiveIntegerField(_("headcount"))
    salary_min_vnd = models.PositiveBigIntegerField(_("salary from (VND)"), null=True, blank=True)
    salary_max_vnd = models.PositiveBigIntegerField(_("salary to (VND)"), null=True, blank=True)
    social_insurance = models.BooleanField(_("social insurance"), default=True)
    province_code = models.PositiveSmallIntegerField(_("province of work"), null=True, blank=True)
    country = models.CharField(
        _("country (work abroad)"), max_length=100, blank=True, help_text=_("Empty for Viet Nam.")
    )
    open_until = models.DateField(_("open until"))
    list_year = models.PositiveSmallIntegerField(_("year of the list"))
    approved = models.BooleanField(_("approved"), default=True)
    active = models.BooleanField(_("active"), default=True)
    # An opening kept by the employer's own staff waits for PA04's approval.
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("job opening")
        verbose_name_plural = _("job openings")
        ordering = ["-list_year", "employer__name", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(salary_min_vnd__isnull=True)
                | Q(salary_max_vnd__isnull=True)
                | Q(salary_max_vnd__gte=models.F("salary_min_vnd")),
                name="opening_salary_range",
                violation_error_message=_("The highest salary must not be below the lowest."),
            ),
            models.CheckConstraint(
                condition=Q(headcount__gt=0),
                name="opening_headcount_positive",
                violation_error_message=_("The headcount must be at least 1."),
            ),
        ]
        indexes = [models.Index(fields=["occupation", "open_until"], name="opening_occupation_idx")]

    def __str__(self) -> str:
        return f"{self.title} – {self.employer}"

    @property
    def abroad(self) -> bool:
        return bool(self.country)


class Referral(models.Model):
    """A soldier introduced to an opening; the employer confirms a hire or declines."""

    class Status(models.TextChoices):
        REFERRED = "referred", _("Referred")
        HIRED = "hired", _("Hired")
        DECLINED = "declined", _("Declined")

    soldier = models.ForeignKey(Soldier, on_delete=models.PROTECT, related_name="referrals")
    opening = models.ForeignKey(JobOpening, on_delete=models.PROTECT, related_name="referrals")
    referred_on = models.DateField(_("referred on"))
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REFERRED
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    PERSONAL_DATA = dict.fromkeys(("status", "reason"), _JOB)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["soldier", "opening"],
                name="referral_once_per_opening",
                violation_error_message=_("He has already been referred to this opening."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.soldier_id} → {self.opening_id}"


class Placement(models.Model):
    """A job (việc làm) the soldier took after service, with the evidence for it."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Job at an enterprise")
        POLICE_CONTRACT = "police_contract", _("Open-ended labour contract in the police")
        SELF_EMPLOYED = "self_employed", _("Self-employed or start-up")
        ABROAD = "abroad", _("Work abroad under contract")
        FURTHER_STUDY = "further_study", _("Further study")

    class Evidence(models.TextChoices):
        LABOUR_CONTRACT = "labour_contract", _("Labour contract")
        HIRING_DECISION = "hiring_decision", _("Hiring decision")
        SELF_EMPLOYMENT = "self_employment", _("Confirmation of self-employment")

    class Source(models.TextChoices):
        JOB_FAIR = "job_fair", _("Job fair")
        COMMUNE_POLICE = "commune_police", _("Introduced by the commune police")
        UNIT = "unit", _("Introduced by the unit")
        OWN_SEARCH = "own_search", _("Found by himself")

    soldier = models.ForeignKey(
        Soldier, verbose_name=_("soldier"), on_delete=models.PROTECT, related_name="placements"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    employer = models.ForeignKey(
        Employer,
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
    )
    opening = models.ForeignKey(
        JobOpening,
        verbose_name=_("job opening"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
    )
    occupation = models.ForeignKey(
        Occupation,
        verbose_name=_("occupation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
    )
    workplace = models.CharField(_("place of work"), max_length=300, blank=True)
    started_on = models.DateField(_("start date"))
    salary_vnd = models.PositiveBigIntegerField(_("monthly salary (VND)"), null=True, blank=True)
    evidence = models.CharField(_("evidence"), max_length=20, choices=Evidence.choices, blank=True)
    source = models.CharField(_("how it came"), max_length=20, choices=Source.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_DATA = dict.fromkeys(("workplace", "started_on", "salary_vnd"), _JOB)

    class Meta:
        verbose_name = _("job placement")
        verbose_name_plural = _("job placements")
        ordering = ["-started_on", "-pk"]
        indexes = [models.Index(fields=["soldier", "started_on"], name="placement_soldier_idx")]

    def __str__(self) -> str:
        return f"{self.soldier_id} {self.kind} {self.started_on:%d/%m/%Y}"


class Loan(models.Model):
    """A loan from the social policy bank (Ngân hàng Chính sách xã hội)."""

    class Purpose(models.TextChoices):
        WORK_ABROAD = "work_abroad", _("Work abroad")
        START_UP = "start_up", _("Start a business")
        PRODUCTION = "production", _("Production and household business")

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        APPROVED = "approved", _("Approved")
        DISBURSED = "disbursed", _("Disbursed")
        REJECTED = "rejected", _("Rejected")
        REPAID = "repaid", _("Repaid")

    soldier = models.ForeignKey(
        Soldier, verbose_name=_("soldier"), on_delete=models.PROTECT, related_name="loans"
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"))
    bank_branch = models.CharField(_("bank branch"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.APPLIED
    )
    applied_on = models.DateField(_("applied on"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    PERSONAL_DATA = dict.fromkeys(("purpose", "amount_vnd", "bank_branch", "status"), _JOB)

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-applied_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_vnd__gt=0),
                name="loan_amount_positive",
                violation_error_message=_("The amount must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.soldier_id} {self.purpose} {self.amount_vnd}"


class JobFair(models.Model):
    """A job fair, youth festival or job exchange session, organised by PX03 or a unit."""

    class Kind(models.TextChoices):
        JOB_FAIR = "job_fair", _("Job fair")
        YOUTH_FESTIVAL = "youth_festival", _("Youth festival")
        JOB_EXCHANGE = "job_exchange", _("Job exchange session")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=300)
    organiser = models.ForeignKey(
        Unit, verbose_name=_("organising unit"), on_delete=models.PROTECT, related_name="job_fairs"
    )
    employers = models.ManyToManyField(
        Employer, verbose_name=_("employers present"), blank=True, related_name="job_fairs"
    )
    soldiers = models.ManyToManyField(
        Soldier, verbose_name=_("soldiers attending"), blank=True, related_name="job_fairs"
    )

    class Meta:
        verbose_name = _("job fair")
        verbose_name_plural = _("job fairs")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.name} {self.date:%d/%m/%Y}"


class EmployerStaff(models.Model):
    """Links a partner account (role employer_staff) to the one employer it works for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="employer_link"
    )
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="staff")

    class Meta:
        verbose_name = _("employer staff")
        verbose_name_plural = _("employer staff")

    def __str__(self) -> str:
        return f"{self.user} – {self.employer}"
