"""How long a soldier's personal data is kept, and its anonymisation once that time is over
(Luật 91/2025/QH15, Nghị định 356/2025; issue 9).

A soldier's training support window closes 12 months after his discharge under the card regime
(cohorts discharged up to 2025) or 60 months after it under the commune regime: the rule is
reports.sheet.support_terms, the one the counselling sheet prints. Once that window has been
closed for more than N years (reports.RetentionRule, 5 by default), he is listed monthly in an
AnonymisationBatch for PX01, who drops whom he must keep and approves the rest.

Anonymising removes what names him (name, citizen ID, birth day and month, phone) and keeps what
the figures count (unit, discharge dates, occupation, every outcome), so the figures of past
years and the milestone columns do not move.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reports.models import AnonymisationBatch, AnonymisationCandidate, RetentionRule
from reports.sheet import support_terms
from reports.subject_access import may_handle_personal_data
from soldiers.dates import add_months
from soldiers.models import Soldier, SoldierChange
from soldiers.selectors import with_discharge_date
from soldiers.services import history_record, soldier_diff
from units import audit
from units.models import AuditEvent, User
from units.selectors import lead_department_staff
from units.services import notify
from units.vietnamese import name_sort_key

Status = AnonymisationBatch.Status
# What an anonymised file says instead of his name; the id keeps files apart in lists.
ANONYMOUS_NAME = "Đã ẩn danh {pk}"
# His citizen ID becomes "X" and his id padded to 12 characters: unique as the constraint wants,
# never a valid citizen ID (soldiers.citizen_id wants 12 digits), and plain to see.
ANONYMOUS_ID_PREFIX = "X"
# History values about these fields are blanked whatever they say (the birth day and month, the
# old name, ID and phone are exactly what anonymising removes).
IDENTIFYING_FIELDS = ("full_name", "citizen_id", "phone", "date_of_birth")
# Soldiers whose discharge is later than this many days past the cut-off cannot have reached
# the end of their retention: a margin for month-end clamping in add_months; the exact rule is
# applied to each soldier of the superset.
CLAMPING_MARGIN_DAYS = 7


# ---- the rule ----


def retention_years_on(day: dt.date) -> int:
    """N, the years of keeping in force on `day` (the default when none is recorded)."""
    rule = RetentionRule.objects.filter(valid_from__lte=day).order_by("-valid_from").first()
    return rule.years_after_support if rule else RetentionRule.DEFAULT_YEARS


@dataclass(frozen=True)
class Expiry:
    """When his support window closed, under which regime, and when keeping his data ends."""

    regime: str
    support_ended_on: dt.date
    kept_until: dt.date

    def over_on(self, day: dt.date) -> bool:
        """Whether the window closed more than N years before `day`."""
        return self.kept_until < day


def expiry(soldier: Soldier, *, years: int) -> Expiry:
    # The cap is not needed here: support_terms is asked only for the regime and its last day.
    terms = support_terms(soldier, cap_vnd=0)
    return Expiry(terms.regime, terms.last_day, add_months(terms.last_day, 12 * years))


def _held_elsewhere() -> QuerySet[AnonymisationCandidate]:
    """Soldiers already anonymised, or waiting in a pending batch (not dropped from it)."""
    return AnonymisationCandidate.objects.filter(
        Q(anonymised_at__isnull=False) | Q(batch__status=Status.PENDING, dropped_at=None)
    )


def expired_soldiers(*, on: dt.date, years: int) -> list[tuple[Soldier, Expiry]]:
    """The soldiers, archived or not, whose support window closed more than `years` years before
    `on`, by name; without those already anonymised or waiting in a pending batch. A soldier
    dropped from an earlier batch comes back the next month: PX01 decides again."""
    # Every window is at least 12 months: a discharge after this day cannot be expired.
    latest = add_months(on, -12 * (years + 1)) + dt.timedelta(days=CLAMPING_MARGIN_DAYS)
    soldiers = (
        with_discharge_date(Soldier.objects.all())
        .filter(discharge_on__lt=latest)
        .exclude(pk__in=_held_elsewhere().values("soldier_id"))
        .order_by("sort_key", "pk")
    )
    found = []
    for soldier in soldiers.iterator(chunk_size=2000):
        end = expiry(soldier, years=years)
        if end.over_on(on):
            found.append((soldier, end))
    return found


# ---- who may ----


def _require_manager(user: User) -> None:
    if not may_handle_personal_data(user):
        raise PermissionDenied


def _px01() -> QuerySet[User]:
    return lead_department_staff()


# ---- the monthly listing (reports.tasks.list_anonymisation_candidates) ----


def anonymisation_batch_create(*, on: dt.date) -> AnonymisationBatch | None:
    """List this month's expired soldiers in a pending batch and tell PX01. Once a month: the
    batch's month is unique, so a second run (or a second worker) finds it and does nothing.
    With no one expired, no batch is made and no one is told."""
    month = on.replace(day=1)
    if AnonymisationBatch.objects.filter(month=month).exists():
        return None
    years = retention_years_on(on)
    expired = expired_soldiers(on=on, years=years)
    if not expired:
        return None
    try:
        with transaction.atomic():
            batch = AnonymisationBatch.objects.create(month=month, retention_years=years)
            AnonymisationCandidate.objects.bulk_create(
                AnonymisationCandidate(
                    batch=batch,
                    soldier=soldier,
                    regime=end.regime,
                    support_ended_on=end.support_ended_on,
                )
                for soldier, end in expired
            )
            _tell_px01(batch, len(expired))
    except IntegrityError:
        # Another run made this month's batch between the check and the insert.
        return None
    return batch


def _tell_px01(batch: AnonymisationBatch, count: int) -> None:
    title = ngettext(
        "%(count)s soldier's data is due for anonymisation (%(month)s)",
        "%(count)s soldiers' data is due for anonymisation (%(month)s)",
        count,
    ) % {"count": count, "month": batch.month.strftime("%m/%Y")}
    body = _(
        "Their training support window closed more than %(years)s years ago. Drop those whose "
        "files must still be kept, then approve the batch."
    ) % {"years": batch.retention_years}
    url = f"{reverse('reports:anonymisation')}?batch={batch.pk}"
    notify(users=_px01(), title=title, body=body, url=url)


# ---- PX01's decisions (reports/views/privacy.py) ----


@transaction.atomic
def anonymisation_candidate_drop(
    *, user: User, candidate: AnonymisationCandidate
) -> AnonymisationCandidate:
    """Keep one soldier out of a pending batch (his file must still be kept)."""
    _require_manager(user)
    dropped = AnonymisationCandidate.objects.filter(
        pk=candidate.pk, dropped_at=None, batch__status=Status.PENDING
    ).update(dropped_at=timezone.now(), dropped_by=user)
    if not dropped:
        raise ValidationError(_("He is no longer in a batch awaiting approval."))
    candidate.refresh_from_db()
    return candidate


@transaction.atomic
def anonymisation_batch_approve(
    *, user: User, batch: AnonymisationBatch, request: HttpRequest | None = None
) -> int:
    """Anonymise every soldier of a pending batch not dropped from it, all in one transaction,
    after checking again that each one's data is past keeping today (his discharge date or the
    rule may have changed since the listing): if one is not, nothing is changed and the message
    names him. Returns how many were anonymised; the approval is logged."""
    _require_manager(user)
    locked = AnonymisationBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.status != Status.PENDING:
        raise ValidationError(_("This batch has already been approved."))
    candidates = list(locked.candidates.filter(dropped_at=None).order_by())
    ids = [candidate.soldier_id for candidate in candidates]
    soldiers = list(
        Soldier.objects.select_for_update().filter(pk__in=ids).select_related("unit").order_by()
    )
    _refuse_unexpired(sorted(soldiers, key=lambda s: (s.sort_key, s.pk)))
    now = timezone.now()
    _scrub_history(soldiers)
    for soldier in soldiers:
        _anonymise(soldier, user)
    AnonymisationCandidate.objects.filter(pk__in=[c.pk for c in candidates]).update(
        anonymised_at=now
    )
    locked.status, locked.approved_at, locked.approved_by = Status.APPROVED, now, user
    locked.save(update_fields=["status", "approved_at", "approved_by"])
    audit.record(
        AuditEvent.Kind.ANONYMISATION,
        user=user,
        request=request,
        subject=locked,
        summary=ngettext(
            "Batch %(month)s: %(count)s soldier anonymised",
            "Batch %(month)s: %(count)s soldiers anonymised",
            len(soldiers),
        )
        % {"month": locked.month.strftime("%m/%Y"), "count": len(soldiers)},
        count=len(soldiers),
        soldiers=sorted(ids),
    )
    return len(soldiers)


def _refuse_unexpired(soldiers: list[Soldier]) -> None:
    today = timezone.localdate()
    years = retention_years_on(today)
    errors = []
    for soldier in soldiers:
        end = expiry(soldier, years=years)
        if not end.over_on(today):
            errors.append(
                _(
                    "%(name)s (%(unit)s) is still within his training support window or the "
                    "%(years)s years his data is kept after it (until %(date)s): drop him from "
                    "the batch, then approve it. Nothing was anonymised."
                )
                % {
                    "name": soldier.full_name,
                    "unit": soldier.unit.code,
                    "years": years,
                    "date": end.kept_until.strftime("%d/%m/%Y"),
                }
            )
    if errors:
        raise ValidationError(errors)


def anonymous_citizen_id(pk: int) -> str:
    """X00000000042 for soldier 42: the 12 characters of the field, never 12 digits."""
    return f"{ANONYMOUS_ID_PREFIX}{pk:011d}"


def _anonymise(soldier: Soldier, user: User) -> None:
    """Replace what names him; keep the unit, dates of service and every outcome. The history
    gets an entry saying who did it (the values it shows are the new ones)."""
    changed = {
        "full_name": ANONYMOUS_NAME.format(pk=soldier.pk),
        "citizen_id": anonymous_citizen_id(soldier.pk),
        "date_of_birth": soldier.date_of_birth.replace(month=1, day=1),
        "phone": "",
    }
    Soldier.objects.filter(pk=soldier.pk).update(
        **changed,
        sort_key=name_sort_key(changed["full_name"]),
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    history_record(
        soldier=soldier,
        user=user,
        action=SoldierChange.Action.UPDATED,
        changes=soldier_diff({}, {k: v for k, v in changed.items() if v}),
    )


def _scrub_history(soldiers: list[Soldier]) -> None:
    """Blank every history value that holds his name, citizen ID (whole or masked) or phone,
    and every value of the fields that identify him."""
    needles = {s.pk: _needles(s) for s in soldiers}
    changed = []
    for entry in SoldierChange.objects.filter(soldier_id__in=needles):
        scrubbed = {
            field: _scrub(field, value, needles[entry.soldier_id])
            for field, value in entry.changes.items()
        }
        if scrubbed != entry.changes:
            entry.changes = scrubbed
            changed.append(entry)
    SoldierChange.objects.bulk_update(changed, ["changes"], batch_size=500)


def _needles(soldier: Soldier) -> list[str]:
    values = (soldier.full_name, soldier.citizen_id, soldier.masked_citizen_id, soldier.phone)
    return [value.casefold() for value in values if value]


def _scrub(field: str, value: Any, needles: list[str]) -> Any:
    if isinstance(value, list):
        return [_scrub(field, item, needles) for item in value]
    if field in IDENTIFYING_FIELDS:
        return ""
    if isinstance(value, str) and any(needle in value.casefold() for needle in needles):
        return ""
    return value


# ---- the page (reports/views/privacy.py) ----


def batch_list() -> QuerySet[AnonymisationBatch]:
    """Every batch, newest first, with its counts: one query whatever the number of batches."""
    return (
        AnonymisationBatch.objects.select_related("approved_by")
        .annotate(
            listed=Count("candidates"),
            dropped=Count("candidates", filter=Q(candidates__dropped_at__isnull=False)),
        )
        .order_by("-month")
    )


def batch_get(*, user: User, pk: int | None) -> AnonymisationBatch | None:
    """The batch asked for (404 if there is none such), else the newest (None before the first
    listing); for PX01 and superusers only (403 otherwise)."""
    _require_manager(user)
    batches = batch_list()
    return get_object_or_404(batches, pk=pk) if pk else batches.first()


def candidate_list(batch: AnonymisationBatch) -> QuerySet[AnonymisationCandidate]:
    return batch.candidates.select_related("batch", "soldier__unit", "dropped_by")
