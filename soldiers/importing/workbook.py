"""The uploaded soldier list as a whole: the checks and the reading are units/xlsx_reader.py's
(shared with the account roll-out); this module gives them the template's columns and words the
refusals that name what the rows are."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from soldiers.importing.columns import COLUMNS
from units import xlsx_reader
from units.xlsx_reader import (
    MAX_BYTES,
    MAX_ROWS,
    STAGING_DIR,
    ImportRefused,
    StagedFile,
    Upload,
    package_problem,
    stage,
    staged_content,
    staged_discard,
)

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "STAGING_DIR",
    "ImportRefused",
    "StagedFile",
    "Upload",
    "check_upload",
    "package_problem",
    "read_rows",
    "stage",
    "staged_content",
    "staged_discard",
]


def _texts() -> dict[str, str]:
    return {
        "too_many_rows": _(
            "The file has more than %(rows)s rows of soldiers. Split the list into several files."
        )
        % {"rows": number_format(MAX_ROWS, force_grouping=True)},
        "empty": _("The file has no soldiers: fill in the rows under the header row."),
    }


def check_upload(
    file: UploadedFile, *, columns: Sequence[str] = COLUMNS, optional: Sequence[str] = ()
) -> Upload:
    """The uploaded file, read once checked to be an importable workbook; else ImportRefused.

    `columns` must all be in the header row, `optional` may be; no other column is accepted."""
    with xlsx_reader.reworded(_texts()):
        return xlsx_reader.check_upload(file, columns=columns, optional=optional)


def read_rows(
    content: bytes, *, columns: Sequence[str] = COLUMNS, optional: Sequence[str] = ()
) -> list[tuple[int, dict[str, Any]]]:
    """(row number, {column: cell value}) for each non-blank row under the header; an optional
    column missing from the header is missing from the rows too."""
    with xlsx_reader.reworded(_texts()):
        return xlsx_reader.read_rows(content, columns=columns, optional=optional)
