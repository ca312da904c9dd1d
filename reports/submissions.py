"""A unit's report for one deadline and year: draft → submitted → accepted, or returned with a
reason and submitted again (issue 5). One use case per function, in one transaction.

Each move is a conditional UPDATE on the status the move starts from, so a double click, or two
reviewers at once, changes the report once and is told so the second time. Who may do what:
the unit's own officers (a department's own staff for PA03, PA04, PX03) prepare and submit it,
as a partner (institution or employer) does its own through its partner accounts; PX01 staff
and superusers accept or return it; leaders only read.
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
from reports.deadlines import Party, answerable_accounts, owes, own_party, party_of
from reports.models import ReportObligation, ReportSubmission
from units.models import Unit, User
from units.scoping import is_lead
from units.selectors import lead_department_staff
from units.services import notify
from units.xlsx_reader import package_problem

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


def may_prepare(user: User, party: Party) -> bool:
    """The unit's own officers (or a department's own staff) fill in and submit its report; a
    partner's own accounts fill in the partner's."""
    if party.unit is None:
        return own_party(user) == party
    unit = party.unit
    return bool(
        user.is_authenticated
        and user.is_active
        and user.unit_id == unit.pk
        and user.role in PREPARERS
        and unit.active
    )


def may_review(user: User) -> bool:
    """PX01 leads the work and reviews every unit's report; a superuser may stand in."""
    return is_lead(user)


def _require_preparer(user: User, party: Party) -> None:
    if not may_prepare(user, party):
        raise PermissionDenied(_("Only the unit's own officers may prepare and submit its report."))


def _require_reviewer(user: User) -> None:
    if not may_review(user):
        raise PermissionDenied(_("Only PX01 may accept or return a unit's report."))


def submission_url(submission: ReportSubmission) -> str:
    return reverse(
        "reports:submission",
        args=[submission.obligation.code, submission.year, party_of(submission).key],
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


def submission_for(
    *,
    obligation: ReportObligation,
    year: int,
    unit: Unit | None = None,
    party: Party | None = None,
) -> ReportSubmission:
    """The report of a unit (or of any `party`) for this deadline and year, created as an empty
    draft the first time. Refused for a party that does not owe the report."""
    party = party or Party(unit=unit)
    found = ReportSubmission.objects.filter(obligation=obligation, year=year, **party.lookup)
    existing = found.first()
    if existing is not None:
        return existing
    if not owes(obligation, party):
        raise ValidationError(
            _("%(unit)s does not owe the report %(name)s.")
            % {"unit": party.label, "name": obligation.name}
        )
    # get_or_create: two first clicks at once make one draft (the unique constraint decides).
    return ReportSubmission.objects.get_or_create(obligation=obligation, year=year, **party.lookup)[
        0
    ]


@transaction.atomic
def submission_generate(*, user: User, submission: ReportSubmission) -> ReportSubmission:
    """Fill (or refresh) the report's content from the data as they stand now. Only while it is
    a draft or returned: what was submitted stays as it was sent."""
    party = party_of(submission)
    _require_preparer(user, party)
    data = contents.generate(submission.obligation, party=party, year=submission.year)
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
    problem = _content_problem(upload, extension)
    if problem:
        refusals = {
            "not_kind": _("This file is not really a .%(extension)s file.")
            % {"extension": extension},
            # Office packages are judged as the imports judge workbooks (units.xlsx_reader).
            "broken": _(
                "The attached file is damaged or unpacks to more than 100 MB: save it again "
                "and attach it again."
            ),
            "macros": _("Files with macros are not accepted: save it again as a plain file."),
            "external_links": _(
                "Files that link to other workbooks are not accepted: break the links in Excel, "
                "save the file and attach it again."
            ),
        }
        raise ValidationError({"attachment": [refusals[problem]]})
    return extension


def _content_problem(upload: UploadedFile, extension: str) -> str | None:
    """Why the file's content may not be attached (see attachment_check), or None. The zip is
    never inflated here: only its directory and content types are read."""
    magic, part = ATTACHMENT_KINDS[extension]
    upload.seek(0)
    try:
        if upload.read(len(magic)) != magic:
            return "not_kind"
        if not part:
            return None
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            if part not in archive.namelist():
                return "not_kind"
            return package_problem(archive)
    except zipfile.BadZipFile:
        return "not_kind"
    finally:
        upload.seek(0)


def _store_attachment(submission: ReportSubmission, upload: UploadedFile, extension: str) -> None:
    """Save the file under reports/ with a name of our own (never the uploader's), and remove the
    file it replaces once the transaction has committed."""
    replaced = submission.attachment.name
    name = f"{submission.obligation.code}-{party_of(submission).key}-{submission.year}.{extension}"
    submission.attachment.save(name, upload, save=False)
    ReportSubmission.objects.filter(pk=submission.pk).update(attachment=submission.attachment.name)
    if replaced:
        storage = submission.attachment.storage
        transaction.on_commit(lambda: storage.delete(replaced))


def _officers(submission: ReportSubmission) -> list[User]:
    return list(answerable_accounts(party_of(submission)))


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
    party = party_of(submission)
    _require_preparer(user, party)
    extension = attachment_check(attachment) if attachment else ""
    changes: dict[str, object] = {
        "status": Status.SUBMITTED,
        "submitted_at": timezone.now(),
        "submitted_by": user,
        "note": note.strip(),
    }
    if not submission.data:
        changes["data"] = contents.generate(
            submission.obligation, party=party, year=submission.year
        )
    _move(
        submission,
        EDITABLE,
        lambda status: _("This report has already been submitted."),
        **changes,
    )
    if attachment:
        _store_attachment(submission, attachment, extension)
    reviewers = lead_department_staff()
    names = {"name": submission.obligation.name, "unit": party.label}
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
        users=_officers(submission),
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
        users=_officers(submission),
        title=_("Report returned: %(name)s") % names,
        body=_(
            'PX01 has returned your unit\'s report "%(name)s" for %(year)s. Reason: %(reason)s. '
            "Please correct it and submit it again."
        )
        % names,
        url=submission_url(submission),
    )
    return submission
