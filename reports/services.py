"""Writes of the reports layer: the nightly snapshots of the figures, the export jobs."""

from __future__ import annotations

import datetime as dt
import logging
import tempfile

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation

from reports import summary
from reports.models import ExportJob, TargetSnapshot
from reports.targets import COUNTS, figures, figures_by_unit
from units.models import Unit, User

logger = logging.getLogger(__name__)


@transaction.atomic
def snapshots_take(*, on: dt.date, years: tuple[int, ...] | None = None) -> int:
    """Store the figures of every unit and of the province for the cohort years around `on`, as
    they stand on `on`. Running it twice the same day replaces that day's rows, nothing more."""
    years = years or (on.year - 1, on.year, on.year + 1)
    units = list(Unit.objects.filter(active=True))
    rows = []
    for year in years:
        province = figures(year=year, as_of=on)
        rows.append(TargetSnapshot(unit=None, year=year, taken_on=on, **_counts(province)))
        for unit_id, result in figures_by_unit(year=year, as_of=on, units=units).items():
            rows.append(TargetSnapshot(unit_id=unit_id, year=year, taken_on=on, **_counts(result)))
    TargetSnapshot.objects.filter(taken_on=on, year__in=years).delete()
    TargetSnapshot.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _counts(result: object) -> dict[str, int]:
    return {key: getattr(result, key) for key in COUNTS}


# -- export jobs: workbooks too large to build during a request --


def summary_job_create(*, user: User, year: int, as_of: dt.date) -> ExportJob:
    """Queue the leadership summary for `year` to be built in the background; the task is sent
    once the job row is committed, so the worker always finds it."""
    # Imported here: reports.tasks calls back into this module.
    from reports.tasks import build_summary

    with transaction.atomic():
        job = ExportJob.objects.create(
            user=user,
            kind=ExportJob.Kind.SUMMARY,
            params={"year": year, "as_of": as_of.isoformat()},
        )
        build_summary.delay_on_commit(job.pk)
    return job


def summary_job_run(*, job_id: int) -> bool:
    """Build the workbook of a queued job into a file. A job already done (or failed) is left
    alone, so a task delivered twice builds nothing twice; a job left "running" by a worker that
    died is claimed again (tasks are acknowledged late and redelivered)."""
    Status = ExportJob.Status
    claimed = ExportJob.objects.filter(
        pk=job_id, status__in=(Status.QUEUED, Status.RUNNING)
    ).update(status=Status.RUNNING, progress=0)
    if not claimed:
        return False
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    year, as_of = job.params["year"], dt.date.fromisoformat(job.params["as_of"])
    total = max(summary.cohort_size(year), 1)

    def progress(rows: int) -> None:
        ExportJob.objects.filter(pk=job_id).update(progress=min(99, rows * 100 // total))

    try:
        # A worker has no request to choose the language: the headers are the staff's language.
        with translation.override(settings.LANGUAGE_CODE), tempfile.TemporaryFile() as target:
            rows = summary.summary_write(
                target, user=job.user, year=year, as_of=as_of, progress=progress
            )
            target.seek(0)
            job.file.save(summary.file_name(year), File(target), save=False)
    except Exception as error:
        # Whatever went wrong, the user's progress page must say so rather than wait forever;
        # the traceback goes to the log.
        logger.exception("export job %s failed", job_id)
        ExportJob.objects.filter(pk=job_id).update(
            status=Status.FAILED, error=str(error)[:1000], finished_at=timezone.now()
        )
        return False
    # The rows of each sheet go with the parameters, for the audit log's entry of the download.
    ExportJob.objects.filter(pk=job_id).update(
        status=Status.DONE,
        progress=100,
        file=job.file.name,
        params={**job.params, "rows": rows},
        finished_at=timezone.now(),
    )
    return True
