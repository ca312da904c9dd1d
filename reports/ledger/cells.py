"""The ledger's own cells, read with the soldier import's readers (soldiers.importing.cells):
dates as Excel dates or dd/mm/yyyy, "Có" / "Không" in any case, occupations by their name in the
catalogue (case, spacing and the place of the tone mark do not matter)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from reports.ledger.columns import (
    COMPLETED,
    COUNSELLED,
    EMPLOYED,
    ENROLLED,
    NEEDS_TRAINING,
    NO,
    OCCUPATION,
    WORKPLACE,
    YES,
)
from soldiers.importing.cells import CellError, Lookups, cell_text, name_key, read_date
from training.models import CareerWish, Occupation

NEED_KEYS = {name_key(YES): CareerWish.Training.YES, name_key(NO): CareerWish.Training.NO}
WORKPLACE_LIMIT = 300  # employers.Placement.workplace


@dataclass
class LedgerLookups(Lookups):
    """The soldier import's lookups, and the occupation catalogue, read once for the file."""

    occupations: dict[str, Occupation] = field(default_factory=dict)  # by name_key of the name

    @classmethod
    def load(cls, rows: list[tuple[int, dict[str, Any]]]) -> LedgerLookups:
        lookups = super().load(rows)
        lookups.occupations = {name_key(o.name): o for o in Occupation.objects.all()}
        return lookups


@dataclass(frozen=True)
class Outcomes:
    """What the ledger says happened to the soldier after he was entered."""

    counselled: dt.date | None = None
    needs_training: str | None = None  # CareerWish.Training, or None for a blank cell
    occupation: Occupation | None = None
    enrolled: dt.date | None = None
    completed: dt.date | None = None
    employed: dt.date | None = None
    workplace: str = ""


def _needs_training(value: Any, lookups: LedgerLookups, fields: dict[str, Any]) -> str | None:
    text = cell_text(value)
    if text and name_key(text) not in NEED_KEYS:
        raise CellError(_("Write Có or Không, or leave it blank."))
    return NEED_KEYS[name_key(text)] if text else None


def _occupation(value: Any, lookups: LedgerLookups, fields: dict[str, Any]) -> Occupation | None:
    text = cell_text(value)
    if text and name_key(text) not in lookups.occupations:
        raise CellError(_("“%(value)s” is not in the catalogue of occupations.") % {"value": text})
    return lookups.occupations[name_key(text)] if text else None


def _workplace(value: Any, lookups: LedgerLookups, fields: dict[str, Any]) -> str:
    text = cell_text(value)
    if len(text) > WORKPLACE_LIMIT:
        raise CellError(_("At most %(limit)s characters.") % {"limit": WORKPLACE_LIMIT})
    return text


READERS = {
    COUNSELLED: ("counselled", read_date),
    NEEDS_TRAINING: ("needs_training", _needs_training),
    OCCUPATION: ("occupation", _occupation),
    ENROLLED: ("enrolled", read_date),
    COMPLETED: ("completed", read_date),
    EMPLOYED: ("employed", read_date),
    WORKPLACE: ("workplace", _workplace),
}


def read_outcomes(
    values: dict[str, Any], lookups: LedgerLookups
) -> tuple[Outcomes, dict[str, str]]:
    """The row's outcomes, and why each column that could not be read could not (a cell that
    cannot be read counts as blank)."""
    read: dict[str, Any] = {}
    failed: dict[str, str] = {}
    for column, (name, reader) in READERS.items():
        try:
            value = reader(values[column], lookups, read)
        except CellError as error:
            failed[column] = str(error)
            continue
        if value not in (None, ""):
            read[name] = value
    return Outcomes(**read), failed
