"""Occupations and the soldier's career wishes (the month-15 survey)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from soldiers.models import Soldier
from units.personal_data import Audience, Basis, PersonalField, Retention

# What the processing record (units.personal_data) says of the data kept here.
_WISH = PersonalField(
    purpose=_("Matching him with courses, job openings and loans he asked for"),
    basis=Basis.STATE_TASK,
    audience=Audience.SOLDIER,
    retention=Retention.SOLDIER_RECORD,
)
_TRAINING = PersonalField(
    purpose=_("Following his training: the figures, the training support and its settlement"),
    basis=Basis.STATE_TASK,
    audience=Audience.SOLDIER_AND_PARTNER,
    retention=Retention.SOLDIER_RECORD,
)
_CONTACT = PersonalField(
    purpose=_("Reaching the partner's contact person about registrations, offers and reports"),
    basis=Basis.CONTACT,
    audience=Audience.CONTACT,
    retention=Retention.CONTACT,
)


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
        HOME_PROVINCE = "home_province", _("In his home province")
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

    PERSONAL_DATA = dict.fromkeys(
        (
            "wants_training",
            "occupation",
            "preferred_institution",
            "preferred_work_place",
            "stay_in_police",
            "wants_loan",
            "loan_purpose",
            "note",
        ),
        _WISH,
    )

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


class BaseSalary(models.Model):
    """Lương cơ sở, a dated table (DESIGN.md §8): the amount in force from `valid_from`."""

    valid_from = models.DateField(_("valid from"), unique=True)
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"))

    class Meta:
        verbose_name = _("base salary")
        verbose_name_plural = _("base salaries")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.valid_from:%d/%m/%Y}: {self.amount_vnd}"


class Institution(models.Model):
    """A vocational training institution (cơ sở giáo dục nghề nghiệp), kept by PA03."""

    class Affiliation(models.TextChoices):
        POLICE = "police", _("Police")
        ARMED_FORCES = "armed_forces", _("Armed forces")
        OUTSIDE = "outside", _("Outside the police and armed forces")

    class Ownership(models.TextChoices):
        PUBLIC = "public", _("Public")
        PRIVATE = "private", _("Private")

    name = models.CharField(_("name"), max_length=200, unique=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    province_code = models.PositiveSmallIntegerField(_("province"))
    ward_code = models.PositiveIntegerField(_("commune or ward"), null=True, blank=True)
    affiliation = models.CharField(
        _("affiliation"), max_length=20, choices=Affiliation.choices, default=Affiliation.OUTSIDE
    )
    ownership = models.CharField(
        _("ownership"), max_length=10, choices=Ownership.choices, default=Ownership.PUBLIC
    )
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    PERSONAL_DATA = dict.fromkeys(("contact_name", "phone", "email"), _CONTACT)
    NOT_PERSONAL_DATA = {"address": _("The address of an institution, not of a person.")}

    class Meta:
        verbose_name = _("training institution")
        verbose_name_plural = _("training institutions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Course(models.Model):
    """A course of PA03's yearly list: what it teaches, how long, what it costs, how many seats."""

    class Level(models.TextChoices):
        ELEMENTARY = "elementary", _("Elementary (sơ cấp)")
        UNDER_3_MONTHS = "under_3_months", _("Under 3 months")
        INTERMEDIATE = "intermediate", _("Intermediate (trung cấp)")
        COLLEGE = "college", _("College (cao đẳng)")

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="courses"
    )
    occupation = models.ForeignKey(
        Occupation, verbose_name=_("occupation"), on_delete=models.PROTECT, related_name="courses"
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    duration_months = models.DecimalField(_("duration (months)"), max_digits=4, decimal_places=1)
    tuition_vnd = models.PositiveBigIntegerField(_("tuition (VND)"))
    support_vnd = models.PositiveBigIntegerField(_("support level (VND)"), default=0)
    seats = models.PositiveIntegerField(_("seats"))
    list_year = models.PositiveSmallIntegerField(_("year of the list"))
    approved = models.BooleanField(_("approved"), default=True)
    active = models.BooleanField(_("active"), default=True)
    # A course proposed by an institution's staff waits for PA03's approval.
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["-list_year", "occupation__name", "institution__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_months__gt=0),
                name="course_duration_positive",
                violation_error_message=_("The duration must be more than zero."),
            ),
            models.UniqueConstraint(
                fields=["institution", "occupation", "level", "list_year"],
                name="course_unique_in_list",
                violation_error_message=_(
                    "This institution already lists this occupation at this level that year."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["occupation", "list_year"], name="course_occupation_year_idx")
        ]

    def __str__(self) -> str:
        return f"{self.occupation} – {self.institution} ({self.list_year})"


class RegistrationList(models.Model):
    """One sending of the month-18 list to one institution (the xlsx that goes with it is made
    from these rows, so it can be downloaded again)."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="registration_lists"
    )
    sent_on = models.DateField(_("sent on"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("registration list")
        verbose_name_plural = _("registration lists")
        ordering = ["-sent_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.institution} {self.sent_on:%d/%m/%Y}"


class Registration(models.Model):
    """A soldier's training registration. Its status only moves forward, through training.services.

    A registration from the tracking ledger may have no course yet ("chưa ghi cơ sở đào tạo"): it
    still counts as trained by its dates (DESIGN.md §5)."""

    class Status(models.TextChoices):
        WISHED = "wished", _("Wished")
        SENT = "sent", _("Sent to the institution")
        ENROLLED = "enrolled", _("Enrolled")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    OPEN_STATUSES = (Status.WISHED, Status.SENT, Status.ENROLLED)

    soldier = models.ForeignKey(
        Soldier, verbose_name=_("soldier"), on_delete=models.PROTECT, related_name="registrations"
    )
    occupation = models.ForeignKey(
        Occupation, verbose_name=_("occupation"), on_delete=models.PROTECT, related_name="+"
    )
    course = models.ForeignKey(
        Course,
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
    )
    # Copied from the course so that a certificate number is unique per institution.
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="registrations"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    wished_on = models.DateField(_("registered on"))
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    sent_list = models.ForeignKey(
        RegistrationList, on_delete=models.PROTECT, null=True, blank=True, related_name="rows"
    )
    enrolled_on = models.DateField(_("enrolled on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=50, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_DATA = dict.fromkeys(
        ("enrolled_on", "completed_on", "certificate_number", "withdrawal_reason"), _TRAINING
    )

    class Meta:
        verbose_name = _("training registration")
        verbose_name_plural = _("training registrations")
        ordering = ["-wished_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["soldier"],
                condition=Q(status__in=["wished", "sent", "enrolled"]),
                name="registration_one_open_per_soldier",
                violation_error_message=_("He already has a registration in progress."),
            ),
            models.UniqueConstraint(
                fields=["institution", "certificate_number"],
                condition=~Q(certificate_number=""),
                name="registration_certificate_unique",
                violation_error_message=_(
                    "This certificate number is already used at this institution."
                ),
            ),
            models.CheckConstraint(
                condition=Q(enrolled_on__isnull=True)
                | Q(sent_on__isnull=True)
                | Q(enrolled_on__gte=models.F("sent_on")),
                name="registration_enrolled_after_sent",
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True)
                | (Q(enrolled_on__isnull=False) & Q(completed_on__gte=models.F("enrolled_on"))),
                name="registration_completed_after_enrolled",
            ),
        ]
        indexes = [
            models.Index(fields=["soldier", "status"], name="registration_soldier_idx"),
            models.Index(fields=["course", "status"], name="registration_course_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.soldier_id} {self.occupation_id} {self.status}"


class TrainingSupport(models.Model):
    """Public support for a soldier's training, under one of the two regimes (DESIGN.md §8)."""

    class Regime(models.TextChoices):
        CARD = "card", _("Vocational training card (Decree 61/2015)")
        COMMUNE_APPLICATION = (
            "commune_application",
            _("Application at the commune (Decree 338/2025)"),
        )

    class CardStatus(models.TextChoices):
        ISSUED = "issued", _("Issued")
        SETTLED = "settled", _("Settled by the institution")
        EXPIRED = "expired", _("Expired")

    soldier = models.ForeignKey(
        Soldier,
        verbose_name=_("soldier"),
        on_delete=models.PROTECT,
        related_name="training_supports",
    )
    regime = models.CharField(_("regime"), max_length=20, choices=Regime.choices)
    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supports",
    )
    cap_vnd = models.PositiveBigIntegerField(_("cap (VND)"))
    # Card regime.
    card_number = models.CharField(_("card number"), max_length=50, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    card_status = models.CharField(
        _("card status"), max_length=10, choices=CardStatus.choices, blank=True
    )
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    settled_vnd = models.PositiveBigIntegerField(_("settled amount (VND)"), null=True, blank=True)
    # Commune application regime.
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    amount_vnd = models.PositiveBigIntegerField(_("amount granted (VND)"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_DATA = dict.fromkeys(("card_number", "settled_vnd", "amount_vnd"), _TRAINING)

    class Meta:
        verbose_name = _("training support")
        verbose_name_plural = _("training support")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["soldier"],
                condition=Q(regime="commune_application"),
                name="support_commune_application_once",
                violation_error_message=_("Support under Decree 338/2025 is granted only once."),
            ),
            models.UniqueConstraint(
                fields=["card_number"],
                condition=~Q(card_number=""),
                name="support_card_number_unique",
                violation_error_message=_("This card number is already recorded."),
            ),
            models.CheckConstraint(
                condition=Q(settled_vnd__isnull=True) | Q(settled_vnd__lte=models.F("cap_vnd")),
                name="support_settled_within_cap",
            ),
            models.CheckConstraint(
                condition=Q(amount_vnd__isnull=True) | Q(amount_vnd__lte=models.F("cap_vnd")),
                name="support_amount_within_cap",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.soldier_id} {self.regime}"


class InstitutionStaff(models.Model):
    """Links a partner account (role institution_staff) to the one institution it works for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="institution_link"
    )
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="staff")

    class Meta:
        verbose_name = _("institution staff")
        verbose_name_plural = _("institution staff")

    def __str__(self) -> str:
        return f"{self.user} – {self.institution}"
