"""Importing the ledger: every row is checked, then everything is saved or nothing is.

A row is a soldier, found by his citizen ID (or new), and what the unit recorded about him: a
counselling on Ngày tư vấn, his current career wish, a training registration enrolled and
completed on the ledger's dates (with no course until an officer picks one, "chưa ghi cơ sở đào
tạo", DESIGN.md §5), and a job from Ngày có việc làm. A blank cell erases nothing, and what is on
file already is not recorded again, so importing a ledger just exported changes nothing.

Whatever the row count, the database is asked the same few questions: units, service rules,
occupations, the soldiers holding the file's citizen IDs and what they already have are read once,
everything is written in batches, and the milestone columns of the soldiers touched are
recomputed in one statement.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from employers.models import Placement
from reports.ledger.cells import LedgerLookups, read_outcomes
from reports.ledger.columns import COLUMNS, OPTIONAL
from reports.ledger.rules import (
    HOME_FIELDS,
    Held,
    Row,
    outcome_errors,
    registration_target,
    soldier_errors,
)
from soldiers import milestones
from soldiers.importing.cells import cell_text, read_row
from soldiers.importing.columns import CITIZEN_ID, DISCHARGE
from soldiers.importing.rows import (
    ImportPlan,
    RowError,
    plan_soldier,
    repeated_citizen_ids,
    save_soldiers,
    soldiers_holding,
)
from soldiers.importing.workbook import ImportRefused, read_rows
from soldiers.models import Counselling, Soldier, SoldierChange
from soldiers.services import require_writer, short_date
from training.models import CareerWish, Registration
from units import audit
from units.bulk import BATCH_SIZE, insert_new
from units.models import AuditEvent, User
from units.scoping import scope_for

ALL_COLUMNS = (*COLUMNS, *OPTIONAL)
MASK = "*"
# Answers of a career wish the ledger does not hold: a new wish keeps them from the current one.
KEPT_ANSWERS = (
    "preferred_institution",
    "wants_job_referral",
    "preferred_work_place",
    "stay_in_police",
    "wants_loan",
    "loan_purpose",
    "wants_grassroots_security",
    "note",
)


@dataclass
class LedgerPlan:
    """What a ledger would do (preview) or did (import), or the errors that stop it."""

    soldiers: ImportPlan = field(default_factory=ImportPlan)
    errors: list[RowError] = field(default_factory=list)
    counsellings: list[Counselling] = field(default_factory=list)
    replaced_wishes: list[int] = field(default_factory=list)
    wishes: list[CareerWish] = field(default_factory=list)
    new_registrations: list[Registration] = field(default_factory=list)
    changed_registrations: list[Registration] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)
    # One history entry per soldier the ledger changes: his changed fields and what it records.
    history: list[tuple[Soldier, dict[str, list[str]]]] = field(default_factory=list)

    @property
    def error_rows(self) -> int:
        return len({error.row for error in self.errors})

    @property
    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.soldiers.created),
            "updated": len(self.soldiers.updated),
            "unchanged": self.soldiers.unchanged,
            "counsellings": len(self.counsellings),
            "wishes": len(self.wishes),
            "registrations_created": len(self.new_registrations),
            "registrations_updated": len(self.changed_registrations),
            "placements": len(self.placements),
        }

    @property
    def changes_anything(self) -> bool:
        return any(count for name, count in self.counts.items() if name != "unchanged")

    @property
    def summary(self) -> str:
        """What was saved, as the officer is told (on the page and by the command)."""
        return (
            _(
                "Ledger imported. Soldiers added: %(created)s, updated: %(updated)s, unchanged: "
                "%(unchanged)s. Counselling sessions: %(counsellings)s, career wishes: "
                "%(wishes)s, training registrations added: %(registrations_created)s, updated: "
                "%(registrations_updated)s, jobs: %(placements)s."
            )
            % self.counts
        )


def ledger_check(*, user: User, content: bytes) -> LedgerPlan:
    """What importing the ledger would do, saving nothing: the preview."""
    require_writer(user, None)
    return _plan(user, _read(content), lock=False)


def ledger_apply(
    *, user: User, content: bytes, file_name: str = "", request: HttpRequest | None = None
) -> LedgerPlan:
    """Check the ledger again and, if no row has an error, save all of it in one transaction:
    soldiers (new, or changed with version + 1), counsellings, wishes, registrations and jobs,
    and one "imported" history entry for each soldier it changes, as the soldier import writes
    (what the row records about him is in the same entry), and the import's entry in the audit
    log: from the browser's `request`, or from the command line without one. The plan says
    what was saved, or lists the errors."""
    require_writer(user, None)
    rows = _read(content)  # outside the transaction: reading the file takes the longest
    try:
        with transaction.atomic():
            plan = _plan(user, rows, lock=True)
            if not plan.errors:
                _save(user, plan)
                audit.record(
                    AuditEvent.Kind.IMPORT,
                    user=user,
                    request=request,
                    summary=_("Tracking ledger imported")
                    if request is not None
                    else _("Tracking ledger imported from the command line"),
                    file=file_name,
                    **plan.counts,
                )
    except IntegrityError as error:
        # Someone recorded one of these soldiers or outcomes between the check and the write.
        raise ImportRefused(
            _("The soldiers' files changed while the ledger was being imported. Nothing was saved.")
        ) from error
    return plan


def _read(content: bytes) -> list[tuple[int, dict[str, Any]]]:
    rows = read_rows(content, columns=COLUMNS, optional=OPTIONAL)
    if any(MASK in cell_text(values[CITIZEN_ID]) for _number, values in rows):
        raise ImportRefused(
            _(
                "The citizen IDs in this file are masked (********1234), as in every ledger "
                "downloaded from the browser, so it cannot be imported: import a ledger with whole "
                "citizen IDs."
            )
        )
    return rows


class _Texts:
    """The words of the history entries, looked up once per file: its thousands of rows repeat
    the same few labels, and a lookup costs more than the rest of the row. (Dates: short_date.)"""

    def __init__(self) -> None:
        self.counselling = str(Counselling.Kind.INFORMATION.label)
        self.placement = str(Placement.Kind.ENTERPRISE.label)
        self.no_course = _("no training institution recorded")
        self.status = {value: str(label) for value, label in Registration.Status.choices}
        self.training = {value: str(label) for value, label in CareerWish.Training.choices}
        self.wish_labels = tuple(
            capfirst(CareerWish._meta.get_field(name).verbose_name)
            for name in ("wants_training", "occupation")
        )


@dataclass(frozen=True)
class _Context:
    user: User
    today: dt.date
    texts: _Texts


def _plan(user: User, rows: list[tuple[int, dict[str, Any]]], *, lock: bool) -> LedgerPlan:
    lookups = LedgerLookups.load(rows)
    read = [_read_row(number, values, lookups) for number, values in rows]
    numbers = {row.fields["citizen_id"] for row in read}
    lookups.holders = soldiers_holding(numbers, lock=lock)
    repeats = repeated_citizen_ids([(row.number, row.fields, row.failed) for row in read])
    scope = scope_for(user)
    mine = {n: s for n, s in lookups.holders.items() if scope.covers_unit(s.unit)}
    held = _held([soldier.pk for soldier in mine.values()])
    context = _Context(user, timezone.localdate(), _Texts())
    plan = LedgerPlan()
    for row in read:
        # A citizen ID on file is that soldier, if he is the user's; else it is a duplicate.
        existing = mine.get(row.fields["citizen_id"])
        his = held.get(existing.pk, Held()) if existing else Held()
        fields = _soldier_fields(row, existing)
        errors = [
            *soldier_errors(user, row, fields, existing, lookups),
            *repeats.get(row.number, []),
            *outcome_errors(row, fields.get("enlistment_date"), his, context.today),
        ]
        if errors:
            plan.errors.extend(errors)
            continue
        soldier, changes = plan_soldier(plan.soldiers, row.number, fields, existing)
        # A new dict: the soldier's own changes also name the columns his upsert writes.
        entry = changes | _plan_outcomes(plan, soldier, row, his, context)
        if entry:
            plan.history.append((soldier, entry))
    plan.errors.sort(key=lambda error: (error.row, ALL_COLUMNS.index(error.column)))
    return plan


def _read_row(number: int, values: dict[str, Any], lookups: LedgerLookups) -> Row:
    fields, failed = read_row(values, lookups)
    outcomes, outcome_failed = read_outcomes(values, lookups)
    discharge_given = bool(cell_text(values[DISCHARGE])) and DISCHARGE not in failed
    return Row(number, fields, outcomes, failed | outcome_failed, discharge_given)


def _held(soldier_ids: list[int]) -> dict[int, Held]:
    """What these soldiers already have, in one query per kind of record."""
    held = {pk: Held() for pk in soldier_ids}
    counselled = Counselling.objects.filter(soldier_id__in=soldier_ids)
    for soldier_id, day in counselled.values_list("soldier_id", "date"):
        held[soldier_id].counselling_days.add(day)
    wishes = CareerWish.objects.filter(soldier_id__in=soldier_ids, is_current=True)
    for wish in wishes.select_related("occupation"):
        held[wish.soldier_id].wish = wish
    registrations = Registration.objects.filter(soldier_id__in=soldier_ids).exclude(
        status=Registration.Status.WITHDRAWN
    )
    for registration in registrations.select_related("occupation", "institution"):
        held[registration.soldier_id].registrations.append(registration)
    placed = Placement.objects.filter(soldier_id__in=soldier_ids)
    for soldier_id, day in placed.values_list("soldier_id", "started_on"):
        held[soldier_id].placement_days.add(day)
    return held


def _soldier_fields(row: Row, existing: Soldier | None) -> dict[str, Any]:
    """The soldier's fields as the row sets them. For a soldier on file, what the ledger does
    not hold (or leaves blank) stays as it is, and its discharge date is his recorded actual
    discharge if he has one (the export writes that one)."""
    fields = dict(row.fields)
    if existing is None:
        return fields
    for name in ("rank", "phone", *HOME_FIELDS):
        if fields.get(name) in (None, ""):
            fields[name] = getattr(existing, name)
    if existing.actual_discharge_date and row.discharge_given:
        fields["actual_discharge_date"] = fields["expected_discharge_date"]
        fields["expected_discharge_date"] = existing.expected_discharge_date
    return fields


# -- what happened to him --


def _plan_outcomes(
    plan: LedgerPlan, soldier: Soldier, row: Row, held: Held, context: _Context
) -> dict[str, list[str]]:
    """Plan what the row records about the soldier; returns it as his history keeps it,
    {kind: [before, after]}, with the keys the services use for each kind."""
    out = row.outcomes
    changes: dict[str, list[str] | None] = {}
    if out.counselled and out.counselled not in held.counselling_days:
        changes["counselling"] = _plan_counselling(plan, soldier, out.counselled, context)
    if out.needs_training is not None:
        changes["wish"] = _plan_wish(plan, soldier, row, held.wish, context)
    if out.enrolled:
        target = registration_target(held.registrations)
        changes["registration"] = _plan_registration(plan, soldier, row, target, context)
    if out.employed and out.employed not in held.placement_days:
        changes["placement"] = _plan_placement(plan, soldier, out.employed, out.workplace, context)
    return {kind: change for kind, change in changes.items() if change is not None}


def _plan_counselling(
    plan: LedgerPlan, soldier: Soldier, day: dt.date, context: _Context
) -> list[str]:
    counselling = Counselling(
        soldier=soldier, date=day, kind=Counselling.Kind.INFORMATION, officer_id=context.user.pk
    )
    plan.counsellings.append(counselling)
    return ["", f"{context.texts.counselling} {short_date(day)}"]


def _plan_wish(
    plan: LedgerPlan, soldier: Soldier, row: Row, current: CareerWish | None, context: _Context
) -> list[str] | None:
    """A new current wish, only when the ledger's answer differs from his current one. It is
    dated on the ledger's counselling day (else today), never before the wish it replaces."""
    out = row.outcomes
    occupation_id = out.occupation.pk if out.occupation else None
    if current and (current.wants_training, current.occupation_id) == (
        out.needs_training,
        occupation_id,
    ):
        return None
    surveyed = out.counselled or context.today
    if current is not None:
        surveyed = max(surveyed, current.surveyed_on)
        plan.replaced_wishes.append(current.pk)
    kept = {name: getattr(current, name) for name in KEPT_ANSWERS} if current else {}
    wish = CareerWish(
        soldier=soldier,
        surveyed_on=surveyed,
        wants_training=out.needs_training,
        occupation=out.occupation,
        recorded_by_id=context.user.pk,
        **kept,
    )
    plan.wishes.append(wish)
    return [_wish_summary(current, context.texts), _wish_summary(wish, context.texts)]


def _wish_summary(wish: CareerWish | None, texts: _Texts) -> str:
    """The two answers the ledger holds, as the survey's history shows answers."""
    if wish is None:
        return ""
    values = (texts.training[wish.wants_training], wish.occupation.name if wish.occupation else "—")
    return "; ".join(
        f"{label}: {value}" for label, value in zip(texts.wish_labels, values, strict=True)
    )


def _plan_registration(
    plan: LedgerPlan,
    soldier: Soldier,
    row: Row,
    target: Registration | None,
    context: _Context,
) -> list[str] | None:
    """Enrolled (and completed) on the ledger's dates: the registration the ledger shows is
    updated, or the one in progress moves on, or a new one without course is added."""
    out = row.outcomes
    completed = out.completed or (target.completed_on if target else None)
    status = Registration.Status.COMPLETED if completed else Registration.Status.ENROLLED
    if target is None:
        registration = Registration(
            soldier=soldier,
            occupation=out.occupation,
            status=status,
            wished_on=out.enrolled,
            enrolled_on=out.enrolled,
            completed_on=completed,
            created_by_id=context.user.pk,
        )
        plan.new_registrations.append(registration)
        return ["", _registration_summary(registration, context.texts)]
    elif (target.status, target.enrolled_on, target.completed_on) != (
        status,
        out.enrolled,
        completed,
    ):
        before = _registration_summary(target, context.texts)
        target.status, target.enrolled_on, target.completed_on = status, out.enrolled, completed
        plan.changed_registrations.append(target)
        return [before, _registration_summary(target, context.texts)]
    return None


def _registration_summary(registration: Registration, texts: _Texts) -> str:
    where = registration.institution.name if registration.institution_id else texts.no_course
    dates = " – ".join(
        short_date(day) for day in (registration.enrolled_on, registration.completed_on) if day
    )
    status = texts.status[registration.status]
    return f"{registration.occupation.name} – {where}: {status} {dates}".strip()


def _plan_placement(
    plan: LedgerPlan, soldier: Soldier, day: dt.date, workplace: str, context: _Context
) -> list[str]:
    placement = Placement(
        soldier=soldier,
        kind=Placement.Kind.ENTERPRISE,
        source=Placement.Source.UNIT,
        workplace=workplace,
        started_on=day,
        recorded_by_id=context.user.pk,
    )
    plan.placements.append(placement)
    summary = " – ".join(p for p in (context.texts.placement, workplace, short_date(day)) if p)
    return ["", summary]


# -- saving --


def _save(user: User, plan: LedgerPlan) -> None:
    save_soldiers(user, plan.soldiers, history=False)
    insert_new(plan.counsellings)
    # The wishes replaced stop being current before their successors are written (one current
    # wish per soldier).
    CareerWish.objects.filter(pk__in=plan.replaced_wishes).update(is_current=False)
    insert_new(plan.wishes)
    insert_new(plan.new_registrations)
    # An upsert on the primary key, as for the soldiers: bulk_update is far slower in bulk.
    Registration.objects.bulk_create(
        plan.changed_registrations,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["pk"],
        update_fields=["status", "enrolled_on", "completed_on"],
    )
    insert_new(plan.placements)
    now = timezone.now()
    insert_new(
        [
            SoldierChange(
                soldier=soldier,
                by_id=user.pk,
                at=now,
                action=SoldierChange.Action.IMPORTED,
                changes=changes,
            )
            for soldier, changes in plan.history
        ]
    )
    milestones.refresh(sorted(soldier.pk for soldier, _changes in plan.history))
