"""The subject-access report: everything the system holds about one soldier, for the soldier
himself (Luật 91/2025/QH15, Nghị định 356/2025: a data subject may ask what is held about him,
how it changed, and who saw it). So it shows his citizen ID in full.

The report is defined once, as sections of columns and rows of plain values (dates as dates,
amounts as numbers); the page and its PDF (reports/subject_access.html, reports/pdf.py) and the
workbook (units/spreadsheets.py, one sheet per section) are separate renderers of it. Every
generation is logged in the audit log, and so appears in his next report.

Left out on purpose: notifications (they are addressed to officers and hold no field of his
file) and report submissions (their content is counts, no personal rows). The audit log names
one subject per event: an export of his own file (his counselling sheet) is found by it, but an
export of a list records its filters and row count, not who was in it, so such lists cannot be
traced back to him here; his printed sheets are, one row each, batches included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Prefetch, prefetch_related_objects
from django.http import HttpRequest
from django.template.defaultfilters import yesno
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from employers.models import JobFair, Loan, Placement, Referral
from reports.models import SheetPrint
from reports.submissions import may_review
from soldiers.models import CitizenIdView, Counselling, Soldier, SoldierChange
from soldiers.selectors import place_names, soldier_get, soldier_history
from training.forms import SURVEY_FIELDS
from training.models import CareerWish, Registration, TrainingSupport
from units import audit
from units.models import AuditEvent, User
from units.spreadsheets import AMOUNT_FORMAT, Column, Sheet

FORMS = {
    "page": gettext_lazy("web page"),
    "pdf": "PDF",
    "xlsx": "Excel",
}


def may_handle_personal_data(user: User) -> bool:
    """PX01 answers for the personal data the province holds (requests from soldiers, the
    anonymisation of old files); a superuser may stand in. The same accounts review the units'
    reports, so the rule is that one."""
    return may_review(user)


def subject_get(*, user: User, pk: int) -> Soldier:
    """The soldier whose report is asked for: 403 for anyone but PX01 and superusers, 404 for a
    soldier who does not exist."""
    if not may_handle_personal_data(user):
        raise PermissionDenied
    return soldier_get(user=user, pk=pk)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]]

    def sheet(self) -> Sheet:
        return Sheet(title=self.title, columns=self.columns, rows=self.rows)


@dataclass(frozen=True)
class Report:
    soldier: Soldier
    made_at: dt.datetime
    sections: list[Section]

    def sheets(self) -> list[Sheet]:
        return [section.sheet() for section in self.sections]

    def file_name(self, form: str) -> str:
        """The name of the file handed out ("" for the page)."""
        return "" if form == "page" else f"du-lieu-ca-nhan-{self.soldier.pk}.{form}"


def _label(model: type[Model], field: str) -> str:
    """A column named as the model names the field (one translation, no drift)."""
    return capfirst(str(model._meta.get_field(field).verbose_name))


def _column(model: type[Model], field: str, width: int = 16) -> Column:
    return Column(_label(model, field), width)


def _amount(model: type[Model], field: str) -> Column:
    return Column(_label(model, field), 16, AMOUNT_FORMAT)


def _who(user: User | None) -> str:
    return f"{user.get_full_name()} ({user.get_username()})" if user else ""


def _display(instance: Model, field: str) -> str:
    """The label of a choice ("" when blank)."""
    return str(getattr(instance, f"get_{field}_display")()) if getattr(instance, field) else ""


# ---- the sections, one query each ----


def _file(soldier: Soldier) -> Section:
    province, ward = place_names(soldier)
    rows = [
        (_label(Soldier, "full_name"), soldier.full_name),
        (_label(Soldier, "date_of_birth"), soldier.date_of_birth),
        (_label(Soldier, "gender"), soldier.get_gender_display()),
        (_label(Soldier, "citizen_id"), soldier.citizen_id),
        (_label(Soldier, "phone"), soldier.phone),
        (_label(Soldier, "home_province_code"), province),
        (_label(Soldier, "home_ward_code"), ward),
        (_label(Soldier, "unit"), f"{soldier.unit.code} – {soldier.unit.name}"),
        (_label(Soldier, "rank"), _display(soldier, "rank")),
        (_label(Soldier, "enlistment_date"), soldier.enlistment_date),
        (_label(Soldier, "expected_discharge_date"), soldier.expected_discharge_date),
        (_label(Soldier, "actual_discharge_date"), soldier.actual_discharge_date),
        (_label(Soldier, "archived"), yesno(soldier.archived)),
        (_label(Soldier, "archived_reason"), soldier.archived_reason),
        (_("File created"), soldier.created_at),
        (_("Last changed"), soldier.updated_at),
    ]
    columns = (Column(_("Information held"), 30), Column(_("Value"), 50))
    return Section("file", _("His file"), columns, rows)


def _in_field_order(changes: dict[str, Any]) -> dict[str, Any]:
    """A history entry's fields in the order of the file (PostgreSQL's jsonb keeps no order);
    keys that are not fields of the file (outcomes) come after, as they were."""
    order = {field.name: index for index, field in enumerate(Soldier._meta.fields)}
    return dict(sorted(changes.items(), key=lambda item: order.get(item[0], len(order))))


def _history(soldier: Soldier) -> Section:
    prefetch_related_objects(
        [soldier], Prefetch("changes", queryset=SoldierChange.objects.select_related("by"))
    )
    for change in soldier.changes.all():
        change.changes = _in_field_order(change.changes)  # read only: never saved
    rows = [
        (
            entry.change.at,
            _who(entry.change.by),
            entry.change.get_action_display(),
            "; ".join(
                f"{line.label}: {line.before} → {line.after}"
                if line.before
                else f"{line.label}: {line.after}"
                for line in entry.lines
            ),
        )
        for entry in soldier_history(soldier)
    ]
    columns = (
        Column(_("Time"), 18),
        Column(_("By"), 28),
        _column(SoldierChange, "action", 22),
        Column(_("Changes"), 70),
    )
    return Section("history", _("History of his file"), columns, rows)


def _counselling(soldier: Soldier) -> Section:
    rows = [
        (c.date, c.get_kind_display(), _who(c.officer), c.note)
        for c in Counselling.objects.filter(soldier=soldier).select_related("officer")
    ]
    columns = (
        _column(Counselling, "date"),
        _column(Counselling, "kind", 22),
        _column(Counselling, "officer", 28),
        _column(Counselling, "note", 50),
    )
    return Section("counselling", _("Counselling"), columns, rows)


def _wish_value(wish: CareerWish, field: str) -> Any:
    value = getattr(wish, field)
    if isinstance(value, bool):
        return yesno(value)
    if field in ("wants_training", "preferred_work_place", "stay_in_police", "loan_purpose"):
        return _display(wish, field)
    if field == "occupation":
        return value.name if value else ""
    return value


def _career_wishes(soldier: Soldier) -> Section:
    wishes = CareerWish.objects.filter(soldier=soldier).select_related("occupation", "recorded_by")
    rows = [
        (
            *(_wish_value(wish, field) for field in SURVEY_FIELDS),
            yesno(wish.is_current),
            _who(wish.recorded_by),
        )
        for wish in wishes
    ]
    columns = (
        *(_column(CareerWish, field) for field in SURVEY_FIELDS),
        Column(_("Current"), 10),
        Column(_("Recorded by"), 28),
    )
    return Section("career_wishes", _("Career wishes"), columns, rows)


def _registrations(soldier: Soldier) -> Section:
    registrations = Registration.objects.filter(soldier=soldier).select_related(
        "occupation", "institution", "course__institution"
    )
    rows = [
        (
            r.wished_on,
            r.occupation.name,
            _institution(r),
            r.get_status_display(),
            r.sent_on,
            r.enrolled_on,
            r.completed_on,
            r.certificate_number,
            r.withdrawn_on,
            r.withdrawal_reason,
        )
        for r in registrations
    ]
    columns = (
        _column(Registration, "wished_on"),
        _column(Registration, "occupation", 22),
        Column(_("Institution"), 30),
        _column(Registration, "status", 18),
        _column(Registration, "sent_on"),
        _column(Registration, "enrolled_on"),
        _column(Registration, "completed_on"),
        _column(Registration, "certificate_number"),
        _column(Registration, "withdrawn_on"),
        _column(Registration, "withdrawal_reason", 30),
    )
    return Section("registrations", _("Training registrations"), columns, rows)


def _institution(registration: Registration) -> str:
    """Where he trains: the institution recorded, else his course's ("" while none is chosen)."""
    if registration.institution:
        return registration.institution.name
    return registration.course.institution.name if registration.course else ""


def _training_support(soldier: Soldier) -> Section:
    rows = [
        (
            s.get_regime_display(),
            s.cap_vnd,
            s.card_number,
            s.issued_on,
            s.valid_until,
            _display(s, "card_status"),
            s.settled_on,
            s.settled_vnd,
            s.applied_on,
            s.decided_on,
            s.amount_vnd,
        )
        for s in TrainingSupport.objects.filter(soldier=soldier).order_by("-created_at", "-pk")
    ]
    columns = (
        _column(TrainingSupport, "regime", 30),
        _amount(TrainingSupport, "cap_vnd"),
        _column(TrainingSupport, "card_number"),
        _column(TrainingSupport, "issued_on"),
        _column(TrainingSupport, "valid_until"),
        _column(TrainingSupport, "card_status"),
        _column(TrainingSupport, "settled_on"),
        _amount(TrainingSupport, "settled_vnd"),
        _column(TrainingSupport, "applied_on"),
        _column(TrainingSupport, "decided_on"),
        _amount(TrainingSupport, "amount_vnd"),
    )
    return Section("training_support", _("Training support"), columns, rows)


def _referrals(soldier: Soldier) -> Section:
    referrals = Referral.objects.filter(soldier=soldier).select_related(
        "opening__employer", "referred_by"
    )
    rows = [
        (
            r.referred_on,
            r.opening.title,
            r.opening.employer.name,
            r.get_status_display(),
            r.decided_on,
            r.reason,
            _who(r.referred_by),
        )
        for r in referrals
    ]
    columns = (
        _column(Referral, "referred_on"),
        Column(_("Job opening"), 28),
        Column(_("Employer"), 30),
        _column(Referral, "status"),
        _column(Referral, "decided_on"),
        _column(Referral, "reason", 30),
        Column(_("Referred by"), 28),
    )
    return Section("referrals", _("Job referrals"), columns, rows)


def _placements(soldier: Soldier) -> Section:
    placements = Placement.objects.filter(soldier=soldier).select_related("employer", "occupation")
    rows = [
        (
            p.started_on,
            p.get_kind_display(),
            p.employer.name if p.employer else "",
            p.occupation.name if p.occupation else "",
            p.workplace,
            p.salary_vnd,
            _display(p, "evidence"),
            _display(p, "source"),
        )
        for p in placements
    ]
    columns = (
        _column(Placement, "started_on"),
        _column(Placement, "kind", 28),
        _column(Placement, "employer", 30),
        _column(Placement, "occupation", 22),
        _column(Placement, "workplace", 30),
        _amount(Placement, "salary_vnd"),
        _column(Placement, "evidence", 22),
        _column(Placement, "source", 22),
    )
    return Section("placements", _("Jobs"), columns, rows)


def _loans(soldier: Soldier) -> Section:
    rows = [
        (
            loan.applied_on,
            loan.get_purpose_display(),
            loan.amount_vnd,
            loan.bank_branch,
            loan.get_status_display(),
            loan.decided_on,
        )
        for loan in Loan.objects.filter(soldier=soldier)
    ]
    columns = (
        _column(Loan, "applied_on"),
        _column(Loan, "purpose", 24),
        _amount(Loan, "amount_vnd"),
        _column(Loan, "bank_branch", 30),
        _column(Loan, "status"),
        _column(Loan, "decided_on"),
    )
    return Section("loans", _("Loans"), columns, rows)


def _job_fairs(soldier: Soldier) -> Section:
    fairs = (
        JobFair.objects.filter(soldiers=soldier).select_related("organiser").order_by("date", "pk")
    )
    rows = [
        (fair.date, fair.get_kind_display(), fair.name, fair.place, fair.organiser.code)
        for fair in fairs
    ]
    columns = (
        _column(JobFair, "date"),
        _column(JobFair, "kind", 22),
        _column(JobFair, "name", 30),
        _column(JobFair, "place", 30),
        _column(JobFair, "organiser"),
    )
    return Section("job_fairs", _("Job fairs attended"), columns, rows)


def _sheet_prints(soldier: Soldier) -> Section:
    prints = (
        SheetPrint.objects.filter(soldier=soldier).select_related("user").order_by("-at", "-pk")
    )
    rows = [(p.at, _who(p.user), p.get_form_display()) for p in prints]
    columns = (Column(_("Time"), 18), Column(_("Account"), 28), Column(_("Form"), 22))
    return Section("sheet_prints", _("Counselling sheets printed"), columns, rows)


def _citizen_id_views(soldier: Soldier) -> Section:
    views = (
        CitizenIdView.objects.filter(soldier=soldier)
        .select_related("user__unit")
        .order_by("-at", "-pk")
    )
    rows = [(v.at, _who(v.user), v.user.unit.code if v.user.unit else "") for v in views]
    columns = (Column(_("Time"), 18), Column(_("Account"), 28), Column(_("Unit"), 16))
    return Section("citizen_id_views", _("Who saw his full citizen ID"), columns, rows)


def _audit_events(soldier: Soldier) -> Section:
    """Security events about his file: exports of it, the reports made for him. An event names
    its subject by type and id (units.AuditEvent), so this is one indexed lookup."""
    events = AuditEvent.objects.filter(
        subject_type=Soldier._meta.label_lower, subject_id=soldier.pk
    )
    rows = [(e.at, e.username, e.get_kind_display(), e.summary, e.ip_address or "") for e in events]
    columns = (
        Column(_("Time"), 18),
        _column(AuditEvent, "username", 20),
        _column(AuditEvent, "kind", 24),
        _column(AuditEvent, "summary", 40),
        _column(AuditEvent, "ip_address", 16),
    )
    return Section("audit", _("Who exported or viewed his file"), columns, rows)


SECTIONS: tuple[Callable[[Soldier], Section], ...] = (
    _file,
    _history,
    _counselling,
    _career_wishes,
    _registrations,
    _training_support,
    _referrals,
    _placements,
    _loans,
    _job_fairs,
    _sheet_prints,
    _citizen_id_views,
    _audit_events,
)


def report_for(soldier: Soldier) -> Report:
    """Everything held about `soldier`, section by section, as it stands now."""
    return Report(soldier, timezone.now(), [section(soldier) for section in SECTIONS])


def subject_access_record(
    *, user: User, report: Report, form: str, request: HttpRequest | None = None
) -> AuditEvent:
    """Log one generation of his report: the page, or the file ("pdf", "xlsx") handed out."""
    return audit.record(
        AuditEvent.Kind.SUBJECT_ACCESS,
        user=user,
        request=request,
        subject=report.soldier,
        summary=_("Subject-access report: %(form)s") % {"form": FORMS[form]},
        form=form,
        file=report.file_name(form),
    )
