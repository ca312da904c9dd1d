"""A unit's report for one deadline and year: draft → submitted → accepted, or returned with a
reason and submitted again (issue 5). One use case per function, in one transaction.

Each move is a conditional UPDATE on the status the move starts from, so a double click, or two
reviewers at once, changes the report once and is told so the second time. Who may do what:
the unit's own officers (a department's own staff for PA03, PA04, PX03) prepare and submit it;
PX01 staff and superusers accept or return it; leaders only read.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from reports import contents
from reports.deadlines import responsible_units
from reports.models import ReportObligation, ReportSubmission
from units.models import Unit, User
from units.scoping import LEAD_DEPARTMENT
from units.services import notify

Status = ReportSubmission.Status
EDITABLE = (Status.DRAFT, Status.RETURNED)
PREPARERS = (User.Role.UNIT_OFFICER, User.Role.HQ_STAFF)

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"
# Extension → (first bytes, the part an Office file of that kind must contain).
ATTACHMENT_KINDS: dict[str, tuple[bytes, str]] = {
    "pdf": (b"%PDF-", ""),
    "docx": (ZIP_MAGIC, "word/document.xml"),
    "xlsx": (ZIP_MAGIC, "xl/workbook.xml"),
}


def may_prepare(user: User, unit: Unit) -> bool:
    """The unit's own officers (or a department's own staff) fill in and submit its report."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.unit_id == unit.pk
        and user.role in PREPARERS
        and unit.active
    )


def may_review(user: User) -> bool:
    """PX01 leads the work and reviews every unit's report; a superuser may stand in."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return (
        user.role == User.Role.HQ_STAFF
        and user.unit is not None
        and (user.unit.code == LEAD_DEPARTMENT)
    )


def _require_preparer(user: User, unit: Unit) -> None:
    if not may_prepare(user, unit):
        raise PermissionDenied(_("Only the unit's own officers may prepare and submit its report."))


def _require_reviewer(user: User) -> None:
    if not may_review(user):
        raise PermissionDenied(_("Only PX01 may accept or return a unit's report."))


def submission_url(submission: ReportSubmission) -> str:
    return reverse(
        "reports:submission",
        args=[submission.obligation.code, submission.year, submission.unit.code],
    )


def _move(
    submission: ReportSubmission,
    allowed: tuple[str, ...],
    refusal: Callable[[str], str],
    **changes: object,
) -> ReportSubmission:
    """Apply `changes` only if the report is still in one of the `allowed` statuses; otherwise
    nothing changes and `refusal(current status)` says why."""
    updated = ReportSubmission.objects.filter(pk=submission.pk, status__in=allowed).update(
        updated_at=timezone.now(), **changes
    )
    if not updated:
        current = ReportSubmission.objects.values_list("status", flat=True).get(pk=submission.pk)
        raise ValidationError(refusal(current))
    submission.refresh_from_db()
    return submission


def submission_for(*, unit: Unit, obligation: ReportObligation, year: int) -> ReportSubmission:
    """The unit's report for this deadline and year, created as an empty draft the first time.
    Refused for a unit that does not owe the report."""
    existing = ReportSubmission.objects.filter(obligation=obligation, unit=unit, year=year).first()
    if existing is not None:
        return existing
    if not (obligation.active and responsible_units(obligation).filter(pk=unit.pk).exists()):
        raise ValidationError(
            _("%(unit)s does not owe the report %(name)s.")
            % {"unit": unit.code, "name": obligation.name}
        )
    # get_or_create: two first clicks at once make one draft (the unique constraint decides).
    return ReportSubmission.objects.get_or_create(obligation=obligation, unit=unit, year=year)[0]


@transaction.atomic
def submission_generate(*, user: User, submission: ReportSubmission) -> ReportSubmission:
    """Fill (or refresh) the report's content from the data as they stand now. Only while it is
    a draft or returned: what was submitted stays as it was sent."""
    _require_preparer(user, submission.unit)
    data = contents.generate(submission.obligation, unit=submission.unit, year=submission.year)
    return _move(
        submission,
        EDITABLE,
        lambda status: _("A submitted report can no longer be changed."),
        data=data,
    )


def attachment_check(upload: UploadedFile) -> str:
    """The extension of an acceptable attachment: a PDF, .docx or .xlsx file of at most 10 MB,
    judged by its name AND its first bytes (an .exe renamed .pdf is refused)."""
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if extension not in ATTACHMENT_KINDS:
        raise ValidationError(
            {"attachment": [_("Attach a PDF, Word (.docx) or Excel (.xlsx) file.")]}
        )
    if upload.size is None or upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"attachment": [_("The attached file may not exceed 10 MB.")]})
    if not _content_is(upload, extension):
        raise ValidationError(
            {
                "attachment": [
                    _("This file is not really a .%(extension)s file.") % {"extension": extension}
                ]
            }
        )
    return extension


def _content_is(upload: UploadedFile, extension: str) -> bool:
    magic, part = ATTACHMENT_KINDS[extension]
    upload.seek(0)
    try:
        if upload.read(len(magic)) != magic:
            return False
        if not part:
            return True
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            return part in archive.namelist()
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)


def _store_attachment(submission: ReportSubmission, upload: UploadedFile, extension: str) -> None:
    """Save the file under reports/ with a name of our own (never the uploader's), and remove the
    file it replaces once the transaction has committed."""
    replaced = submission.attachment.name
    name = f"{submission.obligation.code}-{submission.unit.code}-{submission.year}.{extension}"
    submission.attachment.save(name, upload, save=False)
    ReportSubmission.objects.filter(pk=submission.pk).update(attachment=submission.attachment.name)
    if replaced:
        storage = submission.attachment.storage
        transaction.on_commit(lambda: storage.delete(replaced))


def _officers(unit: Unit) -> list[User]:
    return list(User.objects.filter(unit=unit, is_active=True, role__in=PREPARERS).order_by("pk"))


@transaction.atomic
def submission_submit(
    *,
    user: User,
    submission: ReportSubmission,
    note: str = "",
    attachment: UploadedFile | None = None,
) -> ReportSubmission:
    """Send a draft or returned report to PX01, with an optional note and attached file. A report
    never generated is generated first, so that none goes out empty."""
    _require_preparer(user, submission.unit)
    extension = attachment_check(attachment) if attachment else ""
    changes: dict[str, object] = {
        "status": Status.SUBMITTED,
        "submitted_at": timezone.now(),
        "submitted_by": user,
        "note": note.strip(),
    }
    if not submission.data:
        changes["data"] = contents.generate(
            submission.obligation, unit=submission.unit, year=submission.year
        )
    _move(
        submission,
        EDITABLE,
        lambda status: _("This report has already been submitted."),
        **changes,
    )
    if attachment:
        _store_attachment(submission, attachment, extension)
    reviewers = User.objects.filter(
        unit__code=LEAD_DEPARTMENT, role=User.Role.HQ_STAFF, is_active=True
    )
    names = {"name": submission.obligation.name, "unit": submission.unit.code}
    notify(
        users=reviewers,
        title=_("Report submitted: %(name)s – %(unit)s") % names,
        body=_('%(unit)s has submitted "%(name)s" for %(year)s.')
        % {**names, "year": submission.year},
        url=submission_url(submission),
    )
    return submission


@transaction.atomic
def submission_accept(*, user: User, submission: ReportSubmission) -> ReportSubmission:
    """PX01 accepts a submitted report; the unit's officers are told."""
    _require_reviewer(user)
    _move(
        submission,
        (Status.SUBMITTED,),
        lambda status: (
            _("This report has already been accepted.")
            if status == Status.ACCEPTED
            else _("Only a submitted report can be accepted.")
        ),
        status=Status.ACCEPTED,
        reviewed_at=timezone.now(),
        reviewed_by=user,
    )
    names = {"name": submission.obligation.name, "year": submission.year}
    notify(
        users=_officers(submission.unit),
        title=_("Report accepted: %(name)s") % names,
        body=_('PX01 has accepted your unit\'s report "%(name)s" for %(year)s.') % names,
        url=submission_url(submission),
    )
    return submission


@transaction.atomic
def submission_return(*, user: User, submission: ReportSubmission, reason: str) -> ReportSubmission:
    """PX01 returns a submitted report for correction, saying why; the unit's officers are told
    and may submit it again."""
    _require_reviewer(user)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the report is returned.")]})
    _move(
        submission,
        (Status.SUBMITTED,),
        lambda status: (
            _("This report has already been returned to the unit.")
            if status == Status.RETURNED
            else _("Only a submitted report can be returned.")
        ),
        status=Status.RETURNED,
        reviewed_at=timezone.now(),
        reviewed_by=user,
        return_reason=reason,
    )
    names = {"name": submission.obligation.name, "year": submission.year, "reason": reason}
    notify(
        users=_officers(submission.unit),
        title=_("Report returned: %(name)s") % names,
        body=_(
            'PX01 has returned your unit\'s report "%(name)s" for %(year)s. Reason: %(reason)s. '
            "Please correct it and submit it again."
        )
        % names,
        url=submission_url(submission),
    )
    return submission
