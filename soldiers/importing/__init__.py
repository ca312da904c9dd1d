"""The soldier list imported from Excel (DESIGN.md §7 and §10).

A file is refused whole when it cannot be a soldier list (workbook.py). Otherwise every row is
read (cells.py) and checked with the rules of `services.soldier_problems`, and either every
problem is reported by row and column, or all rows are saved in one transaction (rows.py): a
citizen ID already on file updates that soldier, any other creates one. template.py writes the
file officers fill in.
"""

from __future__ import annotations

from soldiers.importing.columns import COLUMNS
from soldiers.importing.rows import ImportPlan, PlannedRow, RowError, import_apply, import_check
from soldiers.importing.template import CONTENT_TYPE, FILE_NAME, template_workbook
from soldiers.importing.workbook import (
    MAX_BYTES,
    MAX_ROWS,
    ImportRefused,
    StagedFile,
    Upload,
    check_upload,
    stage,
    staged_content,
    staged_discard,
)

__all__ = [
    "COLUMNS",
    "CONTENT_TYPE",
    "FILE_NAME",
    "MAX_BYTES",
    "MAX_ROWS",
    "ImportPlan",
    "ImportRefused",
    "PlannedRow",
    "RowError",
    "StagedFile",
    "Upload",
    "check_upload",
    "import_apply",
    "import_check",
    "stage",
    "staged_content",
    "staged_discard",
    "template_workbook",
]
