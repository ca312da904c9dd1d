"""The tracking ledger (Sổ theo dõi), the units' spreadsheet of today, as a round trip.

One sheet `Danh sách`, one row per soldier of a year's cohort (columns.py): written by export.py
with the same rules the import reads back (cells.py, rules.py, rows.py), so that exporting and
importing the result changes nothing. The file checks and cell readers are the soldier import's
(soldiers.importing): a ledger is refused whole, or every row is checked and all or nothing is
saved.
"""

from __future__ import annotations

from reports.ledger.columns import COLUMNS, OPTIONAL, SHEET_TITLE
from reports.ledger.export import export_summary, export_units, ledger_export, ledger_sheet
from reports.ledger.rows import LedgerPlan, ledger_apply, ledger_check

__all__ = [
    "COLUMNS",
    "OPTIONAL",
    "SHEET_TITLE",
    "LedgerPlan",
    "export_summary",
    "export_units",
    "ledger_apply",
    "ledger_check",
    "ledger_export",
    "ledger_sheet",
]
