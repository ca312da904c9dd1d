"""Deadlines as data, the units' submissions against them, reminders sent, and figure snapshots."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from training.models import TrainingSupport
from units.models import Unit
from units.personal_data import Audience, Basis, PersonalField, Retention


class ReportObligation(models.Model):
    """A yearly deadline (DESIGN.md §4): what is due, on which day and month, from whom.

    Seeded by a migration and editable in the admin, so a province can add or move one without
    a release. Responsible units are named by kind (every managing unit) or by code (PA03);
    institutions and employers (partners) by their kind."""

    class Content(models.TextChoices):
        TRAINING_NEEDS = "training_needs", _("Training needs of the unit's conscripts")
        SEMI_ANNUAL = "semi_annual", _("Semi-annual results report")
        ANNUAL = "annual", _("Annual results report")
        INSTITUTIONS_LIST = "institutions_list", _("List of training institutions")
        EMPLOYERS_LIST = "employers_list", _("List of employers with labour demand")
        JOB_FAIR_PROGRAMME = "job_fair_programme", _("Job fair programme")
        PARTNER_ANNUAL = "partner_annual", _("Annual results of a training institution or employer")

    class Partner(models.TextChoices):
        """Partners that may owe a report (the Lạng Sơn plan asks them for a yearly one)."""

        INSTITUTION = "institution", _("Training institutions")
        EMPLOYER = "employer", _("Employers")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    content = models.CharField(_("content"), max_length=30, choices=Content.choices)
    due_day = models.PositiveSmallIntegerField(_("due day"))
    due_month = models.PositiveSmallIntegerField(_("due month"))
    responsible_kinds = models.JSONField(_("responsible unit kinds"), default=list, blank=True)
    responsible_codes = models.JSONField(_("responsible unit codes"), default=list, blank=True)
    # Values of Partner: every training institution or employer with a partner account owes it.
    responsible_partners = models.JSONField(_("responsible partners"), default=list, blank=True)
    description = models.TextField(_("what must be submitted"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("reporting deadline")
        verbose_name_plural = _("reporting deadlines")
        ordering = ["due_month", "due_day", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_month__gte=1, due_month__lte=12, due_day__gte=1, due_day__lte=31),
                name="obligation_due_is_a_day_of_the_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.due_day:02d}/{self.due_month:02d}: {self.name}"

    def due_on(self, year: int) -> dt.date:
        """The deadline in `year` (a 31st in a shorter month falls on its last day)."""
        import calendar

        last = calendar.monthrange(year, self.due_month)[1]
        return dt.date(year, self.due_month, min(self.due_day, last))


# A report is owed by exactly one party: a police unit, a training institution or an employer.
PARTY_FIELDS = ("unit", "institution", "employer")
ONE_PARTY = (
    Q(unit__isnull=False, institution__isnull=True, employer__isnull=True)
    | Q(unit__isnull=True, institution__isnull=False, employer__isnull=True)
    | Q(unit__isnull=True, institution__isnull=True, employer__isnull=False)
)


class ReportSubmission(models.Model):
    """One party's report for one obligation and year: draft → submitted → accepted or returned.
    The party is a unit, or a partner (an institution or an employer) that reports itself."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned for correction")

    obligation = models.ForeignKey(
        ReportObligation, on_delete=models.PROTECT, related_name="submissions"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="report_submissions"
    )
    institution = models.ForeignKey(
        "training.Institution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_submissions",
    )
    employer = models.ForeignKey(
        "employers.Employer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_submissions",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    data = models.JSONField(_("generated content"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    attachment = models.FileField(_("attached file"), upload_to="reports/%Y/", blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_reason = models.TextField(_("reason for return"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PERSONAL_DATA = {
        "attachment": PersonalField(
            purpose=_("The unit's own report file, which may list soldiers by name"),
            basis=Basis.STATE_TASK,
            audience=_("The unit, the units above it, headquarters staff and leadership"),
            retention=_("With the report: reports are kept as the record of each year"),
        ),
    }

    class Meta:
        verbose_name = _("report submission")
        verbose_name_plural = _("report submissions")
        ordering = ["-year", "obligation", "unit__code"]
        constraints = [
            models.CheckConstraint(condition=ONE_PARTY, name="submission_has_one_party"),
            *(
                models.UniqueConstraint(
                    fields=["obligation", field, "year"],
                    condition=Q(**{f"{field}__isnull": False}),
                    name=f"submission_once_per_{field}_year",
                )
                for field in PARTY_FIELDS
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.obligation.code} {self.unit or self.institution or self.employer} {self.year}"
        )


class Reminder(models.Model):
    """A reminder step for one (obligation, unit, year): written BEFORE anything is sent, so that a
    second run, or a second worker, finds the row and sends nothing (DESIGN.md §4, issue 5)."""

    obligation = models.ForeignKey(ReportObligation, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, null=True, related_name="+")
    institution = models.ForeignKey(
        "training.Institution", on_delete=models.CASCADE, null=True, related_name="+"
    )
    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.CASCADE, null=True, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    step = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=ONE_PARTY, name="reminder_has_one_party"),
            *(
                models.UniqueConstraint(
                    fields=["obligation", field, "year", "step"],
                    condition=Q(**{f"{field}__isnull": False}),
                    name=f"reminder_once_per_{field}_step",
                )
                for field in PARTY_FIELDS
            ),
        ]

    def __str__(self) -> str:
        party = self.unit_id or self.institution_id or self.employer_id
        return f"{self.obligation_id} {party} {self.year} {self.step}"


class TargetSnapshot(models.Model):
    """The figures of one unit (or the province, unit empty) for a cohort year, as they stood on a
    night: the monthly trend is drawn from these."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, null=True, related_name="+")
    year = models.PositiveSmallIntegerField()
    taken_on = models.DateField()
    cohort = models.PositiveIntegerField()
    counselled = models.PositiveIntegerField()
    need_training = models.PositiveIntegerField()
    trained = models.PositiveIntegerField()
    employed_after_training = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "taken_on"],
                condition=Q(unit__isnull=False),
                name="snapshot_unit_once_a_day",
            ),
            models.UniqueConstraint(
                fields=["year", "taken_on"],
                condition=Q(unit__isnull=True),
                name="snapshot_province_once_a_day",
            ),
        ]
        indexes = [models.Index(fields=["year", "unit", "taken_on"], name="snapshot_trend_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} {self.taken_on}"


class ExportJob(models.Model):
    """A workbook too large to build during a request: a Celery task builds it into a file, and
    only the user who asked may download it."""

    class Kind(models.TextChoices):
        SUMMARY = "summary", _("Leadership summary")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(_("workbook file"), upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    PERSONAL_DATA = {
        "file": PersonalField(
            purpose=_(
                "The summary workbook built in the background: soldiers' names, masked "
                "citizen IDs and birth dates"
            ),
            basis=Basis.STATE_TASK,
            audience=_("Only the account that asked for it"),
            retention=_("Until an administrator deletes the job"),
        ),
    }

    class Meta:
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="export_job_progress_is_a_percentage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.user_id} {self.status}"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class SheetPrint(models.Model):
    """Each printed counselling sheet (Phiếu tư vấn): who printed whose, when, in which form."""

    class Form(models.TextChoices):
        PAGE = "page", _("Printable page")
        PDF = "pdf", _("PDF")
        BATCH = "batch", _("Batch PDF for a unit")

    soldier = models.ForeignKey(
        "soldiers.Soldier", on_delete=models.CASCADE, related_name="sheet_prints"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    form = models.CharField(max_length=10, choices=Form.choices)
    at = models.DateTimeField(auto_now_add=True)

    PERSONAL_DATA = {
        "user": PersonalField(
            purpose=_("Who printed whose counselling sheet, and when"),
            basis=Basis.SECURITY,
            audience=Audience.LOG,
            retention=Retention.SOLDIER_RECORD,
            label=_("Account that printed it"),
        ),
    }

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["soldier", "-at"], name="sheetprint_soldier_idx")]

    def __str__(self) -> str:
        return f"{self.soldier_id} {self.form} {self.at:%d/%m/%Y %H:%M}"


# -- personal data: how long it is kept, and the monthly anonymisation batches (issue 9) --


class RetentionRule(models.Model):
    """How many years a soldier's personal data is kept once his training support window has
    closed (Luật 91/2025/QH15: no longer than the purpose needs). Held as data, dated like the
    base salary: the rule in force on the day of a listing applies, and with no row recorded the
    default below does (reports.retention)."""

    DEFAULT_YEARS = 5

    valid_from = models.DateField(_("valid from"), unique=True)
    years_after_support = models.PositiveSmallIntegerField(
        _("years kept after the support window"), default=DEFAULT_YEARS
    )

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.valid_from:%d/%m/%Y}: {self.years_after_support}"


class AnonymisationBatch(models.Model):
    """The soldiers listed in one month for anonymisation, waiting for PX01's approval. One per
    month: the monthly task that makes it can run twice and lists once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved: anonymised")

    # The first day of the month it was listed in.
    month = models.DateField(_("month"), unique=True)
    retention_years = models.PositiveSmallIntegerField(_("years kept after the support window"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("listed at"), auto_now_add=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("anonymisation batch")
        verbose_name_plural = _("anonymisation batches")
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending") | Q(approved_at__isnull=False),
                name="anonymisation_batch_approved_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y} {self.status}"


class AnonymisationCandidate(models.Model):
    """A soldier listed in a batch, with why: the regime of his training support and the day its
    window closed. PX01 may drop him from the batch; approval anonymises the others."""

    batch = models.ForeignKey(
        AnonymisationBatch, on_delete=models.CASCADE, related_name="candidates"
    )
    soldier = models.ForeignKey(
        "soldiers.Soldier", on_delete=models.PROTECT, related_name="anonymisation_candidates"
    )
    # A value of training.TrainingSupport.Regime (reports.sheet.support_terms decides it).
    regime = models.CharField(_("support regime"), max_length=20)
    support_ended_on = models.DateField(_("support window closed on"))
    dropped_at = models.DateTimeField(_("dropped at"), null=True, blank=True)
    dropped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("anonymisation candidate")
        verbose_name_plural = _("anonymisation candidates")
        ordering = ["batch", "soldier__sort_key", "soldier_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "soldier"], name="anonymisation_candidate_once_per_batch"
            ),
            models.CheckConstraint(
                condition=Q(dropped_at__isnull=True) | Q(anonymised_at__isnull=True),
                name="anonymisation_candidate_dropped_or_anonymised",
            ),
        ]
        indexes = [
            models.Index(fields=["soldier", "anonymised_at"], name="anonymisation_soldier_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id} {self.soldier_id}"

    @property
    def reason(self) -> str:
        """Why he is listed, as PX01 reads it (the batch is read with him: select_related)."""
        regime = dict(TrainingSupport.Regime.choices).get(self.regime, self.regime)
        return _(
            "%(regime)s: his support window closed on %(date)s, more than %(years)s years ago."
        ) % {
            "regime": regime,
            "date": self.support_ended_on.strftime("%d/%m/%Y"),
            "years": self.batch.retention_years,
        }
