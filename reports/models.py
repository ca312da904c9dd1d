"""Deadlines as data, the units' submissions against them, reminders sent, and figure snapshots."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from units.models import Unit


class ReportObligation(models.Model):
    """A yearly deadline (DESIGN.md §4): what is due, on which day and month, from whom.

    Seeded by a migration and editable in the admin, so a province can add or move one without
    a release. Responsible units are named by kind (every managing unit) or by code (PA03)."""

    class Content(models.TextChoices):
        TRAINING_NEEDS = "training_needs", _("Training needs of the unit's conscripts")
        SEMI_ANNUAL = "semi_annual", _("Semi-annual results report")
        ANNUAL = "annual", _("Annual results report")
        INSTITUTIONS_LIST = "institutions_list", _("List of training institutions")
        EMPLOYERS_LIST = "employers_list", _("List of employers with labour demand")
        JOB_FAIR_PROGRAMME = "job_fair_programme", _("Job fair programme")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    content = models.CharField(_("content"), max_length=30, choices=Content.choices)
    due_day = models.PositiveSmallIntegerField(_("due day"))
    due_month = models.PositiveSmallIntegerField(_("due month"))
    responsible_kinds = models.JSONField(_("responsible unit kinds"), default=list, blank=True)
    responsible_codes = models.JSONField(_("responsible unit codes"), default=list, blank=True)
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


class ReportSubmission(models.Model):
    """One unit's report for one obligation and year: draft → submitted → accepted or returned."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned for correction")

    obligation = models.ForeignKey(
        ReportObligation, on_delete=models.PROTECT, related_name="submissions"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="report_submissions")
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

    class Meta:
        verbose_name = _("report submission")
        verbose_name_plural = _("report submissions")
        ordering = ["-year", "obligation", "unit__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "unit", "year"], name="submission_once_per_unit_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.obligation.code} {self.unit.code} {self.year}"


class Reminder(models.Model):
    """A reminder step for one (obligation, unit, year): written BEFORE anything is sent, so that a
    second run, or a second worker, finds the row and sends nothing (DESIGN.md §4, issue 5)."""

    obligation = models.ForeignKey(ReportObligation, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    step = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "unit", "year", "step"], name="reminder_once_per_step"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.obligation_id} {self.unit_id} {self.year} {self.step}"


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

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["soldier", "-at"], name="sheetprint_soldier_idx")]

    def __str__(self) -> str:
        return f"{self.soldier_id} {self.form} {self.at:%d/%m/%Y %H:%M}"
