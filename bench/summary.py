"""The leadership summary workbook of a cohort of about 100,000 soldiers: time and peak memory
(`/usr/bin/time -v` on a process that only writes it), against bare openpyxl write-only writing
the same soldier rows (the same query, plain values) in the same run.

    DATABASE_URL=... python -m bench.summary          # both, in turn, saved to bench/data
    DATABASE_URL=... python -m bench.summary ours OUT # one workbook (what /usr/bin/time runs)
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

from bench.common import ROOT, save, setup

TIME = "/usr/bin/time"
ROUNDS = 5  # each writer this many times, in turn; the median counts


def main() -> None:
    if len(sys.argv) == 3:
        write(sys.argv[1], Path(sys.argv[2]))
        return
    setup()
    year, rows = cohort_near(100_000)
    runs: dict[str, list[dict[str, float]]] = {"ours": [], "bare": []}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(ROUNDS):
            for kind in runs:
                runs[kind].append(measure(kind, Path(folder) / f"{kind}.xlsx", year))
                print(f"summary {kind}: {runs[kind][-1]}", flush=True)
    result: dict[str, Any] = {"year": year, "rows": rows}
    for kind, samples in runs.items():
        samples.sort(key=lambda sample: sample["seconds"])
        result[kind] = samples[len(samples) // 2] | {
            "peak_mb": max(sample["peak_mb"] for sample in samples),
            "cpu_seconds": _median(samples, "cpu_seconds"),
        }
    result["ratio"] = result["ours"]["seconds"] / result["bare"]["seconds"]
    # Other work on the machine stretches wall times unevenly; the CPU time of the writing
    # process is what the two writers cost, and decides the goal.
    result["cpu_ratio"] = _median(runs["ours"], "cpu_seconds") / _median(
        runs["bare"], "cpu_seconds"
    )
    save("summary", result)


def _median(samples: list[dict[str, float]], key: str) -> float:
    return sorted(sample[key] for sample in samples)[len(samples) // 2]


def cohort_near(size: int) -> tuple[int, int]:
    """The cohort year whose size is closest to `size`."""
    from django.db.models import Count

    from soldiers.models import Soldier

    sizes = (
        Soldier.objects.filter(archived=False)
        .values_list("cohort_year")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return min(sizes, key=lambda row: abs(row[1] - size))


def measure(kind: str, out: Path, year: int) -> dict[str, float]:
    command = [TIME, "-v", sys.executable, "-m", "bench.summary", kind, str(out)]
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, check=True, env=_env(year)
    )
    seconds = time.perf_counter() - started
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)[1])
    inner = re.search(r"wrote in ([\d.]+) s, CPU ([\d.]+) s", done.stdout)
    return {
        "seconds": float(inner[1]),
        "cpu_seconds": float(inner[2]),
        "process_seconds": seconds,
        "peak_mb": peak_kb / 1024,
        "file_mb": out.stat().st_size / 2**20,
    }


def _env(year: int) -> dict[str, str]:
    return os.environ | {"BENCH_YEAR": str(year)}


def write(kind: str, out: Path) -> None:
    """One workbook, in this process: ours (reports.summary.summary_write, five sheets) or the
    bare one (the soldier rows only, read with a plain cursor and appended as plain values)."""
    setup()
    from django.utils import timezone

    year = int(os.environ["BENCH_YEAR"])
    as_of = timezone.localdate()
    started, cpu = time.perf_counter(), time.process_time()
    with out.open("wb") as target:
        if kind == "ours":
            _ours(target, year, as_of)
        else:
            _bare(target, year, as_of)
    print(f"wrote in {time.perf_counter() - started:.3f} s, CPU {time.process_time() - cpu:.3f} s")


def _ours(target: IO[bytes], year: int, as_of: dt.date) -> None:
    from bench.common import hq_account
    from reports.summary import summary_write

    summary_write(target, user=hq_account(), year=year, as_of=as_of)


def _bare(target: IO[bytes], year: int, as_of: dt.date) -> None:
    from django.db import connection
    from openpyxl import Workbook

    from soldiers.citizen_id import mask

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách chiến sĩ")
    sheet.append(
        [
            "Họ và tên",
            "Số CCCD",
            "Ngày sinh",
            "Đơn vị",
            "Ngày xuất ngũ",
            "Ngày tư vấn",
            "Nhu cầu học nghề",
            "Ngày nhập học",
            "Ngày có việc làm",
        ]
    )
    sql = """
        SELECT s.full_name, s.citizen_id, s.date_of_birth, u.code,
            COALESCE(s.actual_discharge_date, s.expected_discharge_date), s.first_counselling_on,
            s.need_training AND s.need_training_since <= %(as_of)s, s.enrolled_on, s.employed_on
        FROM soldiers_soldier s JOIN units_unit u ON u.id = s.unit_id
        WHERE s.cohort_year = %(year)s AND NOT s.archived
        ORDER BY u.path, s.sort_key, s.id"""
    with connection.cursor() as cursor:
        cursor.execute(sql, {"year": year, "as_of": as_of})
        while rows := cursor.fetchmany(2_000):
            for name, cid, born, unit, discharge, counselled, need, enrolled, employed in rows:
                sheet.append(
                    [
                        name,
                        mask(cid),
                        born,
                        unit,
                        discharge,
                        counselled,
                        "Có" if need else "",
                        enrolled,
                        employed,
                    ]
                )
    workbook.save(target)


if __name__ == "__main__":
    main()
